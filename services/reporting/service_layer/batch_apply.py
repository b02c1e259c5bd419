"""Reporting's projection engine: events applied to the projection tables a batch at a time, with a few
statements per table (one event is a batch of one).

Each event changes a row only when its aggregate version is newer than what the row holds, so duplicates and
late, older events change nothing. Facts that never change for an entity (an enrolment's batch, cooperative,
district) are filled in by whichever event carries them, whatever order the events arrive in:

1. events are grouped by projection table and key, and the events of one key collapse to what applying them one
   by one in arrival order would leave: the state of the newest aggregate version (the first of equal versions,
   an equal one being no newer), and facts that never change filled in by the first event that carries them;
2. each table is written with one `INSERT … ON CONFLICT (key) DO UPDATE … WHERE table.version < excluded.version`
   (PostgreSQL and SQLite ≥ 3.24), so a stored newer version still wins and a redelivered event changes nothing;
3. the freshness row is updated once per batch (newest event time, count of events applied).

The inbox (shared/messaging/inbox.py) has already dropped events it has seen, and when a batch fails it applies
the events one by one, so a culprit is still parked alone.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC

from sqlalchemy import JSON, bindparam, case, func, select
from sqlalchemy.dialects import postgresql, sqlite

from services.reporting.adapters.orm import (AttendanceView, BatchView, CertificateView, CompletionView,
                                             CooperativeView, EnrollmentView, EvaluationView, Freshness,
                                             ProgrammeView, ScoreSheetView, SessionView)
from services.reporting.service_layer.event_values import (PRESENT, budget_lines, cooperative_of, evaluation_values,
                                                           score_values)
from shared.events import evaluation as ev
from shared.events import registration as r
from shared.events import training as t
from shared.events.identity import AccountRevocation
from shared.events.envelope import Envelope
from shared.revocation import apply_revocation
from shared.unit_of_work import UnitOfWork


class _Newest:
    """Per key: the values of the newest version seen (the first of equal versions wins: an equal one is no newer)."""

    def __init__(self) -> None:
        self.rows: dict = {}

    def offer(self, key, version: int, values: dict) -> None:
        held = self.rows.get(key)
        if held is None or version > held["version"]:
            self.rows[key] = {**values, "version": version}


class _WithFacts:
    """Per key: status-like values of the newest version, and facts filled by the first event that has them."""

    def __init__(self, facts: tuple[str, ...]) -> None:
        self.facts = facts
        self.rows: dict = {}

    def offer(self, key, version: int, values: dict, facts: dict) -> None:
        held = self.rows.get(key)
        if held is None:
            self.rows[key] = {**{name: None for name in self.facts}, **facts, **values, "version": version}
            return
        for name, value in facts.items():
            if value is not None and held[name] is None:
                held[name] = value
        if version > held["version"]:
            held.update(values, version=version)


def _sector(value):
    return value.lower() if value is not None else None


class BatchApplier:
    def __init__(self) -> None:
        self.programmes = _Newest()
        self.cooperatives = _Newest()
        self.sessions = _Newest()
        self.completions = _Newest()
        self.attendance = _Newest()
        self.score_sheets = _Newest()
        self.evaluations = _Newest()
        self.batch_descriptions = _Newest()
        self.batch_lifecycles = _Newest()  # version here is the status version
        self.enrollments = _WithFacts(("batch_id", "participant_id", "cooperative_id", "district_code", "sector",
                                       "gender", "category"))
        self.certificates = _WithFacts(("batch_id", "participant_id"))
        self.count = 0
        self.newest = None

    # -- collapsing -------------------------------------------------------------------------------------------
    def add(self, envelope, event) -> None:
        v = envelope.aggregate_version
        apply = APPLY.get(type(event))
        if apply is None:
            raise LookupError(f"no set-based projection for {type(event).__name__}")
        apply(self, v, event)
        self.count += 1
        time = envelope.time if envelope.time.tzinfo is not None else envelope.time.replace(tzinfo=UTC)
        time = time.astimezone(UTC)
        self.newest = time if self.newest is None else max(self.newest, time)

    def programme(self, v, e) -> None:
        self.programmes.offer(e.programme_id, v, dict(
            id=e.programme_id, name=e.name, fiscal_year=e.fiscal_year, funding_source=e.funding_source,
            allocation=e.allocation, target_cooperatives=e.target_cooperatives,
            district_targets=dict(e.district_targets)))

    def batch(self, v, e) -> None:
        self.batch_descriptions.offer(e.batch_id, v, dict(
            id=e.batch_id, code=e.code, title=e.title, venue=e.venue, programme_id=e.programme_id,
            fiscal_year=e.fiscal_year, start_date=e.start_date, end_date=e.end_date, capacity=e.capacity, session_count=e.session_count,
            eligible_districts=list(e.eligible_districts), planned_budget=e.planned_budget))

    def batch_cancelled(self, v, e) -> None:
        self.batch_lifecycles.offer(e.batch_id, v, dict(id=e.batch_id, status="cancelled"))

    def batch_closed(self, v, e) -> None:
        self.batch_lifecycles.offer(e.batch_id, v, dict(id=e.batch_id, status="closed",
                                                        realised_cost=e.realised_cost, closed_at=e.closed_at,
                                                        components=budget_lines(e)))

    def cooperative(self, v, e) -> None:
        self.cooperatives.offer(e.cooperative_id, v, dict(
            id=e.cooperative_id, district_code=e.district_code, kind=e.kind, sector=e.sector.lower(),
            active=e.active, grade=e.grade, members_male=e.members_male, members_female=e.members_female))

    def _enrollment(self, v, enrollment_id, status, **facts) -> None:
        self.enrollments.offer(enrollment_id, v, dict(id=enrollment_id, status=status), facts)

    def enrolled(self, v, e) -> None:
        self._enrollment(v, e.enrollment_id, "enrolled", batch_id=e.batch_id, participant_id=e.participant_id,
                         cooperative_id=cooperative_of(e), district_code=e.district_code,
                         sector=_sector(e.sector), gender=e.gender, category=e.category)

    def waitlisted(self, v, e) -> None:
        self._enrollment(v, e.enrollment_id, "waitlisted", batch_id=e.batch_id, participant_id=e.participant_id,
                         cooperative_id=cooperative_of(e), district_code=e.district_code, category=e.category)

    def enrollment_cancelled(self, v, e) -> None:
        self._enrollment(v, e.enrollment_id, "cancelled", batch_id=e.batch_id, participant_id=e.participant_id)

    def _marks(self, v, batch_id, session_no, statuses: dict) -> None:
        for participant_id, status in statuses.items():
            self.attendance.offer((batch_id, session_no, participant_id), v, dict(
                batch_id=batch_id, session_no=session_no, participant_id=participant_id, status=status,
                present=status in PRESENT))

    def attendance_recorded(self, v, e) -> None:
        self._marks(v, e.batch_id, e.session_no, {m.participant_id: m.status for m in e.marks})

    def attendance_corrected(self, v, e) -> None:
        self._marks(v, e.batch_id, e.session_no, {c.participant_id: c.status for c in e.changes})

    def session_completed(self, v, e) -> None:
        self.sessions.offer((e.batch_id, e.session_no), v, dict(
            batch_id=e.batch_id, session_no=e.session_no, session_date=e.session_date, roster_size=e.roster_size,
            present=len(e.present_participant_ids), tallies=e.tallies.model_dump(), jp=e.jp))

    def completion(self, v, e) -> None:
        self.completions.offer((e.batch_id, e.participant_id), v, dict(
            batch_id=e.batch_id, participant_id=e.participant_id, cooperative_id=cooperative_of(e),
            district_code=e.district_code, sector=e.sector.lower(), gender=e.gender, category=e.category,
            completed=isinstance(e, t.ParticipantCompleted), jp_total=e.jp_total))

    def scores(self, v, e) -> None:
        self.score_sheets.offer(e.batch_id, v, dict(batch_id=e.batch_id, **score_values(e)))

    def evaluation(self, v, e) -> None:
        self.evaluations.offer(e.batch_id, v, dict(batch_id=e.batch_id, **evaluation_values(e)))

    def _certificate(self, v, number, revoked, **facts) -> None:
        self.certificates.offer(number, v, dict(number=number, revoked=revoked), facts)

    def certificate_issued(self, v, e) -> None:
        self._certificate(v, e.certificate_number, False, batch_id=e.batch_id, participant_id=e.participant_id)

    def certificate_revoked(self, v, e) -> None:
        self._certificate(v, e.certificate_number, True, batch_id=e.batch_id,
                          participant_id=getattr(e, "participant_id", None))

    # -- writing ----------------------------------------------------------------------------------------------
    async def write(self, uow: UnitOfWork) -> None:
        dialect = uow.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        w = _Writer(uow, insert, dialect)
        for model, rows in ((ProgrammeView, self.programmes), (CooperativeView, self.cooperatives),
                            (SessionView, self.sessions), (CompletionView, self.completions),
                            (AttendanceView, self.attendance), (ScoreSheetView, self.score_sheets),
                            (EvaluationView, self.evaluations)):
            await w.newer_state(model, list(rows.rows.values()))
        await w.with_facts(EnrollmentView, list(self.enrollments.rows.values()), self.enrollments.facts,
                           ("status",))
        await w.with_facts(CertificateView, list(self.certificates.rows.values()), self.certificates.facts,
                           ("revoked",))
        # A batch's description and its lifecycle are versioned apart (see BatchView).
        descriptions = [{**row, "status": "scheduled", "status_version": 0}
                        for row in self.batch_descriptions.rows.values()]
        await w.upsert(BatchView, descriptions, [c for c in descriptions[0] if c not in ("id", "status",
                                                                                       "status_version")]
                       if descriptions else [], BatchView.__table__.c.version)
        lifecycles = list(self.batch_lifecycles.rows.values())
        for closing in (True, False):
            rows = [{"code": None, "title": None, "venue": None, "programme_id": None, "fiscal_year": None,
                     "start_date": None, "end_date": None, "capacity": None, "session_count": None, "eligible_districts": None,
                     "realised_cost": None, "closed_at": None, "components": None, **row,
                     "status_version": row["version"],
                     "version": 0, "planned_budget": 0}
                    for row in lifecycles if (row["status"] == "closed") == closing]
            update = ["status", "status_version"] + (["realised_cost", "closed_at", "components"] if closing else [])
            await w.upsert(BatchView, rows, update, BatchView.__table__.c.status_version)
        await w.freshness(self.count, self.newest)


class _Writer:
    def __init__(self, uow: UnitOfWork, insert: Callable, dialect: str) -> None:
        self.session = uow.session
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


APPLY = {
    t.ProgrammePlanned: BatchApplier.programme,
    t.ProgrammeUpdated: BatchApplier.programme,
    t.BatchScheduled: BatchApplier.batch,
    t.BatchUpdated: BatchApplier.batch,
    t.BatchCancelled: BatchApplier.batch_cancelled,
    t.BatchClosed: BatchApplier.batch_closed,
    r.CooperativeRegistered: BatchApplier.cooperative,
    r.CooperativeUpdated: BatchApplier.cooperative,
    r.ParticipantEnrolled: BatchApplier.enrolled,
    r.EnrollmentWaitlisted: BatchApplier.waitlisted,
    r.EnrollmentCancelled: BatchApplier.enrollment_cancelled,
    t.AttendanceRecorded: BatchApplier.attendance_recorded,
    t.SessionCompleted: BatchApplier.session_completed,
    t.ParticipantCompleted: BatchApplier.completion,
    t.ParticipantNotCompleted: BatchApplier.completion,
    t.CertificateIssued: BatchApplier.certificate_issued,
    t.CertificateRevoked: BatchApplier.certificate_revoked,
    ev.ScoresRecorded: BatchApplier.scores,
    ev.EvaluationSummarised: BatchApplier.evaluation,
}
if (corrected := getattr(t, "AttendanceCorrected", None)) is not None:
    APPLY[corrected] = BatchApplier.attendance_corrected


async def apply_batch(uow: UnitOfWork, items: list) -> None:
    """The consumer's batch hook: items are (record, envelope, event), new to the inbox, in arrival order.
    Identity's revocations are not figures: kept by the shared handler, not counted in freshness."""
    applier = BatchApplier()
    for _, envelope, event in items:
        if isinstance(event, AccountRevocation):
            await apply_revocation(uow, envelope, event)
        else:
            applier.add(envelope, event)
    await applier.write(uow)


async def apply_event(uow: UnitOfWork, envelope: Envelope, event) -> None:
    """One event alone, through the same engine (a batch of one)."""
    await apply_batch(uow, [(None, envelope, event)])
