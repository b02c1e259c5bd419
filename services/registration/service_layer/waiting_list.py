"""The waiting list of a batch: places in line, and promotion of the first in line when a seat frees up."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import case, func, select

from services.registration.adapters.orm import BatchReplica, Cooperative, Enrollment, Participant
from services.registration.domain.enrollment import BatchTerms, InLine, promotable
from services.registration.service_layer import audit
from services.registration.service_layer.participants import affiliation_id
from shared.clock import business_today
from shared.auth import Principal
from shared.events.registration import ParticipantEnrolled
from shared.unit_of_work import UnitOfWork


def terms(batch: BatchReplica) -> BatchTerms:
    return BatchTerms(batch.status, batch.start_date, batch.end_date, batch.capacity, list(batch.eligible_districts),
                      dict(batch.district_quotas or {}), batch.eligibility or "koperasi")


async def lock_batch(session, batch_id: uuid.UUID) -> BatchReplica | None:
    """Load the batch, holding its row lock on PostgreSQL until commit: every seat decision for one batch runs one
    at a time, so the last seat goes to exactly one request. (SQLite has a single writer anyway.)"""
    return await session.scalar(select(BatchReplica).where(BatchReplica.id == batch_id).with_for_update())


async def seats_taken(session, batch_id: uuid.UUID) -> tuple[int, dict[str, int]]:
    rows = (await session.execute(
        select(Enrollment.district_code, func.count()).where(Enrollment.batch_id == batch_id,
                                                             Enrollment.status == "enrolled")
        .group_by(Enrollment.district_code))).all()
    by_district = {district: count for district, count in rows}
    return sum(by_district.values()), by_district


@dataclass(frozen=True)
class Line:
    """A batch's seats and waiting line in one read: seats taken (overall and by district), how many wait, and the
    last number handed out in line (over every status, so a number is never reused)."""

    taken: int
    by_district: dict[str, int]
    waiting: int
    last_seq: int


async def batch_line(session, batch_id: uuid.UUID) -> Line:
    """One aggregated query instead of separate counts; the caller holds the batch lock."""
    enrolled = func.coalesce(func.sum(case((Enrollment.status == "enrolled", 1), else_=0)), 0)
    waiting = func.coalesce(func.sum(case((Enrollment.status == "waitlisted", 1), else_=0)), 0)
    rows = (await session.execute(
        select(Enrollment.district_code, enrolled, waiting, func.max(Enrollment.waitlist_seq))
        .where(Enrollment.batch_id == batch_id).group_by(Enrollment.district_code))).all()
    by_district = {district: int(n) for district, n, _, _ in rows if n}
    return Line(taken=sum(by_district.values()), by_district=by_district, waiting=sum(int(w) for _, _, w, _ in rows),
                last_seq=max((seq for *_, seq in rows if seq is not None), default=0))


async def position_of(session, enrollment: Enrollment) -> int | None:
    if enrollment.status != "waitlisted":
        return None
    return await session.scalar(select(func.count()).where(
        Enrollment.batch_id == enrollment.batch_id, Enrollment.status == "waitlisted",
        Enrollment.waitlist_seq <= enrollment.waitlist_seq))


async def positions(session, batch_id: uuid.UUID) -> dict[uuid.UUID, int]:
    ids = (await session.scalars(select(Enrollment.id).where(
        Enrollment.batch_id == batch_id, Enrollment.status == "waitlisted").order_by(Enrollment.waitlist_seq))).all()
    return {enrollment_id: n for n, enrollment_id in enumerate(ids, start=1)}


async def enrolled_event(session, enrollment: Enrollment) -> ParticipantEnrolled:
    participant = await session.get(Participant, enrollment.participant_id)
    if participant.cooperative_id is None:  # a UMK owner: the business stands where the cooperative does
        name, sector = participant.business_name, participant.sector
    else:
        cooperative = await session.get(Cooperative, participant.cooperative_id)
        name, sector = cooperative.name, cooperative.sector
    return ParticipantEnrolled(
        enrollment_id=enrollment.id, batch_id=enrollment.batch_id, participant_id=participant.id,
        full_name=participant.full_name, gender=participant.gender, position=participant.position,
        cooperative_id=affiliation_id(participant), cooperative_name=name, district_code=participant.district_code,
        sector=sector, enrolled_at=enrollment.updated_at or enrollment.created_at, category=participant.category)


async def promote_waiting(uow: UnitOfWork, batch: BatchReplica, *, principal: Principal,
                          today: date | None = None) -> list[Enrollment]:
    """Give free seats to the waiting list in order; the caller holds the batch lock and commits.

    Each promoted enrolment gets a new version and a ParticipantEnrolled, so training adds them to its roster."""
    if batch.status != "scheduled" or batch.start_date <= (today or business_today()):
        return []
    session = uow.session
    waiting = (await session.scalars(select(Enrollment).where(
        Enrollment.batch_id == batch.id, Enrollment.status == "waitlisted").order_by(Enrollment.waitlist_seq))).all()
    if not waiting:
        return []
    taken, by_district = await seats_taken(session, batch.id)
    chosen = set(promotable(batch=terms(batch), waiting=[InLine(e.id, e.district_code) for e in waiting],
                            taken=taken, taken_by_district=by_district))
    promoted = [e for e in waiting if e.id in chosen]
    now = datetime.now(UTC)
    for enrollment in promoted:
        enrollment.status, enrollment.version = "enrolled", enrollment.version + 1
        enrollment.updated_at, enrollment.updated_by = now, principal.subject
        uow.emit(await enrolled_event(session, enrollment), subject=str(enrollment.id),
                 aggregate_version=enrollment.version)
        audit.record(session, principal, action="promoted", entity="enrollment", entity_id=enrollment.id,
                     district_code=enrollment.district_code, changes={"status": ["waitlisted", "enrolled"]},
                     note="naik dari daftar tunggu")
    return promoted
