"""Day-one substitution: a no-show's seat passes to a substitute from the same district (or a walk-in takes a free
seat), in one transaction under the batch lock, announced as EnrollmentCancelled + ParticipantEnrolled so training's
roster follows."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from services.registration.adapters.orm import BatchReplica, Enrollment, Participant
from services.registration.domain.enrollment import EnrollmentRefused, Seats, dates_overlap
from services.registration.domain.substitution import (Replaced, SubstitutionForbidden, check_substitute,
                                                       check_window)
from services.registration.schemas import SubstitutionCreate
from services.registration.service_layer import audit
from services.registration.service_layer.enrollments import ACTIVE, _commit, _participant, refused
from services.registration.service_layer.waiting_list import batch_line, enrolled_event, lock_batch, terms
from shared.auth import Principal
from shared.clock import business_today
from shared.errors import Forbidden, NotFound, field_error
from shared.events.registration import EnrollmentCancelled
from shared.unit_of_work import UnitOfWork


async def substitute(uow: UnitOfWork, *, principal: Principal, batch_id: uuid.UUID, data: SubstitutionCreate,
                     now: datetime | None = None) -> tuple[Enrollment, Enrollment | None]:
    """Enrol the substitute (returned first) and cancel the replaced nomination (second; None for a walk-in)."""
    session = uow.session
    now = now or datetime.now(UTC)
    batch = await lock_batch(session, batch_id)
    if batch is None:
        raise NotFound("Angkatan tidak ditemukan.", fields=[field_error("batch_id", "tidak ditemukan")])
    replaced = None
    if data.replaced_enrollment_id is not None:
        replaced = await session.get(Enrollment, data.replaced_enrollment_id)
        if replaced is None or replaced.batch_id != batch.id:
            raise NotFound("Pendaftaran yang diganti tidak ditemukan di angkatan ini.",
                           fields=[field_error("replaced_enrollment_id", "tidak ditemukan")])
        await session.refresh(replaced)  # read again under the batch lock: a racing substitution may have won
    participant, cooperative = await _participant(session, data.participant_id)
    mine = (await session.execute(
        select(Enrollment.batch_id, BatchReplica.code, BatchReplica.start_date, BatchReplica.end_date)
        .join(BatchReplica, BatchReplica.id == Enrollment.batch_id)
        .where(Enrollment.participant_id == participant.id, Enrollment.status.in_(ACTIVE),
               BatchReplica.status == "scheduled"))).all()
    overlapping = next((row.code for row in mine if row.batch_id != batch.id
                        and dates_overlap(row.start_date, row.end_date, batch.start_date, batch.end_date)), None)
    line = await batch_line(session, batch.id)
    try:
        for district in {participant.district_code, *([replaced.district_code] if replaced else [])}:
            check_window(role=principal.role.value, officer_district=principal.district, district_code=district,
                         batch_start=batch.start_date, now=now)
        check_substitute(
            batch=terms(batch), replaced=Replaced(replaced.status, replaced.district_code) if replaced else None,
            district_code=participant.district_code, cooperative_active=cooperative.active if cooperative else True,
            category=participant.category, already_in_batch=any(row.batch_id == batch.id for row in mine),
            overlapping_batch=overlapping,
            seats=Seats(line.taken, line.by_district.get(participant.district_code, 0)))
    except SubstitutionForbidden as exc:
        raise Forbidden(exc.message, fields=[field_error(exc.field, exc.message)]) from exc
    except EnrollmentRefused as exc:
        raise refused(exc) from exc

    if replaced is not None:
        replaced.status, replaced.version, replaced.cancel_reason = "cancelled", replaced.version + 1, data.reason
        replaced.updated_at, replaced.updated_by = now, principal.subject
        uow.emit(EnrollmentCancelled(enrollment_id=replaced.id, batch_id=batch.id,
                                     participant_id=replaced.participant_id, reason=data.reason),
                 subject=str(replaced.id), aggregate_version=replaced.version)
        audit.record(session, principal, action="cancelled", entity="enrollment", entity_id=replaced.id,
                     district_code=replaced.district_code, changes={"status": ["enrolled", "cancelled"]},
                     note=data.reason)
        await session.flush()  # the seat is free before the substitute takes it
    enrollment = Enrollment(id=uuid.uuid4(), batch_id=batch.id, participant_id=participant.id,
                            district_code=participant.district_code, status="enrolled", version=1,
                            created_at=now, created_by=principal.subject)
    session.add(enrollment)
    await session.flush()
    uow.emit(await enrolled_event(session, enrollment), subject=str(enrollment.id),
             aggregate_version=enrollment.version)
    audit.record(session, principal, action="substituted", entity="enrollment", entity_id=enrollment.id,
                 district_code=enrollment.district_code, note=data.reason,
                 changes={"batch_id": [None, str(batch.id)],
                          "participant_id": [str(replaced.participant_id) if replaced else None,
                                             str(participant.id)]})
    await _commit(uow)
    return enrollment, replaced


async def page_options(session, *, principal: Principal, batch: dict, nominated: list[dict],
                       opened: uuid.UUID | None = None, now: datetime | None = None) -> tuple[set, list[dict]]:
    """For the batch page: which enrolments the signed-in person may replace now, and for the one whose form is open
    the managers who could take their seat (registered in that district, not nominated in this batch). One list, not
    one per row, keeps the page small on a phone."""
    now = now or datetime.now(UTC)
    if batch["status"] != "scheduled":
        return set(), {}
    allowed, district = set(), None
    for e in nominated:
        if e["status"] != "enrolled":
            continue
        try:
            check_window(role=principal.role.value, officer_district=principal.district,
                         district_code=e["district_code"], batch_start=batch["start_date"], now=now)
        except EnrollmentRefused:
            continue
        allowed.add(e["id"])
        if e["id"] == opened:
            district = e["district_code"]
    if district is None:
        return allowed, []
    in_batch = select(Enrollment.participant_id).where(Enrollment.batch_id == batch["id"],
                                                       Enrollment.status.in_(ACTIVE))
    rows = (await session.execute(
        select(Participant.id, Participant.full_name, Participant.position)
        .where(Participant.district_code == district, Participant.id.not_in(in_batch))
        .order_by(Participant.full_name, Participant.id).limit(1000))).all()
    return allowed, [{"id": r.id, "full_name": r.full_name, "position": r.position} for r in rows]


async def walk_in_options(session, *, principal: Principal, batch: dict, opened: bool = False,
                          now: datetime | None = None) -> tuple[bool, list[dict]]:
    """For the batch page: may the signed-in person seat a walk-in now (a seat free, within their window), and, when
    the form is open, the managers of the districts they may seat (eligible, not nominated in this batch)."""
    now = now or datetime.now(UTC)
    # Before the start a free seat is taken by an ordinary nomination ("Calonkan"); the walk-in form is for day one.
    if batch["status"] != "scheduled" or batch["seats_left"] <= 0 or business_today(now) < batch["start_date"]:
        return False, []
    districts = [d for d in batch["eligible_districts"]
                 if batch["district_seats_left"].get(d, 1) > 0 and _may(principal, d, batch["start_date"], now)]
    if not districts or not opened:
        return bool(districts), []
    in_batch = select(Enrollment.participant_id).where(Enrollment.batch_id == batch["id"],
                                                       Enrollment.status.in_(ACTIVE))
    rows = (await session.execute(
        select(Participant.id, Participant.full_name, Participant.position, Participant.district_code)
        .where(Participant.district_code.in_(districts), Participant.id.not_in(in_batch))
        .order_by(Participant.district_code, Participant.full_name, Participant.id).limit(1000))).all()
    return True, [{"id": r.id, "full_name": r.full_name, "position": r.position, "district_code": r.district_code}
                  for r in rows]


def _may(principal: Principal, district: str, start, now: datetime) -> bool:
    try:
        check_window(role=principal.role.value, officer_district=principal.district, district_code=district,
                     batch_start=start, now=now)
    except EnrollmentRefused:
        return False
    return True
