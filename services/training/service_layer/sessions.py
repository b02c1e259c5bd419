"""Sessions of a batch (one per day): their topic, trainer and hours, and which ones run today."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select

from services.training.adapters.orm import AttendanceMark, Batch, Session
from services.training.schemas import SessionUpdate
from services.training.service_layer.batches import get_batch, is_assigned, session_to_read, sessions_of
from shared.auth import Principal
from shared.errors import Conflict, Invalid, NotFound, field_error
from shared.unit_of_work import UnitOfWork


async def get_session(session, batch_id: uuid.UUID, number: int, *, for_update: bool = False) -> Session:
    query = select(Session).where(Session.batch_id == batch_id, Session.number == number)
    if for_update and session.bind.dialect.name == "postgresql":
        query = query.with_for_update()  # marks and completion of one session never interleave
    row = await session.scalar(query)
    if row is None:
        raise NotFound(f"Sesi {number} tidak ada di angkatan ini.", fields=[field_error("no", "tidak ada")])
    return row


async def sessions_with_counts(session, batch_id: uuid.UUID) -> list[dict]:
    rows = await sessions_of(session, batch_id)
    counts = dict((await session.execute(
        select(AttendanceMark.session_id, func.count()).where(AttendanceMark.session_id.in_([s.id for s in rows]))
        .group_by(AttendanceMark.session_id))).all())
    return [session_to_read(s, counts.get(s.id, 0)) for s in rows]


async def update_session(uow: UnitOfWork, *, batch_id: uuid.UUID, number: int, data: SessionUpdate) -> dict:
    """Edit a session's topic, trainer or hours; its date follows the batch, never set by hand."""
    batch = await get_batch(uow.session, batch_id)
    if batch.status != "scheduled":
        raise Conflict("Angkatan ini sudah dibatalkan atau ditutup.")
    row = await get_session(uow.session, batch_id, number)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("trainer") and changes["trainer"] not in (batch.trainers or []):
        raise Invalid("Pelatih sesi harus salah satu pelatih angkatan.",
                      fields=[field_error("trainer", "bukan pelatih yang ditugaskan di angkatan ini")])
    start, end = changes.get("start_time") or row.start_time, changes.get("end_time") or row.end_time
    if start >= end:
        raise Invalid("Jam selesai harus setelah jam mulai.", fields=[field_error("end_time", "sebelum jam mulai")])
    for key, value in changes.items():
        if value is not None or key == "trainer":  # null unassigns the trainer; other fields keep their value
            setattr(row, key, value)
    row.version += 1
    await uow.commit()
    return session_to_read(row)


async def sessions_on(session, principal: Principal, day: date) -> list[tuple[Batch, Session]]:
    """Sessions held on `day` in the batches the principal may see, earliest first."""
    rows = (await session.execute(
        select(Batch, Session).join(Session, Session.batch_id == Batch.id)
        .where(Session.date == day, Batch.status == "scheduled").order_by(Session.start_time, Batch.code))).all()
    return [(b, s) for b, s in rows if is_assigned(principal, b)]
