"""Nominating participants into batches and cancelling nominations: seats, quotas and the waiting list."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select

from services.registration.adapters.orm import BatchReplica, Cooperative, Enrollment, Participant
from services.registration.domain.enrollment import (EnrollmentRefused, Seats, check_cancellable, dates_overlap,
                                                     decide_enrollment)
from services.registration.schemas import EnrollmentCreate
from services.registration.service_layer import audit, planning
from services.registration.service_layer.cooperatives import district_scope, ensure_district
from services.registration.service_layer.participants import affiliation_id
from services.registration.service_layer.waiting_list import (batch_line, enrolled_event, lock_batch, position_of,
                                                              positions, promote_waiting, terms)
from shared.clock import business_today
from shared.auth import Principal, Role
from shared.errors import Conflict, Forbidden, NotFound, field_error
from shared.events.registration import EnrollmentCancelled, EnrollmentWaitlisted
from shared.unit_of_work import UnitOfWork

ACTIVE = ("enrolled", "waitlisted")


def refused(exc: EnrollmentRefused) -> Conflict:
    return Conflict(exc.message, fields=[field_error(exc.field, exc.message)], code="enrollment_refused")


async def nominate(uow: UnitOfWork, *, principal: Principal, batch: BatchReplica, participant: Participant,
                   cooperative: Cooperative | None = None, inactive_override: bool = False,
                   today: date | None = None) -> tuple[Enrollment, int | None]:
    """Decide and record one nomination inside an open transaction that holds the batch lock; no commit.
    `cooperative`: the participant's, when the caller already read it (else read here).

    Raises EnrollmentRefused; used by the API (one participant) and by the import (many, one transaction)."""
    session = uow.session
    ensure_district(principal, participant.district_code)
    if cooperative is None and participant.cooperative_id is not None:
        cooperative = await session.get(Cooperative, participant.cooperative_id)
    mine = (await session.execute(
        select(Enrollment.batch_id, BatchReplica.code, BatchReplica.start_date, BatchReplica.end_date)
        .join(BatchReplica, BatchReplica.id == Enrollment.batch_id)
        .where(Enrollment.participant_id == participant.id, Enrollment.status.in_(ACTIVE),
               BatchReplica.status == "scheduled"))).all()
    overlapping = next((row.code for row in mine if row.batch_id != batch.id
                        and dates_overlap(row.start_date, row.end_date, batch.start_date, batch.end_date)), None)
    line = await batch_line(session, batch.id)
    status = decide_enrollment(
        batch=terms(batch), district_code=participant.district_code,
        cooperative_active=cooperative.active if cooperative else True, category=participant.category,
        already_in_batch=any(row.batch_id == batch.id for row in mine), overlapping_batch=overlapping,
        seats=Seats(line.taken, line.by_district.get(participant.district_code, 0)), today=today or business_today(),
        inactive_override=inactive_override)

    enrollment = Enrollment(id=uuid.uuid4(), batch_id=batch.id, participant_id=participant.id,
                            district_code=participant.district_code, status=status, version=1,
                            created_at=datetime.now(UTC), created_by=principal.subject)
    position = None
    if status == "waitlisted":
        # Under the batch lock: the next number in line, and everyone waiting now stands before this one.
        enrollment.waitlist_seq = line.last_seq + 1
        position = line.waiting + 1
    session.add(enrollment)
    if status == "enrolled":
        event = await enrolled_event(session, enrollment)
    else:
        event = EnrollmentWaitlisted(
            enrollment_id=enrollment.id, batch_id=batch.id, participant_id=participant.id,
            cooperative_id=affiliation_id(participant), district_code=participant.district_code,
            waitlist_position=position, category=participant.category)
    uow.emit(event, subject=str(enrollment.id), aggregate_version=enrollment.version)
    # Core insert (the trail's id is not needed back); it also flushes the enrolment row before it.
    await audit.record_many(session, [audit.entry(
        principal, action=status, entity="enrollment", entity_id=enrollment.id, district_code=enrollment.district_code,
        changes={"batch_id": [None, str(batch.id)], "participant_id": [None, str(participant.id)]},
        note="izin admin: koperasi tidak aktif" if inactive_override and cooperative and not cooperative.active
        else None)])
    return enrollment, position


async def enroll_participant(uow: UnitOfWork, *, principal: Principal, data: EnrollmentCreate,
                             today: date | None = None) -> tuple[Enrollment, int | None, list[str]]:
    """Enrol a participant, or put them on the waiting list; returns the enrolment, its place in line and warnings
    (the cooperative is trained already this fiscal year: said, not refused)."""
    session = uow.session
    if data.inactive_override and principal.role != Role.ADMIN:
        raise Forbidden("Hanya admin provinsi yang dapat mengizinkan koperasi tidak aktif.",
                        fields=[field_error("inactive_override", "khusus admin")])
    batch = await lock_batch(session, data.batch_id)
    if batch is None:
        raise NotFound("Angkatan tidak ditemukan.", fields=[field_error("batch_id", "tidak ditemukan")])
    participant, cooperative = await _participant(session, data.participant_id)
    try:
        enrollment, position = await nominate(uow, principal=principal, batch=batch, participant=participant,
                                              cooperative=cooperative, inactive_override=data.inactive_override,
                                              today=today)
    except EnrollmentRefused as exc:
        raise refused(exc) from exc
    warnings = await planning.nomination_warnings(session, participant=participant, batch=batch)
    await _commit(uow)
    return enrollment, position, warnings


async def cancel_enrollment(uow: UnitOfWork, *, principal: Principal, enrollment_id: uuid.UUID, reason: str,
                            today: date | None = None) -> tuple[Enrollment, Enrollment | None]:
    """Withdraw a nomination; a freed seat goes to the first in line who fits (returned as the second value)."""
    session = uow.session
    found = await session.get(Enrollment, enrollment_id)
    if found is None:
        raise NotFound("Pendaftaran tidak ditemukan.")
    ensure_district(principal, found.district_code)
    batch = await lock_batch(session, found.batch_id)
    await session.refresh(found)  # read again under the batch lock: a racing cancel may have won
    was = found.status
    try:
        check_cancellable(status=was, batch_start=batch.start_date, today=today or business_today())
    except EnrollmentRefused as exc:
        raise refused(exc) from exc
    found.status, found.version, found.cancel_reason = "cancelled", found.version + 1, reason
    found.updated_at, found.updated_by = datetime.now(UTC), principal.subject
    uow.emit(EnrollmentCancelled(enrollment_id=found.id, batch_id=found.batch_id, participant_id=found.participant_id,
                                 reason=reason), subject=str(found.id), aggregate_version=found.version)
    audit.record(session, principal, action="cancelled", entity="enrollment", entity_id=found.id,
                 district_code=found.district_code, changes={"status": [was, "cancelled"]}, note=reason)
    await session.flush()
    promoted = await promote_waiting(uow, batch, principal=principal, today=today) if was == "enrolled" else []
    await _commit(uow)
    return found, (promoted[0] if promoted else None)


async def get_enrollment(session, *, principal: Principal, enrollment_id: uuid.UUID) -> tuple[Enrollment, int | None]:
    enrollment = await session.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise NotFound("Pendaftaran tidak ditemukan.")
    ensure_district(principal, enrollment.district_code)
    return enrollment, await position_of(session, enrollment)


async def list_enrollments(session, *, principal: Principal, batch_id: uuid.UUID | None = None,
                           participant_id: uuid.UUID | None = None, status: str | None = None,
                           district: str | None = None) -> list[dict]:
    """Nominations in the caller's district, with names and places in line."""
    query = select(Enrollment, Participant.full_name).join(Participant, Participant.id == Enrollment.participant_id)
    if scope := district_scope(principal, district):
        query = query.where(Enrollment.district_code == scope)
    if batch_id:
        query = query.where(Enrollment.batch_id == batch_id)
    if participant_id:
        query = query.where(Enrollment.participant_id == participant_id)
    if status:
        query = query.where(Enrollment.status == status)
    rows = (await session.execute(query.order_by(Enrollment.created_at, Enrollment.id))).all()
    lines: dict[uuid.UUID, dict] = {}
    result = []
    for enrollment, full_name in rows:
        if enrollment.status == "waitlisted" and enrollment.batch_id not in lines:
            lines[enrollment.batch_id] = await positions(session, enrollment.batch_id)
        position = lines.get(enrollment.batch_id, {}).get(enrollment.id)
        result.append(to_read(enrollment, position, full_name=full_name))
    return result


