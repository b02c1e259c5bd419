"""Writing collapsed rows (domain/collapse.py) to the projection tables: one `INSERT … ON CONFLICT (key) DO UPDATE
… WHERE table.version < excluded.version` per table (PostgreSQL and SQLite ≥ 3.24), so a stored newer version
still wins and a redelivered event changes nothing; facts the stored row lacks are filled; the freshness row is
updated once per batch (newest event time, count of events applied)."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import JSON, bindparam, case, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from services.reporting.adapters.orm import (AttendanceView, BatchView, CertificateView, CompletionView,
                                             CooperativeView, EnrollmentView, EvaluationView, Freshness,
                                             ProgrammeView, ScoreSheetView, SessionView)
from services.reporting.domain.collapse import ProjectionRows
from shared.db import insert_for


async def write_rows(session: AsyncSession, collapsed: ProjectionRows) -> None:
    """Every table's rows of one batch, then its freshness."""
    dialect = session.get_bind().dialect.name
    insert = insert_for(session)
    w = ProjectionWriter(session, insert, dialect)
    for model, rows in ((ProgrammeView, collapsed.programmes), (CooperativeView, collapsed.cooperatives),
                        (SessionView, collapsed.sessions), (CompletionView, collapsed.completions),
                        (AttendanceView, collapsed.attendance), (ScoreSheetView, collapsed.score_sheets),
                        (EvaluationView, collapsed.evaluations)):
        await w.newer_state(model, list(rows.rows.values()))
    await w.with_facts(EnrollmentView, list(collapsed.enrollments.rows.values()), collapsed.enrollments.facts,
                       ("status",))
    await w.with_facts(CertificateView, list(collapsed.certificates.rows.values()), collapsed.certificates.facts,
                       ("revoked",))
    # A batch's description and its lifecycle are versioned apart (see BatchView).
    descriptions = [{**row, "status": "scheduled", "status_version": 0}
                    for row in collapsed.batch_descriptions.rows.values()]
    await w.upsert(BatchView, descriptions, [c for c in descriptions[0] if c not in ("id", "status",
                                                                                   "status_version")]
                   if descriptions else [], BatchView.__table__.c.version)
    lifecycles = list(collapsed.batch_lifecycles.rows.values())
    for closing in (True, False):
        rows = [{"code": None, "title": None, "venue": None, "programme_id": None, "fiscal_year": None,
                 "start_date": None, "end_date": None, "capacity": None, "session_count": None,
                 "eligible_districts": None, "realised_cost": None, "closed_at": None, "components": None, **row,
                 "status_version": row["version"], "version": 0, "planned_budget": 0}
                for row in lifecycles if (row["status"] == "closed") == closing]
        update = ["status", "status_version"] + (["realised_cost", "closed_at", "components"] if closing else [])
        await w.upsert(BatchView, rows, update, BatchView.__table__.c.status_version)
    await w.freshness(collapsed.count, collapsed.newest)


class ProjectionWriter:
    def __init__(self, session: AsyncSession, insert: Callable, dialect: str) -> None:
        self.session = session
        self.insert = insert
        self.dialect = dialect

    async def _execute(self, table, rows: list[dict], on_conflict: Callable) -> None:
        """Write `rows` with one statement: on PostgreSQL an INSERT … SELECT FROM unnest(one array per column),
        elsewhere (and for JSON columns, which asyncpg cannot send as arrays) one cached statement executed for
        every row. A multi-row VALUES would be compiled anew for every batch size, which costs more than it saves."""
        if not rows:
            return
        columns = list(rows[0])
        if self.dialect == "postgresql" and len(rows) > 1 and not any(
                isinstance(table.c[c].type, JSON) for c in columns):
            arrays = [bindparam(f"unnest_{c}", value=[row[c] for row in rows], type_=postgresql.ARRAY(table.c[c].type))
                      for c in columns]
            source = func.unnest(*arrays).table_valued(*columns).render_derived(name="rows")
            stmt = self.insert(table).from_select(columns, select(*[source.c[c] for c in columns]))
            await self.session.execute(on_conflict(stmt))
        else:
            await self.session.execute(on_conflict(self.insert(table)), rows)

    async def upsert(self, model, rows: list[dict], update: list[str], version_column) -> None:
        """Insert new keys; overwrite `update` where the stored `version_column` is older than the row's."""
        table = model.__table__
        keys = [c.name for c in table.primary_key.columns]
        name = version_column.name

        def on_conflict(stmt):
            return stmt.on_conflict_do_update(index_elements=keys,
                                              set_={c: stmt.excluded[c] for c in [*update, name]},
                                              where=version_column < stmt.excluded[name])
        await self._execute(table, rows, on_conflict)

    async def newer_state(self, model, rows: list[dict]) -> None:
        if rows:
            keys = {c.name for c in model.__table__.primary_key.columns}
            await self.upsert(model, rows, [c for c in rows[0] if c not in keys and c != "version"],
                              model.__table__.c.version)

    async def with_facts(self, model, rows: list[dict], facts: tuple[str, ...], state: tuple[str, ...]) -> None:
        """Fill facts the stored row lacks, and take the state when the row's version is newer."""
        table = model.__table__
        keys = [c.name for c in table.primary_key.columns]

        def on_conflict(stmt):
            x, newer = stmt.excluded, table.c.version < stmt.excluded.version
            set_ = {f: func.coalesce(table.c[f], x[f]) for f in facts if f not in keys}
            set_ |= {s: case((newer, x[s]), else_=table.c[s]) for s in (*state, "version")}
            return stmt.on_conflict_do_update(index_elements=keys, set_=set_)
        await self._execute(table, rows, on_conflict)

    async def freshness(self, count: int, newest) -> None:
        if not count:
            return
        table = Freshness.__table__
        stmt = self.insert(table).values(id=1, data_as_of=newest, events_applied=count)
        x, held = stmt.excluded, table.c.data_as_of
        await self.session.execute(stmt.on_conflict_do_update(index_elements=["id"], set_={
            "data_as_of": case((held.is_(None), x.data_as_of), (x.data_as_of > held, x.data_as_of), else_=held),
            "events_applied": func.coalesce(table.c.events_applied, 0) + x.events_applied}))
