"""The local replica of training's batches, kept from training's events; stale versions are dropped."""
from __future__ import annotations

from sqlalchemy import func, select

from services.registration.adapters.orm import BatchReplica, Enrollment
from shared.events.envelope import Envelope
from shared.events.training import BatchCancelled, BatchState
from shared.unit_of_work import UnitOfWork


async def apply_batch_state(uow: UnitOfWork, envelope: Envelope, event: BatchState) -> None:
    batch = await uow.session.get(BatchReplica, event.batch_id)
    if batch is not None and batch.version >= envelope.aggregate_version:
        return  # an older or repeated state
    values = dict(code=event.code, title=event.title, fiscal_year=event.fiscal_year, venue=event.venue,
                  start_date=event.start_date, end_date=event.end_date, capacity=event.capacity,
                  eligible_districts=list(event.eligible_districts), district_quotas=dict(event.district_quotas),
                  version=envelope.aggregate_version)
    if batch is None:
        uow.session.add(BatchReplica(id=event.batch_id, status="scheduled", **values))
    else:
        for key, value in values.items():
            setattr(batch, key, value)


async def apply_batch_cancelled(uow: UnitOfWork, envelope: Envelope, event: BatchCancelled) -> None:
    batch = await uow.session.get(BatchReplica, event.batch_id)
    if batch is not None and batch.version < envelope.aggregate_version:
        batch.status, batch.version = "cancelled", envelope.aggregate_version


async def list_batches(session) -> list[dict]:
    counts = dict((await session.execute(
        select(Enrollment.batch_id, func.count()).where(Enrollment.status == "enrolled").group_by(Enrollment.batch_id)
    )).all())
    waiting = dict((await session.execute(
        select(Enrollment.batch_id, func.count()).where(Enrollment.status == "waitlisted")
        .group_by(Enrollment.batch_id))).all())
    batches = (await session.scalars(select(BatchReplica).order_by(BatchReplica.start_date))).all()
    return [{"id": b.id, "code": b.code, "title": b.title, "venue": b.venue, "start_date": b.start_date,
             "end_date": b.end_date, "capacity": b.capacity, "eligible_districts": b.eligible_districts,
             "district_quotas": b.district_quotas, "status": b.status, "seats_taken": counts.get(b.id, 0),
             "seats_left": max(b.capacity - counts.get(b.id, 0), 0), "waitlisted": waiting.get(b.id, 0)}
            for b in batches]
