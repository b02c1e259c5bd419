"""Closing a batch by DAK component over real PostgreSQL: the proposal's honor line from the agenda (JP x rate),
bad lines refused with the field named and nothing written, the lines booked and carried by batch.closed, and the
plain realised_cost of the API before components booked as "lainnya"."""
from sqlalchemy import delete

from services.training.adapters.orm import BatchCloseLine
from tests.integration.training.conftest import day_at, scheduled
from tests.integration.training.test_agenda import narasumber, session_body


async def _run(training, batch: dict, people: list[dict]) -> None:
    admin, url = training.client(), f"/api/v1/batches/{batch['id']}"
    for s in (await admin.get(f"{url}/sessions")).json():
        marks = [{"participant_id": p["participant_id"], "status": "hadir"} for p in people]
        assert (await admin.put(f"{url}/sessions/{s['no']}/attendance", json={
            "marks": marks, "recorded_at": day_at(batch, 1, 15)})).status_code == 200
        assert (await admin.post(f"{url}/sessions/{s['no']}/complete")).status_code == 200


async def _lines(training, batch_id) -> list:
    async with training.runtime.uow() as uow:
        return (await uow.session.scalars(BatchCloseLine.__table__.select().where(
            BatchCloseLine.batch_id == batch_id))).all()


async def test_close_by_component_with_the_honor_proposed_from_the_agenda(training):
    batch, people = await scheduled(training, participants=1, days=1)
    admin, url = training.client(), f"/api/v1/batches/{batch['id']}"
    siti = await narasumber(training, rate_per_jp=900_000, n=801)
    budi = await narasumber(training, "Ir. Budi Santoso", rate_per_jp=700_000, n=802)
    for body in (session_body(batch, 1, "08:00", "09:30", trainer_id=siti["id"]),  # 2 JP
                 session_body(batch, 1, "09:45", "12:00", trainer_id=budi["id"]),  # 3 JP
                 session_body(batch, 1, "13:00", "15:15", topic="Diskusi")):  # 3 JP, no narasumber
        assert (await admin.post(f"{url}/sessions", json=body)).status_code == 201

    proposal = await admin.get(f"{url}/closing-proposal")
    assert proposal.status_code == 200, proposal.text
    lines = {line["component"]: line for line in proposal.json()["components"]}
    assert proposal.json()["honorarium"] == 2 * 900_000 + 3 * 700_000
    assert lines["honor_narasumber"] == {"component": "honor_narasumber", "label": "Honor narasumber",
                                         "planned": 3_900_000, "realised": 3_900_000}
    assert lines["lainnya"]["planned"] == 60_000_000 - 3_900_000 and len(lines) == 10
    assert (await training.client("trainer", "pelatih-1").get(f"{url}/closing-proposal")).status_code == 403

    await _run(training, batch, people)
    for components, field in (([{"component": "makan", "planned": 0, "realised": 1}], "components.0.component"),
                              ([{"component": "konsumsi", "realised": 1}, {"component": "konsumsi", "realised": 2}],
                               "components.1.component"),
                              ([{"component": "konsumsi", "planned": -5, "realised": 1}], "components.0.planned")):
        refused = await admin.post(f"{url}/close", json={"components": components})
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["fields"][0]["field"] == field
    mismatch = await admin.post(f"{url}/close", json={"components": [{"component": "konsumsi", "realised": 1}],
                                                      "realised_cost": 2})
    assert mismatch.status_code == 422 and mismatch.json()["error"]["fields"][0]["field"] == "realised_cost"
    assert (await admin.post(f"{url}/close", json={})).status_code == 422
    assert (await admin.get(url)).json()["status"] == "scheduled" and await _lines(training, batch["id"]) == []
    assert await training.outbox("sipelkop.training.batch.closed.v1") == []

    closed = await admin.post(f"{url}/close", json={"components": [
        {"component": "konsumsi", "planned": 12_000_000, "realised": 11_500_000},
        {"component": "honor_narasumber", "planned": 3_900_000, "realised": 4_200_000},  # edited before closing
        {"component": "sertifikat", "planned": 0, "realised": 0},  # an empty line is not kept
        {"component": "lainnya", "planned": 44_100_000, "realised": 41_750_000}]})
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["realised_cost"]) == ("closed", 57_450_000)
    booked = (await admin.get(f"{url}/closing-proposal")).json()
    assert [(line["component"], line["planned"], line["realised"]) for line in booked["components"]] == [
        ("honor_narasumber", 3_900_000, 4_200_000), ("konsumsi", 12_000_000, 11_500_000),
        ("lainnya", 44_100_000, 41_750_000)]
    assert (booked["total_planned"], booked["total_realised"]) == (60_000_000, 57_450_000)
    [event] = [e for e in await training.outbox("sipelkop.training.batch.closed.v1") if e["subject"] == batch["id"]]
    assert event["minor_version"] == 1 and event["data"]["realised_cost"] == 57_450_000
    assert event["data"]["components"][0] == {"component": "honor_narasumber", "planned": 3_900_000,
                                              "realised": 4_200_000}
    assert (await admin.post(f"{url}/close", json={"realised_cost": 1})).status_code == 409


async def test_a_plain_realised_cost_is_booked_as_lainnya(training):
    batch, people = await scheduled(training, participants=1, days=1, planned_budget=50_000_000)
    await _run(training, batch, people)
    admin, url = training.client(), f"/api/v1/batches/{batch['id']}"
    closed = await admin.post(f"{url}/close", json={"realised_cost": 48_000_000})
    assert closed.status_code == 200 and closed.json()["realised_cost"] == 48_000_000
    booked = (await admin.get(f"{url}/closing-proposal")).json()
    assert [(line["component"], line["planned"], line["realised"]) for line in booked["components"]] == [
        ("lainnya", 50_000_000, 48_000_000)]
    [event] = [e for e in await training.outbox("sipelkop.training.batch.closed.v1") if e["subject"] == batch["id"]]
    assert event["data"]["components"] == [{"component": "lainnya", "planned": 50_000_000,
                                            "realised": 48_000_000}]


async def test_a_batch_closed_before_components_shows_its_realised_cost_as_lainnya(training):
    batch, people = await scheduled(training, participants=1, days=1)
    await _run(training, batch, people)
    admin, url = training.client(), f"/api/v1/batches/{batch['id']}"
    assert (await admin.post(f"{url}/close", json={"realised_cost": 55_000_000})).status_code == 200
    async with training.runtime.uow() as uow:  # as migration 0008 leaves a batch closed before it: no lines
        await uow.session.execute(delete(BatchCloseLine).where(BatchCloseLine.batch_id == batch["id"]))
        await uow.commit()
    booked = (await admin.get(f"{url}/closing-proposal")).json()
    assert booked["status"] == "closed" and [(line["component"], line["planned"], line["realised"])
                                             for line in booked["components"]] == [("lainnya", 60_000_000,
                                                                                    55_000_000)]
