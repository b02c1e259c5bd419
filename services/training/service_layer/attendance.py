"""Marking attendance (all or nothing per request, corrections kept with their trail) and closing sessions."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import bindparam, insert, select, update

from services.training.adapters.orm import AttendanceCorrection, AttendanceMark, Batch, RosterEntry, Session
from services.training.domain.completion import PRESENT, tally
from services.training.schemas_attendance import AttendanceIn
from services.training.service_layer.batches import ensure_assigned, get_batch, teaches
from services.training.service_layer.roster import active_roster
from services.training.service_layer.sessions import get_session
from shared.auth import Principal, Role
from shared.errors import Conflict, Forbidden, Invalid, field_error
from shared.events.training import AttendanceCorrected, AttendanceRecorded, SessionCompleted
from shared.unit_of_work import UnitOfWork


def ensure_may_mark(principal: Principal, batch: Batch) -> None:
    if principal.role == Role.ADMIN:
        return
    if not teaches(principal, batch):  # assigned to the batch, or the narasumber of one of its sessions
        raise Forbidden("Hanya pelatih yang ditugaskan di angkatan ini (atau admin) yang dapat menandai kehadiran.")


async def open_session(uow: UnitOfWork, principal: Principal, batch_id: uuid.UUID, number: int):
    # The batch and its session (locked on PostgreSQL) in one round trip; when either is missing, the slow path
    # below gives the same answers as ever (batch not found, not assigned, closed batch, no such session).
    query = (select(Batch, Session).join(Session, Session.batch_id == Batch.id)
             .where(Batch.id == batch_id, Session.number == number)
             .with_for_update(of=Session.__table__))  # marks and completion of one session never interleave
    found = (await uow.session.execute(query)).first()
    if found is not None:
        batch, session_row = found
        ensure_may_mark(principal, batch)
        if batch.status != "scheduled":
            raise Conflict("Angkatan ini sudah dibatalkan atau ditutup.")
    else:
        batch = await get_batch(uow.session, batch_id)
        ensure_may_mark(principal, batch)
        if batch.status != "scheduled":
            raise Conflict("Angkatan ini sudah dibatalkan atau ditutup.")
        session_row = await get_session(uow.session, batch_id, number, for_update=True)
    if session_row.status != "open":
        raise Conflict(f"Sesi {number} sudah ditutup; kehadirannya tidak dapat diubah.",
                       fields=[field_error("no", "sesi sudah ditutup")])
    return batch, session_row


def _business_time(batch: Batch, session_row: Session, recorded_at: datetime | None, utc_offset_hours: int) -> datetime:
    """When the trainer marked, in the hall's time zone; it must fall between the session's day and the batch's end."""
    marked_at = recorded_at or datetime.now(UTC)
    if marked_at.tzinfo is None:
        marked_at = marked_at.replace(tzinfo=UTC)
    local_day = marked_at.astimezone(timezone(timedelta(hours=utc_offset_hours))).date()
    if not (batch.start_date <= local_day <= batch.end_date):
        raise Invalid("Waktu penandaan di luar tanggal angkatan.",
                      fields=[field_error("recorded_at", f"di luar tanggal angkatan ({batch.start_date:%d-%m-%Y} s.d. "
                                                         f"{batch.end_date:%d-%m-%Y})")])
    if local_day < session_row.date:
        raise Invalid(f"Sesi {session_row.number} baru berlangsung {session_row.date:%d-%m-%Y}.",
                      fields=[field_error("recorded_at", "sebelum hari sesi")])
    return marked_at


