"""The ministry's figures, computed from the projections only."""
from __future__ import annotations

from sqlalchemy import distinct, func, select

from services.reporting.adapters.orm import (BatchView, CompletionView, EnrollmentView, Freshness, ProgrammeView,
                                             SessionView)

DEFAULT_TARGET = 600  # cooperatives trained in 2023 (DAK); a programme's own target takes precedence


async def summary(session, fiscal_year: int | None = None) -> dict:
    batch_ids = select(BatchView.id)
    if fiscal_year is not None:
        batch_ids = batch_ids.where(BatchView.fiscal_year == fiscal_year)
    in_scope = batch_ids.scalar_subquery() if fiscal_year is not None else None

    def scoped(query, column):
        return query.where(column.in_(in_scope)) if in_scope is not None else query

    enrolled = await session.scalar(scoped(select(func.count()).select_from(EnrollmentView)
                                           .where(EnrollmentView.status == "enrolled"), EnrollmentView.batch_id))
    waitlisted = await session.scalar(scoped(select(func.count()).select_from(EnrollmentView)
                                             .where(EnrollmentView.status == "waitlisted"), EnrollmentView.batch_id))
    completed = await session.scalar(scoped(select(func.count()).select_from(CompletionView)
                                            .where(CompletionView.completed.is_(True)), CompletionView.batch_id))
    not_completed = await session.scalar(scoped(select(func.count()).select_from(CompletionView)
                                                .where(CompletionView.completed.is_(False)), CompletionView.batch_id))
    cooperatives = await session.scalar(scoped(select(func.count(distinct(CompletionView.cooperative_id)))
                                               .where(CompletionView.completed.is_(True)), CompletionView.batch_id))
    sessions, present, seats = (await session.execute(scoped(
        select(func.count(), func.coalesce(func.sum(SessionView.present), 0),
               func.coalesce(func.sum(SessionView.roster_size), 0)), SessionView.batch_id))).one()
    programmes = select(ProgrammeView)
    if fiscal_year is not None:
        programmes = programmes.where(ProgrammeView.fiscal_year == fiscal_year)
    programme_rows = (await session.scalars(programmes)).all()
    target = sum(p.target_cooperatives for p in programme_rows) or DEFAULT_TARGET
    fresh = await session.get(Freshness, 1)
    decided = completed + not_completed
    return {
        "fiscal_year": fiscal_year,
        "participants_enrolled": enrolled,
        "participants_waitlisted": waitlisted,
        "participants_completed": completed,
        "participants_not_completed": not_completed,
        "completion_rate": round(completed / decided, 4) if decided else None,
        "sessions_completed": sessions,
        "attendance_rate": round(present / seats, 4) if seats else None,
        "cooperatives_trained": cooperatives,
        "target_cooperatives": target,
        "progress": round(cooperatives / target, 4) if target else None,
        "data_as_of": fresh.data_as_of if fresh else None,
        "events_applied": fresh.events_applied if fresh else 0,
    }
