"""Marking attendance (all or nothing per request, corrections kept) and closing sessions."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from services.training.adapters.orm import AttendanceCorrection, AttendanceMark, Batch, CompletionResult, Session
from services.training.domain.completion import PRESENT, CompletionRule, tally
from services.training.schemas import AttendanceIn
from services.training.service_layer.batches import get_batch
from services.training.service_layer.roster import active_roster
from shared.auth import Principal, Role
from shared.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from shared.events.training import (AttendanceRecorded, ParticipantCompleted, ParticipantNotCompleted,
                                    SessionCompleted)
from shared.unit_of_work import UnitOfWork


def ensure_may_mark(principal: Principal, batch: Batch) -> None:
    if principal.role == Role.ADMIN:
        return
    if principal.role != Role.TRAINER or principal.subject not in (batch.trainers or []):
        raise Forbidden("Hanya pelatih yang ditugaskan di angkatan ini (atau admin) yang dapat menandai kehadiran.")


async def _open_session(uow: UnitOfWork, principal: Principal, batch_id: uuid.UUID, number: int):
    batch = await get_batch(uow.session, batch_id)
    ensure_may_mark(principal, batch)
    if batch.status != "scheduled":
        raise Conflict("Angkatan ini sudah dibatalkan atau ditutup.")
    query = select(Session).where(Session.batch_id == batch_id, Session.number == number)
    if uow.session.bind.dialect.name == "postgresql":
        query = query.with_for_update()  # marks and completion of one session never interleave
    session_row = await uow.session.scalar(query)
    if session_row is None:
        raise NotFound(f"Sesi {number} tidak ada di angkatan ini.", fields=[field_error("no", "tidak ada")])
    if session_row.status != "open":
        raise Conflict(f"Sesi {number} sudah ditutup; kehadirannya tidak dapat diubah.")
    return batch, session_row


async def mark_session(uow: UnitOfWork, *, principal: Principal, batch_id: uuid.UUID, number: int,
                       data: AttendanceIn) -> dict:
    """Mark (or correct) attendance of a session for many participants in one transaction."""
    batch, session_row = await _open_session(uow, principal, batch_id, number)
    recorded_at = data.recorded_at or datetime.now(UTC)
    if recorded_at.tzinfo is None:
        recorded_at = recorded_at.replace(tzinfo=UTC)
    if not (batch.start_date - timedelta(days=1) <= recorded_at.date() <= batch.end_date + timedelta(days=1)):
        raise Invalid("Waktu penandaan di luar tanggal angkatan.",
                      fields=[field_error("recorded_at", "di luar tanggal angkatan")])
    roster = {e.participant_id for e in await active_roster(uow.session, batch_id)}
    strangers = [i for i, m in enumerate(data.marks) if m.participant_id not in roster]
    if strangers:
        raise Invalid("Ada peserta yang tidak terdaftar di angkatan ini; tidak ada yang disimpan.",
                      fields=[field_error(f"marks.{i}.participant_id", "tidak ada di daftar peserta")
                              for i in strangers])
    existing = {m.participant_id: m for m in (await uow.session.scalars(
        select(AttendanceMark).where(AttendanceMark.session_id == session_row.id))).all()}
    now = datetime.now(UTC)
    changed, corrections = [], 0
    for mark in data.marks:
        old = existing.get(mark.participant_id)
        if old is None:
            uow.session.add(AttendanceMark(session_id=session_row.id, participant_id=mark.participant_id,
                                           status=mark.status, note=mark.note, recorded_by=principal.subject,
                                           recorded_at=recorded_at))
            changed.append(mark)
        elif (old.status, old.note) != (mark.status, mark.note):
            uow.session.add(AttendanceCorrection(
                session_id=session_row.id, participant_id=mark.participant_id, previous_status=old.status,
                previous_note=old.note, new_status=mark.status, new_note=mark.note,
                corrected_by=principal.subject, corrected_at=now))
            old.status, old.note, old.recorded_by, old.recorded_at = mark.status, mark.note, principal.subject, recorded_at
            changed.append(mark)
            corrections += 1
    if changed:
        session_row.version += 1
        uow.emit(AttendanceRecorded(
            batch_id=batch_id, session_no=number, session_date=session_row.date,
            marks=[{"participant_id": m.participant_id, "status": m.status, "note": m.note} for m in changed],
            recorded_by=principal.subject, correction=corrections > 0,
        ), subject=f"{batch_id}:{number}", aggregate_version=session_row.version)
    await uow.commit()
    return {"batch_id": batch_id, "session_no": number, "status": session_row.status,
            "marks": [{"participant_id": m.participant_id, "status": m.status, "note": m.note} for m in data.marks],
            "corrections": corrections}


async def complete_session(uow: UnitOfWork, *, principal: Principal, batch_id: uuid.UUID, number: int) -> dict:
    """Freeze a session's attendance; after the last session, decide every participant's completion."""
    batch, session_row = await _open_session(uow, principal, batch_id, number)
    roster = await active_roster(uow.session, batch_id)
    marks = {m.participant_id: m.status for m in (await uow.session.scalars(
        select(AttendanceMark).where(AttendanceMark.session_id == session_row.id))).all()}
    # Unmarked participants count as absent (alpa): the sheet is closed.
    statuses = {e.participant_id: marks.get(e.participant_id, "alpa") for e in roster}
    tallies = tally(list(statuses.values()))
    session_row.status = "completed"
    session_row.version += 1
    uow.emit(SessionCompleted(
        batch_id=batch_id, session_no=number, session_date=session_row.date, roster_size=len(roster),
        tallies=tallies, present_participant_ids=[p for p, s in statuses.items() if s in PRESENT],
    ), subject=f"{batch_id}:{number}", aggregate_version=session_row.version)
    result = {"batch_id": batch_id, "session_no": number, "tallies": tallies, "roster_size": len(roster),
              "batch_finished": False}
    all_sessions = (await uow.session.scalars(select(Session).where(Session.batch_id == batch_id))).all()
    if all(s.status == "completed" for s in all_sessions):
        result.update(await _decide_completion(uow, batch, list(all_sessions), roster))
        result["batch_finished"] = True
    await uow.commit()
    return result


async def _decide_completion(uow: UnitOfWork, batch: Batch, sessions: list[Session], roster) -> dict:
    session_ids = [s.id for s in sessions]
    rows = (await uow.session.execute(
        select(AttendanceMark.participant_id, AttendanceMark.status)
        .where(AttendanceMark.session_id.in_(session_ids)))).all()
    present: dict[uuid.UUID, int] = {}
    for participant_id, status in rows:
        if status in PRESENT:
            present[participant_id] = present.get(participant_id, 0) + 1
    rule = CompletionRule(batch.completion_min_percent)
    done = missed = 0
    now = datetime.now(UTC)
    for entry in roster:
        count = present.get(entry.participant_id, 0)
        completed, reason = rule.decide(count, len(sessions))
        uow.session.add(CompletionResult(batch_id=batch.id, participant_id=entry.participant_id, completed=completed,
                                         sessions_present=count, sessions_total=len(sessions), reason=reason,
                                         decided_at=now))
        fields = dict(batch_id=batch.id, participant_id=entry.participant_id, cooperative_id=entry.cooperative_id,
                      district_code=entry.district_code, sector=entry.sector, gender=entry.gender,
                      sessions_present=count, sessions_total=len(sessions))
        event = ParticipantCompleted(**fields) if completed else ParticipantNotCompleted(**fields, reason=reason)
        uow.emit(event, subject=f"{batch.id}:{entry.participant_id}", aggregate_version=1)
        done, missed = done + completed, missed + (not completed)
    return {"completed": done, "not_completed": missed}
