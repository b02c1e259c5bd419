"""Sessions of a batch (its agenda): add, edit and remove them with their materi, narasumber, hours and JP, and
which ones run today."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select

from services.training.adapters.orm import AttendanceMark, Batch, Session
from services.training.domain.agenda import JP_MINUTES, Slot, check_no_overlap, check_slot
from services.training.schemas import SessionCreate, SessionUpdate
from services.training.service_layer import agenda, audit
from services.training.service_layer.batches import (batch_state, is_assigned, session_to_read, sessions_of,
                                                      trainer_names)
from shared.auth import Principal
from shared.errors import Conflict, Invalid, NotFound, field_error
from shared.events.training import BatchUpdated
from shared.unit_of_work import UnitOfWork


async def get_session(session, batch_id: uuid.UUID, number: int, *, for_update: bool = False) -> Session:
    query = select(Session).where(Session.batch_id == batch_id, Session.number == number)
    if for_update:
        query = query.with_for_update()  # marks and completion of one session never interleave (SQLite omits it)
    row = await session.scalar(query)
    if row is None:
        raise NotFound(f"Sesi {number} tidak ada di angkatan ini.", fields=[field_error("no", "tidak ada")])
    return row


async def sessions_with_counts(session, batch_id: uuid.UUID) -> list[dict]:
    rows = await sessions_of(session, batch_id)
    counts = dict((await session.execute(
        select(AttendanceMark.session_id, func.count()).where(AttendanceMark.session_id.in_([s.id for s in rows]))
        .group_by(AttendanceMark.session_id))).all())
    names = await trainer_names(session, rows)
    return [session_to_read(s, counts.get(s.id, 0), names) for s in rows]


async def _editable_batch(uow: UnitOfWork, batch_id: uuid.UUID) -> Batch:
    # The batch row locked: two edits of one agenda queue, so neither misses the other's session.
    batch = await uow.session.scalar(select(Batch).where(Batch.id == batch_id).with_for_update())
    if batch is None:
        raise NotFound("Angkatan tidak ditemukan.")
    if batch.status != "scheduled":
        raise Conflict("Angkatan ini sudah dibatalkan atau ditutup.")
    return batch


def _check_legacy_trainer(batch: Batch, trainer: str | None) -> None:
    if trainer and trainer not in (batch.trainers or []):
        raise Invalid("Pelatih sesi harus salah satu pelatih angkatan.",
                      fields=[field_error("trainer", "bukan pelatih yang ditugaskan di angkatan ini")])


async def _announce_count(uow: UnitOfWork, batch: Batch) -> None:
    """The number of sessions is part of the batch's state for registration and reporting: a new version."""
    await uow.session.flush()
    batch.version += 1
    uow.emit(BatchUpdated(**batch_state(batch, len(await sessions_of(uow.session, batch.id)))),
             subject=str(batch.id), aggregate_version=batch.version)


AUDITED = ("topic", "trainer", "trainer_id", "date", "start_time", "end_time", "jp")
REPLACED_DAILY = "jadwal bawaan satu sesi per hari diganti"


async def add_session(uow: UnitOfWork, *, principal: Principal, batch_id: uuid.UUID, data: SessionCreate,
                      jp_minutes: int = JP_MINUTES) -> dict:
    """Add a session to the agenda. The first one added to a batch that still has its generated one-per-day
    sessions replaces those of them that hold no attendance."""
    db = uow.session
    batch = await _editable_batch(uow, batch_id)
    _check_legacy_trainer(batch, data.trainer)
    jp, jp_set = agenda.jp_of(data.start_time, data.end_time, data.jp, jp_minutes)
    slot = Slot(None, data.date, data.start_time, data.end_time, jp, data.trainer_id)
    check_slot(slot, batch.start_date, batch.end_date)
    rows = await sessions_of(db, batch_id)
    marked = await agenda.marked_ids(db, [r.id for r in rows])
    replaced = batch.agenda == "daily"
    if batch.agenda == "daily":
        for row in [r for r in rows if r.id not in marked and r.status != "completed"]:
            await db.delete(row)
            rows.remove(row)
        batch.agenda = "built"
        await db.flush()
    check_no_overlap(slot, [agenda.slot_of(r, marked) for r in rows])
    await agenda.check_narasumber_free(db, slot)
    row = Session(batch_id=batch_id, number=agenda.new_number(rows), date=data.date, start_time=data.start_time,
                  end_time=data.end_time, topic=data.topic, trainer=data.trainer, trainer_id=data.trainer_id, jp=jp,
                  jp_set=jp_set, status="open", version=1)
    db.add(row)
    await db.flush()
    await agenda.refresh_teaching_accounts(db, [batch_id])
    await _announce_count(uow, batch)
    audit.record(db, principal, action="created", entity="session", entity_id=audit.session_key(batch_id, row.number),
                 changes=audit.diff({}, audit.snapshot(row, AUDITED)), note=REPLACED_DAILY if replaced else None)
    await uow.commit()
    return session_to_read(row, 0, await trainer_names(db, [row]))


