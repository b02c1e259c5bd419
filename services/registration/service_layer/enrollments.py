"""Nominating participants into batches: seats, quotas and the waiting list."""
from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from services.registration.adapters.orm import BatchReplica, Cooperative, Enrollment, Participant
from services.registration.domain.enrollment import BatchTerms, EnrollmentRefused, Seats, decide_enrollment, dates_overlap
from services.registration.schemas import EnrollmentCreate
from services.registration.service_layer.cooperatives import ensure_district
from shared.auth import Principal, Role
from shared.db import is_postgres
from shared.errors import Conflict, Forbidden, NotFound, field_error
from shared.events.registration import EnrollmentWaitlisted, ParticipantEnrolled
from shared.unit_of_work import UnitOfWork

ACTIVE = ("enrolled", "waitlisted")


async def enroll_participant(uow: UnitOfWork, *, principal: Principal, data: EnrollmentCreate,
                             today: date | None = None) -> tuple[Enrollment, int | None]:
    """Enrol a participant, or put them on the waiting list; returns the enrolment and its place in line."""
    session = uow.session
    if data.inactive_override and principal.role != Role.ADMIN:
        raise Forbidden("Hanya admin provinsi yang dapat mengizinkan koperasi tidak aktif.",
                        fields=[field_error("inactive_override", "khusus admin")])
    batch_query = select(BatchReplica).where(BatchReplica.id == data.batch_id)
    if is_postgres(session.bind):
        # Serialise enrolments per batch: the last seat goes to exactly one request.
        batch_query = batch_query.with_for_update()
    batch = await session.scalar(batch_query)
    if batch is None:
        raise NotFound("Angkatan tidak ditemukan.", fields=[field_error("batch_id", "tidak ditemukan")])
    participant = await session.get(Participant, data.participant_id)
    if participant is None:
        raise NotFound("Peserta tidak ditemukan.", fields=[field_error("participant_id", "tidak ditemukan")])
    ensure_district(principal, participant.district_code)
    cooperative = await session.get(Cooperative, participant.cooperative_id)

    mine = (await session.execute(
        select(Enrollment.batch_id, BatchReplica.code, BatchReplica.start_date, BatchReplica.end_date)
        .join(BatchReplica, BatchReplica.id == Enrollment.batch_id)
        .where(Enrollment.participant_id == participant.id, Enrollment.status.in_(ACTIVE),
               BatchReplica.status == "scheduled"))).all()
    overlapping = next((row.code for row in mine if row.batch_id != batch.id
                        and dates_overlap(row.start_date, row.end_date, batch.start_date, batch.end_date)), None)
    taken = await session.scalar(select(func.count()).where(
        Enrollment.batch_id == batch.id, Enrollment.status == "enrolled"))
    taken_district = await session.scalar(select(func.count()).where(
        Enrollment.batch_id == batch.id, Enrollment.status == "enrolled",
        Enrollment.district_code == participant.district_code))
    try:
        status = decide_enrollment(
            batch=BatchTerms(batch.status, batch.start_date, batch.end_date, batch.capacity,
                             batch.eligible_districts, batch.district_quotas),
            district_code=participant.district_code, cooperative_active=cooperative.active,
            already_in_batch=any(row.batch_id == batch.id for row in mine), overlapping_batch=overlapping,
            seats=Seats(taken, taken_district), today=today or date.today(),
            inactive_override=data.inactive_override)
    except EnrollmentRefused as exc:
        raise Conflict(exc.message, fields=[field_error(exc.field, exc.message)], code="enrollment_refused") from exc

    enrollment = Enrollment(batch_id=batch.id, participant_id=participant.id, district_code=participant.district_code,
                            status=status, version=1, created_at=datetime.now(UTC), created_by=principal.subject)
    session.add(enrollment)
    await session.flush()
    position = None
    if status == "enrolled":
        uow.emit(ParticipantEnrolled(
            enrollment_id=enrollment.id, batch_id=batch.id, participant_id=participant.id,
            full_name=participant.full_name, gender=participant.gender, position=participant.position,
            cooperative_id=cooperative.id, cooperative_name=cooperative.name,
            district_code=cooperative.district_code, sector=cooperative.sector, enrolled_at=enrollment.created_at,
        ), subject=str(enrollment.id), aggregate_version=enrollment.version)
    else:
        position = await session.scalar(select(func.count()).where(
            Enrollment.batch_id == batch.id, Enrollment.status == "waitlisted"))
        uow.emit(EnrollmentWaitlisted(
            enrollment_id=enrollment.id, batch_id=batch.id, participant_id=participant.id,
            cooperative_id=cooperative.id, district_code=cooperative.district_code, waitlist_position=position,
        ), subject=str(enrollment.id), aggregate_version=enrollment.version)
    try:
        await uow.commit()
    except Exception as exc:  # a racing request on SQLite, which has no row locks
        if "locked" in str(exc).lower():
            raise Conflict("Angkatan sedang diperbarui; silakan coba lagi.") from exc
        raise
    return enrollment, position
