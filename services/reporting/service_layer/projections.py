"""Projection handlers for registration's events, and the version rules every handler follows.

Each event is applied only when its aggregate version is newer than what the row holds, so duplicates and
late, older events change nothing. Facts that never change for an entity (an enrolment's batch, cooperative,
district) are filled in by whichever event carries them, whatever order the events arrive in.
"""
from __future__ import annotations

import uuid
from datetime import UTC

from services.reporting.adapters.orm import CooperativeView, EnrollmentView, Freshness
from shared.events.envelope import Envelope
from shared.events.registration import (CooperativeState, EnrollmentCancelled, EnrollmentWaitlisted,
                                        ParticipantEnrolled)
from shared.events.registration import UMK_CATEGORY as UMK
from shared.unit_of_work import UnitOfWork


def _held(uow: UnitOfWork) -> dict:
    return uow.session.info.setdefault("reporting_rows", {})


async def find(uow: UnitOfWork, model, key):
    """The row of `key`, including one added earlier in this transaction and not flushed yet.

    Rows are looked up without autoflush: flushing before every lookup would cost a round trip per event,
    and a rebuild applies hundreds of thousands of them. Rows added go through `add` so they are seen.
    """
    held = _held(uow)
    if (model, key) in held:
        return held[(model, key)]
    with uow.session.no_autoflush:
        row = await uow.session.get(model, key)
    held[(model, key)] = row
    return row


def add(uow: UnitOfWork, model, key, row):
    uow.session.add(row)
    _held(uow)[(model, key)] = row
    return row


def remember(uow: UnitOfWork, model, key, row) -> None:
    """Note a row (or its absence, None) read by a query of the handler's own."""
    _held(uow)[(model, key)] = row


def held(uow: UnitOfWork, model, key):
    """(True, row) when this transaction already knows the row of `key` (None if absent), else (False, None)."""
    rows = _held(uow)
    return ((model, key) in rows), rows.get((model, key))


async def upsert_state(uow: UnitOfWork, model, key, version: int, **values) -> bool:
    """Write an entity's whole state when `version` is newer than the stored row; False when stale."""
    row = await find(uow, model, key)
    if row is not None and row.version >= version:
        return False
    if row is None:
        names = [c.name for c in model.__table__.primary_key.columns]
        add(uow, model, key, model(**dict(zip(names, key if isinstance(key, tuple) else (key,))), version=version,
                                   **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)
        row.version = version
    return True


def fill_missing(row, facts: dict) -> None:
    """Complete a row created by an earlier-arriving event with facts it could not know."""
    for name, value in facts.items():
        if value is not None and getattr(row, name) is None:
            setattr(row, name, value)


async def touch(uow: UnitOfWork, envelope: Envelope) -> None:
    """Keep the time of the newest event applied (data_as_of) and the count of events applied."""
    fresh = await find(uow, Freshness, 1)
    if fresh is None:
        fresh = add(uow, Freshness, 1, Freshness(id=1, data_as_of=None, events_applied=0))
    held = fresh.data_as_of
    if held is not None and held.tzinfo is None:  # SQLite hands back naive UTC
        held = held.replace(tzinfo=UTC)
    if held is None or envelope.time > held:
        fresh.data_as_of = envelope.time
    fresh.events_applied = (fresh.events_applied or 0) + 1


async def on_cooperative(uow: UnitOfWork, envelope: Envelope, event: CooperativeState) -> None:
    # The name and registration number stay in registration: reporting counts units, it does not list them.
    await upsert_state(uow, CooperativeView, event.cooperative_id, envelope.aggregate_version,
                       district_code=event.district_code, kind=event.kind, sector=event.sector.lower(),
                       active=event.active, grade=event.grade, members_male=event.members_male,
                       members_female=event.members_female)
    await touch(uow, envelope)


async def _enrollment(uow: UnitOfWork, envelope: Envelope, enrollment_id, status: str, **facts) -> None:
    row = await find(uow, EnrollmentView, enrollment_id)
    if row is None:
        add(uow, EnrollmentView, enrollment_id, EnrollmentView(
            id=enrollment_id, status=status, version=envelope.aggregate_version,
            **{"cooperative_id": None, "district_code": None, "sector": None, "gender": None, "category": None,
               **facts}))
    else:
        fill_missing(row, facts)
        if envelope.aggregate_version > row.version:
            row.status, row.version = status, envelope.aggregate_version
    await touch(uow, envelope)


def cooperative_of(event) -> uuid.UUID | None:
    """The cooperative an event's participant belongs to; a UMK owner's business (events carry its id in the
    cooperative's place) is none, so it never counts among the cooperatives trained."""
    return None if event.category == UMK else event.cooperative_id


async def on_enrolled(uow: UnitOfWork, envelope: Envelope, event: ParticipantEnrolled) -> None:
    # full_name, position and cooperative_name are deliberately not kept.
    await _enrollment(uow, envelope, event.enrollment_id, "enrolled", batch_id=event.batch_id,
                      participant_id=event.participant_id, cooperative_id=cooperative_of(event),
                      district_code=event.district_code, sector=event.sector.lower(), gender=event.gender,
                      category=event.category)


async def on_waitlisted(uow: UnitOfWork, envelope: Envelope, event: EnrollmentWaitlisted) -> None:
    await _enrollment(uow, envelope, event.enrollment_id, "waitlisted", batch_id=event.batch_id,
                      participant_id=event.participant_id, cooperative_id=cooperative_of(event),
                      district_code=event.district_code, category=event.category)


async def on_enrollment_cancelled(uow: UnitOfWork, envelope: Envelope, event: EnrollmentCancelled) -> None:
    await _enrollment(uow, envelope, event.enrollment_id, "cancelled", batch_id=event.batch_id,
                      participant_id=event.participant_id)