SCHEDULE_FIELDS = ("date", "start_time", "end_time", "jp")


async def update_session(uow: UnitOfWork, *, principal: Principal, batch_id: uuid.UUID, number: int,
                         data: SessionUpdate, jp_minutes: int = JP_MINUTES) -> dict:
    """Edit a session's materi, narasumber, day, hours or JP. Once it holds attendance only materi and narasumber
    may be corrected: the marks belong to the time they were taken."""
    db = uow.session
    batch = await _editable_batch(uow, batch_id)
    row = await get_session(db, batch_id, number, for_update=True)  # no mark lands while it changes
    changes = data.model_dump(exclude_unset=True)
    _check_legacy_trainer(batch, changes.get("trainer"))
    for key in ("topic", "date", "start_time", "end_time"):
        if key in changes and changes[key] is None:
            del changes[key]  # null keeps the value; only trainer, trainer_id and jp can be cleared
    if "date" in changes and changes["date"] == row.date:
        del changes["date"]
    start, end = changes.get("start_time", row.start_time), changes.get("end_time", row.end_time)
    if start >= end:
        raise Invalid("Jam selesai harus setelah jam mulai.", fields=[field_error("end_time", "sebelum jam mulai")])
    if "jp" in changes:
        jp, jp_set = agenda.jp_of(start, end, changes["jp"], jp_minutes)
    else:
        jp, jp_set = (row.jp, True) if row.jp_set else (agenda.derived_jp(start, end, jp_minutes), False)
    slot = Slot(number, changes.get("date", row.date), start, end, jp,
                changes["trainer_id"] if "trainer_id" in changes else row.trainer_id)
    rescheduled = (slot.date, slot.start, slot.end, slot.jp) != (row.date, row.start_time, row.end_time, row.jp)
    marked = await agenda.marked_ids(db, [r.id for r in await sessions_of(db, batch_id)])
    if rescheduled and (row.id in marked or row.status == "completed"):
        raise Conflict(f"Sesi {number} sudah memiliki kehadiran; hari, jam dan JP-nya tidak dapat diubah.",
                       fields=[field_error(k, "sesi sudah memiliki kehadiran") for k in SCHEDULE_FIELDS
                               if k in changes])
    check_slot(slot, batch.start_date, batch.end_date)
    others = [agenda.slot_of(r, marked) for r in await sessions_of(db, batch_id) if r.id != row.id]
    check_no_overlap(slot, others)
    if slot.trainer_id is not None and (rescheduled or slot.trainer_id != row.trainer_id):
        await agenda.check_narasumber_free(db, slot, except_session=row.id)
    if "date" in changes:
        batch.agenda = "built"  # session n is no longer day n
    before = audit.snapshot(row, AUDITED)
    for key in ("topic", "trainer", "trainer_id", "date", "start_time", "end_time"):
        if key in changes:
            setattr(row, key, changes[key])
    row.jp, row.jp_set = jp, jp_set
    row.version += 1
    if delta := audit.diff(before, audit.snapshot(row, AUDITED)):
        audit.record(db, principal, action="updated", entity="session", entity_id=audit.session_key(batch_id, number),
                     changes=delta)
    await db.flush()
    await agenda.refresh_teaching_accounts(db, [batch_id])
    await uow.commit()
    return session_to_read(row, None, await trainer_names(db, [row]))


async def delete_session(uow: UnitOfWork, *, principal: Principal, batch_id: uuid.UUID, number: int) -> None:
    """Remove a session that holds no attendance; a batch keeps at least one."""
    db = uow.session
    batch = await _editable_batch(uow, batch_id)
    row = await get_session(db, batch_id, number, for_update=True)  # no mark lands while it changes
    if row.status == "completed" or await agenda.marked_ids(db, [row.id]):
        raise Conflict(f"Sesi {number} sudah memiliki kehadiran; tidak dapat dihapus.",
                       fields=[field_error("no", "sesi sudah memiliki kehadiran")])
    if len(await sessions_of(db, batch_id)) == 1:
        raise Conflict("Angkatan harus memiliki paling sedikit satu sesi.",
                       fields=[field_error("no", "sesi terakhir angkatan")])
    before = audit.snapshot(row, AUDITED)
    audit.record(db, principal, action="deleted", entity="session", entity_id=audit.session_key(batch_id, number),
                 changes=audit.diff(before, dict.fromkeys(before)))
    await db.delete(row)
    batch.agenda = "built"
    await db.flush()
    await agenda.refresh_teaching_accounts(db, [batch_id])
    await _announce_count(uow, batch)
    await uow.commit()


async def sessions_on(session, principal: Principal, day: date) -> list[tuple[Batch, Session]]:
    """Sessions held on `day` in the batches the principal may see, earliest first."""
    rows = (await session.execute(
        select(Batch, Session).join(Session, Session.batch_id == Batch.id)
        .where(Session.date == day, Batch.status == "scheduled").order_by(Session.start_time, Batch.code))).all()
    return [(b, s) for b, s in rows if is_assigned(principal, b)]
