"""Registration's ParticipantUpdated on training's roster over real PostgreSQL: the corrected name reaches the roster,
attendance, completion and certificates issued afterwards; issued certificates keep theirs; stale events are dropped;
a correction and an enrolment of the same person applied at once by two consumers both count."""
import asyncio

import pytest

from services.training.config import DEV_CERTIFICATE_KEY
from services.training.domain.certificates import verification_code
from services.training.service_layer import roster
from shared.events.envelope import Envelope
from shared.events.registration import ParticipantEnrolled, ParticipantUpdated
from tests.fixtures import factories
from tests.integration.training.conftest import day_at, scheduled


def correction(person: dict, full_name: str, **changes) -> ParticipantUpdated:
    fields = ("participant_id", "gender", "position", "cooperative_id", "district_code")
    return ParticipantUpdated(**{**{key: person[key] for key in fields}, "full_name": full_name, **changes})


async def apply(training, event, version: int) -> None:
    """Through the same use case the consumer calls, in one unit of work."""
    subject = str(getattr(event, "enrollment_id", None) or event.participant_id)
    envelope = Envelope.wrap(event, source="/sipelkop/registration", subject=subject, aggregate_version=version)
    handler = roster.apply_participant_updated if isinstance(event, ParticipantUpdated) else roster.apply_enrolled
    async with training.runtime.uow() as uow:
        await handler(uow, envelope, event)
        await uow.commit()


async def names_on_roster(training, batch_id) -> dict:
    entries = (await training.client().get(f"/api/v1/batches/{batch_id}/roster")).json()
    return {e["participant_id"]: e["full_name"] for e in entries}


async def test_a_corrected_name_reaches_roster_attendance_completion_and_later_certificates_only(training):
    batch, people = await scheduled(training, participants=2, days=2)
    fixed, other = people
    other_batch, _ = await scheduled(training, days=2)
    await apply(training, ParticipantEnrolled(**factories.enrolled(other_batch["id"], full_name=fixed["full_name"],
                                                                   participant_id=fixed["participant_id"])), 1)

    await apply(training, correction(fixed, "Siti Rahmawati", position="bendahara"), 2)
    for batch_id in (batch["id"], other_batch["id"]):  # every batch the person is on
        assert (await names_on_roster(training, batch_id))[fixed["participant_id"]] == "Siti Rahmawati"
    assert (await names_on_roster(training, batch["id"]))[other["participant_id"]] == other["full_name"]
    entry = next(e for e in (await training.client().get(f"/api/v1/batches/{batch['id']}/roster")).json()
                 if e["participant_id"] == fixed["participant_id"])
    assert entry["position"] == "bendahara" and entry["cooperative_name"] == fixed["cooperative_name"]

    # A redelivered or older correction changes nothing.
    await apply(training, correction(fixed, "Nama Lama Sekali"), 2)
    await apply(training, correction(fixed, "Nama Lebih Lama"), 1)
    assert (await names_on_roster(training, batch["id"]))[fixed["participant_id"]] == "Siti Rahmawati"

    trainer = training.client("trainer", "pelatih-1")
    for no in (1, 2):
        marks = [{"participant_id": p["participant_id"], "status": "hadir"} for p in people]
        assert (await trainer.put(f"/api/v1/batches/{batch['id']}/sessions/{no}/attendance",
                                  json={"marks": marks, "recorded_at": day_at(batch, no)})).status_code == 200
    sheet = (await trainer.get(f"/api/v1/batches/{batch['id']}/sessions/1/attendance")).json()
    assert "Siti Rahmawati" in str(sheet)
    for no in (1, 2):
        assert (await trainer.post(f"/api/v1/batches/{batch['id']}/sessions/{no}/complete")).status_code == 200
    assert "Siti Rahmawati" in str((await trainer.get(f"/api/v1/batches/{batch['id']}/completion")).json())
    certificates = (await trainer.get(f"/api/v1/batches/{batch['id']}/certificates")).json()
    issued = next(c for c in certificates if c["participant_id"] == fixed["participant_id"])
    assert issued["full_name"] == "Siti Rahmawati"

    # A correction after issue: the roster follows, the certificate is a document and keeps its name.
    await apply(training, correction(fixed, "Siti Rahmawati Putri"), 3)
    assert (await names_on_roster(training, batch["id"]))[fixed["participant_id"]] == "Siti Rahmawati Putri"
    verified = (await training.client(None).get(f"/api/v1/certificates/{issued['number']}", params={
        "kode": verification_code(DEV_CERTIFICATE_KEY, issued["number"])})).json()
    assert verified["full_name"] == "Siti Rahmawati"


async def test_a_correction_applied_before_the_enrolment_still_wins(training):
    batch, _ = await scheduled(training)
    enrolled = ParticipantEnrolled(**factories.enrolled(batch["id"]))
    person = enrolled.model_dump(mode="json")
    # The participant topic is not ordered with the enrolment topic: the correction may come first.
    await apply(training, correction(person, "Budi Santoso"), 2)
    await apply(training, enrolled, 1)
    assert (await names_on_roster(training, batch["id"]))[person["participant_id"]] == "Budi Santoso"


@pytest.mark.parametrize("correction_first", [True, False])
@pytest.mark.parametrize("earlier_correction", [False, True])
async def test_a_correction_and_an_enrolment_applied_at_once_by_two_consumers_both_count(
        training, correction_first, earlier_correction):
    batch, _ = await scheduled(training)
    enrolled = ParticipantEnrolled(**factories.enrolled(batch["id"]))
    person = enrolled.model_dump(mode="json")
    if earlier_correction:  # the person's row exists already, so nothing conflicts on inserting it
        await apply(training, correction(person, "Nama Sementara"), 2)
    first, second = (correction(person, "Ahmad Fauzi"), 3), (enrolled, 1)
    if not correction_first:
        first, second = second, first
    async with training.runtime.uow() as uow:  # the first consumer's transaction, still open
        event, version = first
        handler = roster.apply_participant_updated if isinstance(event, ParticipantUpdated) else roster.apply_enrolled
        await handler(uow, Envelope.wrap(event, source="/sipelkop/registration", subject="x",
                                         aggregate_version=version), event)
        await uow.session.flush()
        other = asyncio.create_task(apply(training, *second))  # the second consumer, meanwhile
        await asyncio.sleep(0.5)  # time to run to its end if nothing held it back
        await uow.commit()
    await asyncio.wait_for(other, 60)
    assert (await names_on_roster(training, batch["id"]))[person["participant_id"]] == "Ahmad Fauzi"
