"""The planning list of Kutai Kartanegara (64.02) after a seed-like year: training's batch, programme and
participant.completed events reach registration over the real broker; the trained cooperatives show as trained
with their batch and date, the other active ones as not yet trained, progress against the district's target; a
nomination from a trained cooperative is accepted with a warning; the list exports as XLSX."""
import asyncio
import io
import time
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from openpyxl import load_workbook

from services.registration.bootstrap import create_registration_app
from services.registration.config import RegistrationSettings
from shared.clock import business_today
from shared.events.envelope import Envelope
from shared.events.training import BatchScheduled, ParticipantCompleted, ProgrammePlanned
from tests.fixtures import factories
from tests.integration.registration.conftest import Registration

KUKAR = "64.02"


@pytest.fixture
async def consuming(pg_url, kafka, topic_prefix):
    kafka.prepare(topic_prefix)  # with SASL: the prefix's ACLs and topics
    settings = RegistrationSettings(database_url=pg_url, **kafka.settings("registration"), topic_prefix=topic_prefix,
                                    env="test")
    app = create_registration_app(settings, start_background=False)
    await app.state.runtime.start(run_relay=False, run_consumers=True)
    yield Registration(app)
    await app.state.runtime.stop()


async def publish(kafka, prefix: str, events: list) -> None:
    """As training's outbox relay publishes them: an envelope per event, keyed by its subject."""
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap, **kafka.options("training"))
    await producer.start()
    try:
        for event, subject in events:
            envelope = Envelope.wrap(event, source="/sipelkop/training", subject=subject, aggregate_version=1)
            await producer.send_and_wait(prefix + event.topic, envelope.model_dump_json().encode(),
                                         key=subject.encode())
    finally:
        await producer.stop()


