"""Training's consumer on embedded SQLite (a laptop): ParticipantUpdated corrects the roster whatever the order in
which it meets the enrolment, stale corrections are dropped, and ParticipantRegistered on the same topic is ignored."""
import uuid

import pytest
from sqlalchemy import select

from services.training.adapters.orm import RosterEntry
from services.training.bootstrap import bootstrap
from services.training.config import TrainingSettings
from shared.db import migrate
from shared.events.envelope import Envelope
from shared.events.registration import (PARTICIPANT_TOPIC, ParticipantEnrolled, ParticipantRegistered,
                                        ParticipantUpdated)
from shared.messaging.dead_letters import ReplayRecord
from tests.fixtures import factories

_offsets = iter(range(10**6))


@pytest.fixture
async def runtime(tmp_path):
    settings = TrainingSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/t.db")
    rt = bootstrap(settings)
    await migrate(rt.migrations, settings.database_url)
    yield rt
    await rt.engine.dispose()


def record(event, version: int, subject) -> ReplayRecord:
    envelope = Envelope.wrap(event, source="/sipelkop/registration", subject=str(subject), aggregate_version=version)
    return ReplayRecord(event.topic, 0, next(_offsets), str(subject).encode(), envelope.model_dump_json().encode())


def enrolment(participant_id, full_name="Siti Rahmawaty") -> ReplayRecord:
    event = ParticipantEnrolled(**factories.enrolled(uuid.uuid4(), participant_id=participant_id, full_name=full_name))
    return record(event, 1, event.enrollment_id)


def correction(participant_id, version: int, full_name: str, position: str = "ketua") -> ReplayRecord:
    event = ParticipantUpdated(participant_id=participant_id, full_name=full_name, gender="P", position=position,
                               cooperative_id=uuid.uuid4(), district_code="64.02")
    return record(event, version, participant_id)


async def roster_names(rt, participant_id) -> list[tuple[str, str]]:
    async with rt.sessions() as s:
        rows = await s.scalars(select(RosterEntry).where(RosterEntry.participant_id == participant_id))
        return sorted((e.full_name, e.position) for e in rows.all())


def test_training_subscribes_to_the_participant_topic_for_corrections(runtime):
    assert ParticipantUpdated.topic == PARTICIPANT_TOPIC
    assert PARTICIPANT_TOPIC in runtime.consumer.topics
    assert ParticipantRegistered not in runtime.consumer.handlers


async def test_a_correction_reaches_every_roster_entry_of_the_person_and_stale_ones_are_dropped(runtime):
    person = uuid.uuid4()
    await runtime.consumer.handle_records([enrolment(person), enrolment(person), enrolment(uuid.uuid4())])
    await runtime.consumer.handle_records([correction(person, 3, "Siti Rahmawati", "bendahara")])
    assert await roster_names(runtime, person) == [("Siti Rahmawati", "bendahara")] * 2
    await runtime.consumer.handle_records([correction(person, 2, "Siti Lama")])  # older than what was applied
    assert await roster_names(runtime, person) == [("Siti Rahmawati", "bendahara")] * 2


@pytest.mark.parametrize("order", ["in_one_batch", "correction_first_in_one_batch", "correction_first_alone"])
async def test_the_newest_correction_wins_whatever_the_order_it_meets_the_enrolment_in(runtime, order):
    person = uuid.uuid4()
    enrolled, fixed, newer = enrolment(person), correction(person, 2, "Siti Rahmawati"), correction(person, 3, "Siti R")
    if order == "in_one_batch":
        await runtime.consumer.handle_records([enrolled, fixed, newer])
    elif order == "correction_first_in_one_batch":
        await runtime.consumer.handle_records([newer, enrolled, fixed])
    else:
        await runtime.consumer.handle_records([newer])
        await runtime.consumer.handle_records([fixed])
        await runtime.consumer.handle_records([enrolled])
    assert await roster_names(runtime, person) == [("Siti R", "ketua")]


async def test_participant_registered_on_the_same_topic_is_passed_over_not_parked(runtime):
    person = uuid.uuid4()
    registered = ParticipantRegistered(participant_id=person, cooperative_id=uuid.uuid4(), district_code="64.02",
                                       gender="L", position="ketua")
    await runtime.consumer.handle_records([record(registered, 1, person), enrolment(person, "Budi")])
    assert await roster_names(runtime, person) == [("Budi", "ketua")]
    assert await runtime.dead_letters.count() == 0
