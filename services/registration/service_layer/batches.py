"""The local replica of training's batches, kept from training's events; stale versions are dropped."""
from __future__ import annotations

import uuid

from sqlalchemy import func, select

from services.registration.adapters.orm import BatchReplica, Enrollment
from services.registration.service_layer.waiting_list import promote_waiting
from shared.auth import Principal, Role
from shared.errors import NotFound
from shared.events.envelope import Envelope
from shared.events.training import BatchCancelled, BatchClosed, BatchState
from shared.unit_of_work import UnitOfWork

# Who the audit trail names when training's events change seats (e.g. a promotion after capacity grew).
TRAINING = Principal(subject="layanan-pelatihan", role=Role.ADMIN)


async def apply_batch_state(uow: UnitOfWork, envelope: Envelope, event: BatchState) -> None:
    batch = await uow.session.get(BatchReplica, event.batch_id)
    if batch is not None and batch.version >= envelope.aggregate_version:
        return  # an older or repeated state
    values = dict(code=event.code, title=event.title, fiscal_year=event.fiscal_year, venue=event.venue,
                  start_date=event.start_date, end_date=event.end_date, capacity=event.capacity,
                  eligible_districts=list(event.eligible_districts), district_quotas=dict(event.district_quotas),
                  eligibility=event.eligibility, version=envelope.aggregate_version)
    if batch is None:
        uow.session.add(BatchReplica(id=event.batch_id, status="scheduled", **values))
        return
    for key, value in values.items():
        setattr(batch, key, value)
    await uow.session.flush()  # the UPDATE takes the batch's row lock before seats are counted
    await promote_waiting(uow, batch, principal=TRAINING)  # more seats or a larger quota serve the line


async def apply_batch_cancelled(uow: UnitOfWork, envelope: Envelope, event: BatchCancelled) -> None:
    batch = await uow.session.get(BatchReplica, event.batch_id)
    if batch is not None and batch.version < envelope.aggregate_version:
        batch.status, batch.version = "cancelled", envelope.aggregate_version


async def apply_batch_closed(uow: UnitOfWork, envelope: Envelope, event: BatchClosed) -> None:
    batch = await uow.session.get(BatchReplica, event.batch_id)
    if batch is not None and batch.version < envelope.aggregate_version:
        batch.status, batch.version = "closed", envelope.aggregate_version


async def list_batches(session, *, principal: Principal | None = None,
                       batch_id: uuid.UUID | None = None) -> list[dict]:
    """Batches with seats taken and left, overall and per district quota; an officer sees those open to them."""
    taken = (await session.execute(
        select(Enrollment.batch_id, Enrollment.district_code, func.count()).where(Enrollment.status == "enrolled")
        .group_by(Enrollment.batch_id, Enrollment.district_code))).all()
    waiting = dict((await session.execute(
        select(Enrollment.batch_id, func.count()).where(Enrollment.status == "waitlisted")
        .group_by(Enrollment.batch_id))).all())
    by_batch: dict = {}
    for batch, district, count in taken:
        by_batch.setdefault(batch, {})[district] = count
    query = select(BatchReplica).order_by(BatchReplica.start_date, BatchReplica.code)
    if batch_id:
        query = query.where(BatchReplica.id == batch_id)
    result = []
    for b in (await session.scalars(query)).all():
        if principal and principal.role == Role.DISTRICT_OFFICER and principal.district not in b.eligible_districts:
            continue
        counts = by_batch.get(b.id, {})
        seats_taken = sum(counts.values())
        result.append({
            "id": b.id, "code": b.code, "title": b.title, "venue": b.venue, "start_date": b.start_date,
            "end_date": b.end_date, "capacity": b.capacity, "eligible_districts": b.eligible_districts,
            "district_quotas": b.district_quotas, "eligibility": b.eligibility or "koperasi", "status": b.status,
            "seats_taken": seats_taken,
            "seats_left": max(b.capacity - seats_taken, 0), "waitlisted": waiting.get(b.id, 0),
            "district_seats_left": {d: max(q - counts.get(d, 0), 0) for d, q in (b.district_quotas or {}).items()}})
    return result


async def replica(session, batch_id: uuid.UUID) -> BatchReplica:
    found = await session.get(BatchReplica, batch_id)
    if found is None:
        raise NotFound("Angkatan tidak ditemukan.")
    return found


async def get_batch(session, *, principal: Principal, batch_id: uuid.UUID) -> dict:
    found = await list_batches(session, principal=principal, batch_id=batch_id)
    if not found:
        raise NotFound("Angkatan tidak ditemukan.")
    return found[0]