async def eventually(probe, message: str, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := await probe():
            return found
        await asyncio.sleep(0.3)
    raise AssertionError(f"timed out waiting for {message}")


def completed(batch_id, cooperative: dict) -> tuple:
    event = ParticipantCompleted(batch_id=batch_id, participant_id=uuid.uuid4(), cooperative_id=cooperative["id"],
                                 district_code=cooperative["district_code"], sector=cooperative["sector"], gender="P",
                                 sessions_present=6, sessions_total=6, jp_present=24, jp_total=24)
    return event, f"{batch_id}:{event.participant_id}"


async def test_the_planning_list_of_kutai_kartanegara_after_a_year_of_training(consuming, kafka, topic_prefix):
    officer = consuming.client("district_officer", KUKAR)
    year = business_today().year
    coops = []
    for n in range(14):
        body = factories.cooperative(KUKAR, name=f"Koperasi Mahakam {n:02d}", sector="perikanan" if n < 4 else
                                     "pertanian", active=n != 13)
        made = await officer.post("/api/v1/cooperatives", json=body)
        assert made.status_code == 201, made.text
        coops.append(made.json())
    elsewhere = (await consuming.client("district_officer", "64.08").post(
        "/api/v1/cooperatives", json=factories.cooperative("64.08"))).json()

    closed = BatchScheduled(**factories.batch_scheduled(start_in_days=-30, code="DIG-2026-01"))
    last_year = BatchScheduled(**factories.batch_scheduled(start_in_days=-30, code="DIG-LALU", fiscal_year=year - 1))
    upcoming = BatchScheduled(**factories.batch_scheduled(start_in_days=20, code="DIG-2026-09"))
    programme = ProgrammePlanned(**{**factories.programme(fiscal_year=year), "programme_id": uuid.uuid4(),
                                    "district_targets": {KUKAR: 20, "64.08": 15}})
    trained = coops[:5] + [coops[13]]  # the inactive one was trained this year too: it counts
    completions = [completed(closed.batch_id, c) for c in trained]
    completions.append(completed(closed.batch_id, coops[0]))  # two completers from one cooperative
    completions.append(completed(last_year.batch_id, coops[7]))  # last year's: still to train this year
    completions.append(completed(closed.batch_id, elsewhere))
    await publish(kafka, topic_prefix, [(b, str(b.batch_id)) for b in (closed, last_year, upcoming)]
                  + [(programme, str(programme.programme_id))])
    await eventually(lambda: _batches(officer, 3), "the three batches in registration")
    await publish(kafka, topic_prefix, completions)

    async def listing(**params):
        answer = await officer.get("/api/v1/planning/cooperatives", params={"fiscal_year": year, **params})
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def all_applied():
        found = await listing()
        # The programme and the completions come on different topics: neither waits for the other.
        return found if found["trained_count"] == 6 and found["target"] is not None else None

    everything = await eventually(all_applied, "six trained cooperatives of 64.02 and the programme's target")
    assert (everything["district_code"], everything["target"], everything["active_count"]) == (KUKAR, 20, 13)
    assert (everything["untrained_count"], everything["progress_percent"]) == (8, 30.0)
    done = await listing(trained="true")
    assert {c["id"] for c in done["items"]} == {c["id"] for c in trained}
    first = next(c for c in done["items"] if c["id"] == coops[0]["id"])
    assert [(t["batch_code"], t["completers"], t["end_date"]) for t in first["trainings"]] == [
        ("DIG-2026-01", 2, closed.end_date.isoformat())]
    todo = await listing(trained="false")
    assert {c["name"] for c in todo["items"]} == {f"Koperasi Mahakam {n:02d}" for n in range(5, 13)}
    assert all(c["trained"] is False and c["active"] for c in todo["items"])
    fish = await listing(trained="false", sector="Perikanan")
    assert fish["items"] == [] and (await listing(trained="true", sector="perikanan"))["total"] == 4
    assert (await listing(fiscal_year=year - 1))["trained_count"] == 1
    unknown = await officer.get("/api/v1/planning/cooperatives", params={"sector": "tambang", "grade": "Z"})
    assert unknown.status_code == 422 and unknown.json()["error"]["fields"][0]["field"] == "sector"

    # Another district is refused to the officer; the UPTD's training staff choose any district.
    assert (await officer.get("/api/v1/planning/cooperatives", params={"district": "64.08"})).status_code == 403
    staff = consuming.client("training_staff")
    theirs = (await staff.get("/api/v1/planning/cooperatives", params={"district": "64.08"})).json()
    assert (theirs["trained_count"], theirs["target"]) == (1, 15)
    missing = await staff.get("/api/v1/planning/cooperatives")
    assert missing.status_code == 422 and missing.json()["error"]["fields"][0]["field"] == "district"

    # A second nomination from a trained cooperative: accepted, with a warning; an untrained one: none.
    again = (await officer.post("/api/v1/participants", json=factories.participant(coops[1]["id"]))).json()
    fresh = (await officer.post("/api/v1/participants", json=factories.participant(coops[6]["id"]))).json()
    warned = await officer.post("/api/v1/enrollments", json={"batch_id": str(upcoming.batch_id),
                                                             "participant_id": again["id"]})
    assert warned.status_code == 201, warned.text
    assert warned.json()["status"] == "enrolled"
    assert warned.json()["warnings"] == [
        f"Koperasi Mahakam 01 sudah memiliki peserta yang lulus pada tahun anggaran {year} (angkatan DIG-2026-01); "
        "pencalonan ini tidak menambah jumlah koperasi terlatih."]
    plain = await officer.post("/api/v1/enrollments", json={"batch_id": str(upcoming.batch_id),
                                                            "participant_id": fresh["id"]})
    assert plain.status_code == 201 and plain.json()["warnings"] == []

    sheet = await officer.get("/api/v1/planning/cooperatives.xlsx", params={"fiscal_year": year})
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("application/vnd.openxml")
    book = load_workbook(io.BytesIO(sheet.content))
    assert book.sheetnames == ["ringkasan", "belum dilatih", "sudah dilatih"]
    summary = {row[0].value: row[1].value for row in book["ringkasan"].iter_rows()}
    assert summary["Koperasi sudah dilatih"] == 6 and summary["Target kabupaten/kota"] == 20
    assert summary["Capaian"] == "30,0%"
    untrained = [row for row in book["belum dilatih"].iter_rows(min_row=2, values_only=True)]
    assert len(untrained) == 8 and untrained[0][1] == "Koperasi Mahakam 05"
    header = [c.value for c in book["sudah dilatih"][1]]
    rows = [dict(zip(header, row)) for row in book["sudah dilatih"].iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 6 and {r["Angkatan"] for r in rows} == {"DIG-2026-01"}
    assert "NIB" in header and "Tahun RAT terakhir" in header and "Pola syariah" in header


async def _batches(client, count: int):
    return len((await client.get("/api/v1/batches")).json()) == count