def to_read(e: Enrollment, position: int | None, *, full_name: str | None = None) -> dict:
    return {"id": e.id, "batch_id": e.batch_id, "participant_id": e.participant_id, "status": e.status,
            "waitlist_position": position, "district_code": e.district_code, "full_name": full_name,
            "version": e.version, "created_at": e.created_at}


async def _participant(session, participant_id: uuid.UUID) -> tuple[Participant, Cooperative | None]:
    """The participant, locked, and their cooperative, in one round trip (handed to nominate: the session's identity
    map holds rows only weakly, so a row not kept would be read again)."""
    query = (select(Participant, Cooperative).outerjoin(Cooperative, Cooperative.id == Participant.cooperative_id)
             .where(Participant.id == participant_id)
             # one person, two batches at once: the overlap check must see both (SQLite omits FOR UPDATE)
             .with_for_update(of=Participant.__table__))
    row = (await session.execute(query)).first()
    if row is None:
        raise NotFound("Peserta tidak ditemukan.", fields=[field_error("participant_id", "tidak ditemukan")])
    return row[0], row[1]


async def _commit(uow: UnitOfWork) -> None:
    try:
        await uow.commit()
    except Exception as exc:  # a racing request on SQLite, which has no row locks
        if "locked" in str(exc).lower():
            raise Conflict("Angkatan sedang diperbarui; silakan coba lagi.") from exc
        raise
