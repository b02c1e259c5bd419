"""Scheduling batches: one session per day, announced to registration and reporting."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from services.training.adapters.orm import Batch, Session
from services.training.schemas import BatchCreate
from shared.auth import Principal
from shared.errors import Conflict, NotFound, field_error
from shared.events.training import BatchScheduled
from shared.unit_of_work import UnitOfWork


async def schedule_batch(uow: UnitOfWork, *, principal: Principal, data: BatchCreate) -> Batch:
    """Create a batch with one session per day and announce it."""
    session = uow.session
    if await session.scalar(select(Batch.id).where(Batch.code == data.code)):
        raise Conflict("Kode angkatan sudah dipakai.", fields=[field_error("code", "sudah dipakai")])
    batch = Batch(**data.model_dump(), status="scheduled", version=1, created_at=datetime.now(UTC),
                  created_by=principal.subject)
    session.add(batch)
    await session.flush()
    days = (data.end_date - data.start_date).days + 1
    for number in range(1, days + 1):
        session.add(Session(batch_id=batch.id, number=number, date=data.start_date + timedelta(days=number - 1),
                            topic=f"Hari {number}", status="open", version=1))
    uow.emit(BatchScheduled(**batch_state(batch, days)), subject=str(batch.id), aggregate_version=batch.version)
    await uow.commit()
    return batch


def batch_state(batch: Batch, session_count: int) -> dict:
    return {"batch_id": batch.id, "code": batch.code, "title": batch.title, "programme_id": batch.programme_id,
            "fiscal_year": batch.fiscal_year, "venue": batch.venue, "start_date": batch.start_date,
            "end_date": batch.end_date, "capacity": batch.capacity, "eligible_districts": batch.eligible_districts,
            "district_quotas": batch.district_quotas, "planned_budget": batch.planned_budget,
            "session_count": session_count}


async def get_batch(session, batch_id: uuid.UUID) -> Batch:
    batch = await session.get(Batch, batch_id)
    if batch is None:
        raise NotFound("Angkatan tidak ditemukan.")
    return batch


async def sessions_of(session, batch_id: uuid.UUID) -> list[Session]:
    return list((await session.scalars(
        select(Session).where(Session.batch_id == batch_id).order_by(Session.number))).all())


def to_read(batch: Batch, sessions: list[Session]) -> dict:
    return {**{c: getattr(batch, c) for c in (
        "id", "code", "title", "programme_id", "fiscal_year", "venue", "start_date", "end_date", "capacity",
        "eligible_districts", "district_quotas", "planned_budget", "completion_min_percent", "trainers", "status")},
        "sessions": [{"number": s.number, "date": s.date, "topic": s.topic, "trainer": s.trainer,
                      "status": s.status} for s in sessions]}
