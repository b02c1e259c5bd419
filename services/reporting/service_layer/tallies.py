"""Grouped counts behind every breakdown: one query per fact, grouped by a dimension, merged into a Tally per
value (domain/tallies.py says what each count is).

A dimension is read from the fact's own row (district, sector and sex travel in the enrolment and completion
events) except the cooperative type, which only the cooperative's own events carry.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, case, distinct, exists, func, select

from services.reporting.adapters.orm import AttendanceView, CompletionView, CooperativeView, EnrollmentView
from services.reporting.domain.tallies import Tally
from services.reporting.service_layer.scope import SAVINGS_AND_LOANS, UNKNOWN, Scope


def _key(dim: str | None, model):
    if dim is None:
        return None
    column = {"district": "district_code", "sector": "sector", "sex": "gender", "batch": "batch_id"}.get(dim)
    if column is not None:
        return getattr(model, column)
    if dim == "kind":
        return CooperativeView.kind
    raise ValueError(f"unknown dimension {dim}")


def _grouped(dim: str | None, model, *columns, group=()):
    key = _key(dim, model)
    keys = [key] if key is not None else []
    query = select(*keys, *columns).select_from(model)
    if dim == "kind":
        query = query.outerjoin(CooperativeView, CooperativeView.id == model.cooperative_id)
    return query.group_by(*keys, *group) if keys or group else query, bool(keys)


async def tally(session, scope: Scope, dim: str | None) -> dict:
    """Counts per dimension value (None key when `dim` is None: the whole scope)."""
    result: dict = defaultdict(Tally)

    def row_key(row, keyed):
        value = row[0] if keyed else None
        return UNKNOWN if keyed and value is None else value

    # Enrolments by status and sex.
    query, keyed = _grouped(dim, EnrollmentView, EnrollmentView.status, EnrollmentView.gender, func.count(),
                            group=(EnrollmentView.status, EnrollmentView.gender))
    for row in await session.execute(scope.restrict(query, EnrollmentView.batch_id)):
        result[row_key(row, keyed)].count_enrolments(*row[-3:])

    # Attending: enrolled and present at one session at least.
    present_once = exists().where(AttendanceView.batch_id == EnrollmentView.batch_id,
                                  AttendanceView.participant_id == EnrollmentView.participant_id,
                                  AttendanceView.present.is_(True))
    query, keyed = _grouped(dim, EnrollmentView, func.count())
    query = query.where(EnrollmentView.status == "enrolled", present_once)
    for row in await session.execute(scope.restrict(query, EnrollmentView.batch_id)):
        result[row_key(row, keyed)].attending += row[-1]

    # Attendance marks (person-days) of enrolled participants.
    query, keyed = _grouped(dim, EnrollmentView, func.sum(case((AttendanceView.present.is_(True), 1), else_=0)),
                            func.count())
    query = query.join(AttendanceView, and_(AttendanceView.batch_id == EnrollmentView.batch_id,
                                            AttendanceView.participant_id == EnrollmentView.participant_id))
    query = query.where(EnrollmentView.status == "enrolled")
    for row in await session.execute(scope.restrict(query, EnrollmentView.batch_id)):
        t = result[row_key(row, keyed)]
        t.present_marks += int(row[-2] or 0)
        t.marks += row[-1]

    # Completion decisions by outcome and sex.
    query, keyed = _grouped(dim, CompletionView, CompletionView.completed, CompletionView.gender, func.count(),
                            group=(CompletionView.completed, CompletionView.gender))
    for row in await session.execute(scope.restrict(query, CompletionView.batch_id)):
        result[row_key(row, keyed)].count_decisions(*row[-3:])

    # Distinct cooperatives with at least one completer, and those outside savings and loans.
    real = case((CompletionView.sector != SAVINGS_AND_LOANS, CompletionView.cooperative_id), else_=None)
    query, keyed = _grouped(dim, CompletionView, func.count(distinct(CompletionView.cooperative_id)),
                            func.count(distinct(real)))
    query = query.where(CompletionView.completed.is_(True))
    for row in await session.execute(scope.restrict(query, CompletionView.batch_id)):
        t = result[row_key(row, keyed)]
        t.cooperatives_trained += row[-2]
        t.cooperatives_real_sector += row[-1]
    return dict(result)


async def active_cooperatives(session, dim: str) -> dict:
    """Active cooperatives registered, per district / sector / type: the denominator of coverage."""
    column = {"district": CooperativeView.district_code, "sector": CooperativeView.sector,
              "kind": CooperativeView.kind}.get(dim)
    if column is None:
        return {}
    rows = await session.execute(select(column, func.count()).where(CooperativeView.active.is_(True))
                                 .group_by(column))
    return dict(rows.all())
