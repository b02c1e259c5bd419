"""A misspelt name corrected in registration reaches training over Kafka: the roster, and certificates issued after
the correction; a certificate already issued keeps the name it was issued with. Reporting never hears of names."""
from urllib.parse import parse_qs, urlsplit

from tests.fixtures import factories
from tests.fixtures.services import wait_for


def name_on_roster(trainer, batch_id: str, participant_id: str) -> str | None:
    entries = trainer.get(f"/api/v1/batches/{batch_id}/roster").json()
    return next((e["full_name"] for e in entries if e["participant_id"] == participant_id), None)


def test_a_corrected_name_reaches_the_roster_and_the_certificates_issued_afterwards(stack):
    admin = stack.client("training", "admin")
    trainer = stack.client("training", "trainer", subject="pelatih-1")
    officer = stack.client("registration", "district_officer", "64.02")
    batch = admin.post("/api/v1/batches", json=factories.batch(trainers=["pelatih-1"], days=1)).json()
    wait_for(lambda: officer.get(f"/api/v1/batches/{batch['id']}").status_code == 200, timeout=120,
             message="batch in registration")

    coop = officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02")).json()
    people = []
    for full_name in ("Siti Rahmawaty", "Budi Santoso"):
        person = officer.post("/api/v1/participants", json=factories.participant(coop["id"], full_name=full_name))
        assert person.status_code == 201, person.text
        enrolled = officer.post("/api/v1/enrollments", json={"batch_id": batch["id"],
                                                             "participant_id": person.json()["id"]})
        assert enrolled.status_code == 201 and enrolled.json()["status"] == "enrolled", enrolled.text
        people.append(person.json())
    siti, budi = people
    wait_for(lambda: name_on_roster(trainer, batch["id"], siti["id"]) == "Siti Rahmawaty", timeout=120,
             message="Siti on the roster")

    fixed = officer.patch(f"/api/v1/participants/{siti['id']}", json={"full_name": "Siti Rahmawati"})
    assert fixed.status_code == 200 and fixed.json()["version"] == 2, fixed.text
    wait_for(lambda: name_on_roster(trainer, batch["id"], siti["id"]) == "Siti Rahmawati", timeout=120,
             message="the corrected name on training's roster")
    assert name_on_roster(trainer, batch["id"], budi["id"]) == "Budi Santoso"

    # The batch's only day: both present, the session closed, certificates issued with the corrected name.
    day = batch["sessions"][0]["date"]
    marks = [{"participant_id": p["id"], "status": "hadir"} for p in people]
    marked = trainer.put(f"/api/v1/batches/{batch['id']}/sessions/1/attendance",
                         json={"marks": marks, "recorded_at": f"{day}T09:00:00+08:00"})
    assert marked.status_code == 200, marked.text
    assert "Siti Rahmawati" in trainer.get(f"/api/v1/batches/{batch['id']}/sessions/1/attendance").text
    assert trainer.post(f"/api/v1/batches/{batch['id']}/sessions/1/complete").status_code == 200
    certificates = {c["participant_id"]: c for c in trainer.get(f"/api/v1/batches/{batch['id']}/certificates").json()}
    assert certificates[siti["id"]]["full_name"] == "Siti Rahmawati"

    # A second correction after issue: the roster follows, the issued certificate is a document and stays.
    officer.patch(f"/api/v1/participants/{siti['id']}", json={"full_name": "Siti Rahmawati Putri"})
    wait_for(lambda: name_on_roster(trainer, batch["id"], siti["id"]) == "Siti Rahmawati Putri", timeout=120,
             message="the second correction on the roster")
    number = certificates[siti["id"]]["number"]
    code = parse_qs(urlsplit(certificates[siti["id"]]["verification_url"]).query)["kode"][0]  # as its QR link has it
    assert stack.client("training", "viewer").get(f"/api/v1/certificates/{number}",
                                                  params={"kode": code}).json()["full_name"] == "Siti Rahmawati"

    # ParticipantRegistered shares the topic training now reads: passed over, never parked.
    assert admin.get("/api/v1/ops/dead-letters").json() == []
    # Reporting does not consume the participant topic, so no name reaches its store.
    assert "participant.updated" not in stack.client("reporting", "admin").get("/asyncapi.json").text
