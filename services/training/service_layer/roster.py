"""The roster of each batch, kept from registration's enrolment events and its participant corrections."""
from __future__ import annotations

import uuid

from sqlalchemy import select

from services.training.adapters.orm import ParticipantCorrection, RosterEntry
from shared.events.envelope import Envelope
from shared.events.registration import EnrollmentCancelled, ParticipantEnrolled, ParticipantUpdated
from shared.unit_of_work import UnitOfWork
from shared.db import insert_for

# What a correction changes on the roster. The cooperative, its district and sector stay as nominated: the seat was
# given to that cooperative within that district's quota, and training keeps no cooperative names of its own.
CORRECTED = ("full_name", "gender", "position")


async def apply_enrolled(uow: UnitOfWork, envelope: Envelope, event: ParticipantEnrolled) -> None:
    entry = await uow.session.get(RosterEntry, event.enrollment_id)
    if entry is not None and entry.version >= envelope.aggregate_version:
        return
    values = dict(batch_id=event.batch_id, participant_id=event.participant_id, full_name=event.full_name,
                  gender=event.gender, position=event.position, cooperative_id=event.cooperative_id,
                  cooperative_name=event.cooperative_name, district_code=event.district_code, sector=event.sector,
                  category=event.category, status="active", version=envelope.aggregate_version)
    if entry is None:
        entry = RosterEntry(enrollment_id=event.enrollment_id, **values)
        uow.session.add(entry)
    else:
        for key, value in values.items():
            setattr(entry, key, value)
    # The participant and enrolment topics are not ordered with each other: a correction applied before this
    # enrolment (which carries the name as it was at enrolment) still wins.
    _take_over(entry, await _locked_correction(uow.session, event.participant_id))


async def apply_participant_updated(uow: UnitOfWork, envelope: Envelope, event: ParticipantUpdated) -> None:
    """A corrected name reaches every roster entry of the participant, hence the attendance sheets, the completion
    overview and certificates issued from now on; certificates already issued keep the name they were issued with."""
    correction = await _locked_correction(uow.session, event.participant_id)
    if correction.version >= envelope.aggregate_version:
        return  # stale: a newer correction is already applied
    correction.version = envelope.aggregate_version
    for key in CORRECTED:
        setattr(correction, key, getattr(event, key))
    entries = await uow.session.scalars(select(RosterEntry).where(RosterEntry.participant_id == event.participant_id))
    for entry in entries.all():
        _take_over(entry, correction)


async def _locked_correction(session, participant_id: uuid.UUID) -> ParticipantCorrection:
    """The participant's correction row (version 0 = none yet), locked until commit (FOR UPDATE on PostgreSQL;
    SQLite admits one writer). Two consumers applying a correction and an enrolment of the same person at once thus
    take turns, and the second sees what the first wrote."""
    insert = insert_for(session)
    await session.execute(insert(ParticipantCorrection).values(participant_id=participant_id, version=0)
                          .on_conflict_do_nothing(index_elements=["participant_id"]))
    return await session.scalar(select(ParticipantCorrection).where(ParticipantCorrection.participant_id ==
                                                                    participant_id)
                                .with_for_update().execution_options(populate_existing=True))


def _take_over(entry: RosterEntry, correction: ParticipantCorrection) -> None:
    if correction.version > 0:
        for key in CORRECTED:
            setattr(entry, key, getattr(correction, key))


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
                                           "cooperative_id", "cooperative_name", "district_code", "sector", "category")}
