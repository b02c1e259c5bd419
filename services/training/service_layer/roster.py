"""The roster of each batch, kept from registration's enrolment events."""
from __future__ import annotations

import uuid

from sqlalchemy import select

from services.training.adapters.orm import RosterEntry
from shared.events.envelope import Envelope
from shared.events.registration import EnrollmentCancelled, ParticipantEnrolled
from shared.unit_of_work import UnitOfWork


async def apply_enrolled(uow: UnitOfWork, envelope: Envelope, event: ParticipantEnrolled) -> None:
    entry = await uow.session.get(RosterEntry, event.enrollment_id)
    if entry is not None and entry.version >= envelope.aggregate_version:
        return
    values = dict(batch_id=event.batch_id, participant_id=event.participant_id, full_name=event.full_name,
                  gender=event.gender, position=event.position, cooperative_id=event.cooperative_id,
                  cooperative_name=event.cooperative_name, district_code=event.district_code, sector=event.sector,
                  status="active", version=envelope.aggregate_version)
    if entry is None:
        uow.session.add(RosterEntry(enrollment_id=event.enrollment_id, **values))
    else:
        for key, value in values.items():
            setattr(entry, key, value)


async def apply_cancelled(uow: UnitOfWork, envelope: Envelope, event: EnrollmentCancelled) -> None:
    entry = await uow.session.get(RosterEntry, event.enrollment_id)
    if entry is not None and entry.version < envelope.aggregate_version:
        entry.status, entry.version = "cancelled", envelope.aggregate_version


async def active_roster(session, batch_id: uuid.UUID) -> list[RosterEntry]:
    return list((await session.scalars(
        select(RosterEntry).where(RosterEntry.batch_id == batch_id, RosterEntry.status == "active")
        .order_by(RosterEntry.full_name))).all())


def to_read(entry: RosterEntry) -> dict:
    return {c: getattr(entry, c) for c in ("enrollment_id", "participant_id", "full_name", "gender", "position",
                                           "cooperative_id", "cooperative_name", "district_code", "sector")}