async def mark_session(uow: UnitOfWork, *, principal: Principal, batch_id: uuid.UUID, number: int,
                       data: AttendanceIn, utc_offset_hours: int = 8) -> dict:
    """Mark (or correct) attendance of a session for many participants in one transaction.

    Set-based: one read of the roster's ids, one of the session's marks, then one multi-row statement each for
    new marks, corrections and re-marked rows (Core, no ORM objects per mark)."""
    db = uow.session
    batch, session_row = await open_session(uow, principal, batch_id, number)
    marked_at = _business_time(batch, session_row, data.recorded_at, utc_offset_hours)
    roster = set((await db.scalars(select(RosterEntry.participant_id).where(
        RosterEntry.batch_id == batch_id, RosterEntry.status == "active"))).all())
    strangers = [i for i, m in enumerate(data.marks) if m.participant_id not in roster]
    if strangers:
        raise Invalid("Ada peserta yang tidak terdaftar di angkatan ini; tidak ada yang disimpan.",
                      fields=[field_error(f"marks.{i}.participant_id", "tidak ada di daftar peserta")
                              for i in strangers])
    marks_table, corrections_table = AttendanceMark.__table__, AttendanceCorrection.__table__
    existing = {row.participant_id: row for row in (await db.execute(
        select(marks_table.c.id, marks_table.c.participant_id, marks_table.c.status, marks_table.c.note,
               marks_table.c.recorded_by, marks_table.c.recorded_at)
        .where(marks_table.c.session_id == session_row.id))).all()}
    now = datetime.now(UTC)
    recorded, changes, new_rows, trail, updates = [], [], [], [], []
    for mark in data.marks:
        old = existing.get(mark.participant_id)
        if old is None:
            new_rows.append({"session_id": session_row.id, "participant_id": mark.participant_id,
                             "status": mark.status, "note": mark.note, "recorded_by": principal.subject,
                             "recorded_at": marked_at, "received_at": now})
            recorded.append(mark)
        elif (old.status, old.note) != (mark.status, mark.note):
            trail.append({"session_id": session_row.id, "participant_id": mark.participant_id,
                          "previous_status": old.status, "previous_note": old.note, "previous_by": old.recorded_by,
                          "previous_marked_at": old.recorded_at, "new_status": mark.status, "new_note": mark.note,
                          "corrected_by": principal.subject, "corrected_by_name": principal.name or None,
                          "marked_at": marked_at, "corrected_at": now})
            changes.append({"participant_id": mark.participant_id, "previous_status": old.status,
                            "status": mark.status, "note": mark.note})
            updates.append({"mark_id": old.id, "new_status": mark.status, "new_note": mark.note,
                            "new_by": principal.subject, "new_at": marked_at, "new_received": now})
    if new_rows:
        await db.execute(insert(marks_table), new_rows)
    if trail:
        await db.execute(insert(corrections_table), trail)
    if updates:
        await db.execute(update(marks_table).where(marks_table.c.id == bindparam("mark_id")).values(
            status=bindparam("new_status"), note=bindparam("new_note"), recorded_by=bindparam("new_by"),
            recorded_at=bindparam("new_at"), received_at=bindparam("new_received"))
            .execution_options(synchronize_session=False), updates)
    subject = f"{batch_id}:{number}"
    if recorded:
        session_row.version += 1
        uow.emit(AttendanceRecorded(
            batch_id=batch_id, session_no=number, session_date=session_row.date, recorded_by=principal.subject,
            marks=[{"participant_id": m.participant_id, "status": m.status, "note": m.note} for m in recorded],
            marked_at=marked_at), subject=subject, aggregate_version=session_row.version)
    if changes:
        session_row.version += 1
        uow.emit(AttendanceCorrected(batch_id=batch_id, session_no=number, session_date=session_row.date,
                                     changes=changes, corrected_by=principal.subject, marked_at=marked_at,
                                     corrected_at=now), subject=subject, aggregate_version=session_row.version)
    await uow.commit()
    return {"batch_id": batch_id, "session_no": number, "status": session_row.status,
            "marks": [{"participant_id": m.participant_id, "status": m.status, "note": m.note} for m in data.marks],
            "corrections": len(changes)}


async def session_marks(session, *, principal: Principal, batch_id: uuid.UUID, number: int) -> list[dict]:
    """The roster with each participant's current mark (None when not yet marked)."""
    batch = await get_batch(session, batch_id)
    ensure_assigned(principal, batch)
    session_row = await get_session(session, batch_id, number)
    marks = {m.participant_id: m for m in (await session.scalars(
        select(AttendanceMark).where(AttendanceMark.session_id == session_row.id))).all()}
    rows = []
    for entry in await active_roster(session, batch_id):
        mark = marks.get(entry.participant_id)
        rows.append({"participant_id": entry.participant_id, "full_name": entry.full_name,
                     "cooperative_name": entry.cooperative_name, "status": mark.status if mark else None,
                     "note": mark.note if mark else None, "recorded_by": mark.recorded_by if mark else None,
                     "marked_at": mark.recorded_at if mark else None, "received_at": mark.received_at if mark else None})
    return rows


async def correction_trail(session, *, principal: Principal, batch_id: uuid.UUID, number: int) -> list[dict]:
    """Every correction of a session, oldest first: previous and new value, who, business and recorded time."""
    batch = await get_batch(session, batch_id)
    ensure_assigned(principal, batch)
    session_row = await get_session(session, batch_id, number)
    names = {e.participant_id: e.full_name for e in await active_roster(session, batch_id)}
    rows = (await session.scalars(select(AttendanceCorrection).where(
        AttendanceCorrection.session_id == session_row.id).order_by(AttendanceCorrection.id))).all()
    return [{"participant_id": c.participant_id, "full_name": names.get(c.participant_id),
             **{k: getattr(c, k) for k in ("previous_status", "previous_note", "previous_by", "previous_marked_at",
                                           "new_status", "new_note", "corrected_by", "corrected_by_name",
                                           "marked_at", "corrected_at")}}
            for c in rows]


async def close_session(uow: UnitOfWork, *, principal: Principal, batch_id: uuid.UUID, number: int):
    """Freeze a session's attendance and announce its tallies; returns what completion needs next."""
    batch, session_row = await open_session(uow, principal, batch_id, number)
    roster = await active_roster(uow.session, batch_id)
    marks = {m.participant_id: m.status for m in (await uow.session.scalars(
        select(AttendanceMark).where(AttendanceMark.session_id == session_row.id))).all()}
    # Unmarked participants count as absent (alpa): the sheet is closed.
    statuses = {e.participant_id: marks.get(e.participant_id, "alpa") for e in roster}
    tallies = tally(list(statuses.values()))
    session_row.status, session_row.completed_at, session_row.completed_by = "completed", datetime.now(UTC), \
        principal.subject
    session_row.version += 1
    uow.emit(SessionCompleted(
        batch_id=batch_id, session_no=number, session_date=session_row.date, roster_size=len(roster),
        tallies=tallies, present_participant_ids=[p for p, s in statuses.items() if s in PRESENT],
        jp=session_row.jp,
    ), subject=f"{batch_id}:{number}", aggregate_version=session_row.version)
    result = {"batch_id": batch_id, "session_no": number, "tallies": tallies, "roster_size": len(roster),
              "batch_finished": False}
    return batch, roster, result
