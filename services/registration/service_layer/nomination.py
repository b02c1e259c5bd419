"""What the officer nominates from: the searchable picker of a batch (name, cooperative, last digits of the NIK;
cooperative, position and whether it is trained this fiscal year) and the district's waiting list."""
from __future__ import annotations

from sqlalchemy import func, or_, select

from services.registration.adapters.orm import BatchReplica, Cooperative, Enrollment, Participant
from services.registration.domain.participant_category import COOPERATIVES_ONLY, UMK
from services.registration.service_layer.cooperatives import district_scope
from services.registration.service_layer.planning import trainings_of
from services.registration.service_layer.waiting_list import positions
from shared.auth import Principal

PICKER_SIZE = 20
ACTIVE = ("enrolled", "waitlisted")


async def search_candidates(session, *, principal: Principal, batch: BatchReplica, text: str | None = None,
                            limit: int = PICKER_SIZE) -> tuple[list[dict], int]:
    """Participants of the caller's district (an admin: the batch's districts) not yet in the batch, matching `text`:
    part of the name or of the cooperative's (or UMK business's) name, or the NIK's last digits (2 to 6 of them).
    UMK owners only for a batch open to UMK."""
    query = (select(Participant, Cooperative).outerjoin(Cooperative, Cooperative.id == Participant.cooperative_id)
             .where(~Participant.id.in_(select(Enrollment.participant_id).where(
                 Enrollment.batch_id == batch.id, Enrollment.status.in_(ACTIVE)))))
    if (batch.eligibility or COOPERATIVES_ONLY) == COOPERATIVES_ONLY:
        query = query.where(Participant.category != UMK)
    if scope := district_scope(principal, None):
        query = query.where(Participant.district_code == scope)
    else:
        query = query.where(Participant.district_code.in_(list(batch.eligible_districts)))
    words = " ".join((text or "").split())
    digits = words.replace(" ", "").replace("-", "")
    if digits.isdigit() and 2 <= len(digits) <= 6:
        query = query.where(Participant.nik.endswith(digits, autoescape=True))
    elif words:
        lowered = words.lower()
        query = query.where(or_(func.lower(Participant.full_name).contains(lowered, autoescape=True),
                                func.lower(Cooperative.name).contains(lowered, autoescape=True),
                                func.lower(Participant.business_name).contains(lowered, autoescape=True)))
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = (await session.execute(query.order_by(Participant.full_name, Participant.id).limit(limit))).all()
    trained = await trainings_of(session, fiscal_year=batch.fiscal_year,
                                 cooperative_ids=list({c.id for _, c in rows if c is not None}))
    return [{"id": p.id, "full_name": p.full_name, "position": p.position, "category": p.category,
             "cooperative_id": c.id if c else None, "cooperative_name": c.name if c else p.business_name,
             "district_code": p.district_code, "trained": bool(c) and c.id in trained,
             "trained_in": [t["batch_code"] for t in trained.get(c.id, [])] if c else []} for p, c in rows], total


async def district_waiting_list(session, *, principal: Principal) -> list[dict]:
    """The caller's district's nominations waiting for a seat, batch by batch, with their place in each line."""
    query = (select(Enrollment, Participant, Cooperative, BatchReplica)
             .join(Participant, Participant.id == Enrollment.participant_id)
             .outerjoin(Cooperative, Cooperative.id == Participant.cooperative_id)
             .join(BatchReplica, BatchReplica.id == Enrollment.batch_id)
             .where(Enrollment.status == "waitlisted"))
    if scope := district_scope(principal, None):
        query = query.where(Enrollment.district_code == scope)
    rows = (await session.execute(query.order_by(BatchReplica.start_date, BatchReplica.code,
                                                 Enrollment.waitlist_seq))).all()
    lines: dict = {}
    result = []
    for enrollment, participant, cooperative, batch in rows:
        if batch.id not in lines:
            lines[batch.id] = await positions(session, batch.id)
        result.append({"enrollment_id": enrollment.id, "batch_id": batch.id, "batch_code": batch.code,
                       "batch_title": batch.title, "start_date": batch.start_date,
                       "place": lines[batch.id].get(enrollment.id), "full_name": participant.full_name,
                       "position": participant.position,
                       "cooperative_name": cooperative.name if cooperative else participant.business_name,
                       "district_code": enrollment.district_code})
    return result
