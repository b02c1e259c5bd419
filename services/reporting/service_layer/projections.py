"""Projection handlers: each event upserts its row only if it is newer than what is held (order-tolerant)."""
from __future__ import annotations

from datetime import UTC

from services.reporting.adapters.orm import (BatchView, CompletionView, CooperativeView, EnrollmentView, Freshness,
                                             ProgrammeView, SessionView)
from shared.events.envelope import Envelope
from shared.events.registration import (CooperativeState, EnrollmentCancelled, EnrollmentWaitlisted,
                                        ParticipantEnrolled)
from shared.events.training import (BatchCancelled, BatchClosed, BatchState, CompletionDecision,
                                    ParticipantCompleted, ProgrammeState, SessionCompleted)
from shared.unit_of_work import UnitOfWork


async def _upsert(uow: UnitOfWork, model, key, version: int, **values) -> bool:
    """Write `values` when `version` is newer than the stored row; False when the event is stale."""
    row = await uow.session.get(model, key)
    if row is not None and row.version >= version:
        return False
    if row is None:
        pk = dict(zip([c.name for c in model.__table__.primary_key.columns], key if isinstance(key, tuple) else (key,)))
        uow.session.add(model(**pk, version=version, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)
        row.version = version
    return True


async def _touch(uow: UnitOfWork, envelope: Envelope) -> None:
    fresh = await uow.session.get(Freshness, 1)
    if fresh is None:
        fresh = Freshness(id=1, data_as_of=None, events_applied=0)
        uow.session.add(fresh)
    held = fresh.data_as_of.replace(tzinfo=UTC) if fresh.data_as_of and fresh.data_as_of.tzinfo is None else fresh.data_as_of
    if held is None or envelope.time > held:
        fresh.data_as_of = envelope.time
    fresh.events_applied = (fresh.events_applied or 0) + 1


async def on_programme(uow: UnitOfWork, envelope: Envelope, event: ProgrammeState) -> None:
    await _upsert(uow, ProgrammeView, event.programme_id, envelope.aggregate_version, name=event.name,
                  fiscal_year=event.fiscal_year, funding_source=event.funding_source, allocation=event.allocation,
                  target_cooperatives=event.target_cooperatives, district_targets=dict(event.district_targets))
    await _touch(uow, envelope)


async def on_batch(uow: UnitOfWork, envelope: Envelope, event: BatchState) -> None:
    row = await uow.session.get(BatchView, event.batch_id)
    await _upsert(uow, BatchView, event.batch_id, envelope.aggregate_version, code=event.code, title=event.title,
                  programme_id=event.programme_id, fiscal_year=event.fiscal_year, start_date=event.start_date,
                  end_date=event.end_date, capacity=event.capacity, session_count=event.session_count,
                  eligible_districts=list(event.eligible_districts), planned_budget=event.planned_budget,
                  realised_cost=row.realised_cost if row else None, status=row.status if row else "scheduled")
    await _touch(uow, envelope)


async def on_batch_cancelled(uow: UnitOfWork, envelope: Envelope, event: BatchCancelled) -> None:
    row = await uow.session.get(BatchView, event.batch_id)
    if row is not None and row.version < envelope.aggregate_version:
        row.status, row.version = "cancelled", envelope.aggregate_version
    await _touch(uow, envelope)


async def on_batch_closed(uow: UnitOfWork, envelope: Envelope, event: BatchClosed) -> None:
    row = await uow.session.get(BatchView, event.batch_id)
    if row is not None and row.version < envelope.aggregate_version:
        row.status, row.realised_cost, row.version = "closed", event.realised_cost, envelope.aggregate_version
    await _touch(uow, envelope)


async def on_cooperative(uow: UnitOfWork, envelope: Envelope, event: CooperativeState) -> None:
    await _upsert(uow, CooperativeView, event.cooperative_id, envelope.aggregate_version,
                  district_code=event.district_code, kind=event.kind, sector=event.sector, active=event.active,
                  grade=event.grade, members_male=event.members_male, members_female=event.members_female)
    await _touch(uow, envelope)


async def on_enrolled(uow: UnitOfWork, envelope: Envelope, event: ParticipantEnrolled) -> None:
    await _upsert(uow, EnrollmentView, event.enrollment_id, envelope.aggregate_version, batch_id=event.batch_id,
                  participant_id=event.participant_id, cooperative_id=event.cooperative_id,
                  district_code=event.district_code, sector=event.sector, gender=event.gender, status="enrolled")
    await _touch(uow, envelope)


async def on_waitlisted(uow: UnitOfWork, envelope: Envelope, event: EnrollmentWaitlisted) -> None:
    await _upsert(uow, EnrollmentView, event.enrollment_id, envelope.aggregate_version, batch_id=event.batch_id,
                  participant_id=event.participant_id, cooperative_id=event.cooperative_id,
                  district_code=event.district_code, sector=None, gender=None, status="waitlisted")
    await _touch(uow, envelope)


async def on_enrollment_cancelled(uow: UnitOfWork, envelope: Envelope, event: EnrollmentCancelled) -> None:
    row = await uow.session.get(EnrollmentView, event.enrollment_id)
    if row is not None and row.version < envelope.aggregate_version:
        row.status, row.version = "cancelled", envelope.aggregate_version
    await _touch(uow, envelope)


async def on_session_completed(uow: UnitOfWork, envelope: Envelope, event: SessionCompleted) -> None:
    await _upsert(uow, SessionView, (event.batch_id, event.session_no), envelope.aggregate_version,
                  session_date=event.session_date, roster_size=event.roster_size,
                  present=len(event.present_participant_ids), tallies=event.tallies.model_dump())
    await _touch(uow, envelope)


async def on_completion(uow: UnitOfWork, envelope: Envelope, event: CompletionDecision) -> None:
    await _upsert(uow, CompletionView, (event.batch_id, event.participant_id), envelope.aggregate_version,
                  cooperative_id=event.cooperative_id, district_code=event.district_code, sector=event.sector,
                  gender=event.gender, completed=isinstance(event, ParticipantCompleted))
    await _touch(uow, envelope)
