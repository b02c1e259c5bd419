"""Programmes and batches: plan, update (sessions follow the dates), cancel, close with the realised cost."""
from datetime import date, timedelta

from tests.fixtures import factories
from tests.integration.training.conftest import day_at, scheduled


async def test_a_programme_is_planned_updated_and_listed(training):
    admin = training.client()
    created = await admin.post("/api/v1/programmes", json=factories.programme(2023, district_targets={"64.02": 80}))
    assert created.status_code == 201, created.text
    programme = created.json()
    assert (programme["allocation"], programme["target_cooperatives"], programme["version"]) == (1_200_000_000, 600, 1)
    updated = await admin.patch(f"/api/v1/programmes/{programme['id']}", json={"target_cooperatives": 650})
    assert updated.json()["target_cooperatives"] == 650 and updated.json()["version"] == 2
    assert [p["id"] for p in (await admin.get("/api/v1/programmes?fiscal_year=2023")).json()] == [programme["id"]]
    assert (await admin.get("/api/v1/programmes?fiscal_year=2024")).json() == []
    bad = await admin.post("/api/v1/programmes", json=factories.programme(2023, district_targets={"99.99": 1}))
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "district_targets"
    assert (await training.client("trainer").post("/api/v1/programmes", json=factories.programme())).status_code == 403
    events = await training.outbox()
    assert [(e["type"], e["aggregate_version"]) for e in events] == [
        ("sipelkop.training.programme.planned.v1", 1), ("sipelkop.training.programme.updated.v1", 2)]
    assert events[1]["data"]["target_cooperatives"] == 650

    # A batch of the programme takes its fiscal year; another year's programme is refused.
    batch = await admin.post("/api/v1/batches", json=factories.batch(programme_id=programme["id"]))
    assert batch.status_code == 201 and batch.json()["fiscal_year"] == 2023
    wrong = await admin.post("/api/v1/batches", json=factories.batch(programme_id=programme["id"], fiscal_year=2024))
    assert wrong.status_code == 422 and wrong.json()["error"]["fields"][0]["field"] == "fiscal_year"


async def test_moving_a_batch_moves_its_sessions_and_keeps_their_topics(training):
    admin = training.client()
    batch = (await admin.post("/api/v1/batches", json=factories.batch(start_in_days=10, days=3,
                                                                      trainers=["pelatih-1", "pelatih-2"]))).json()
    url = f"/api/v1/batches/{batch['id']}"
    edited = await admin.patch(f"{url}/sessions/2", json={"topic": "Pemasaran digital", "trainer": "pelatih-2",
                                                          "start_time": "09:00", "end_time": "15:30"})
    assert edited.status_code == 200 and edited.json()["trainer"] == "pelatih-2"
    assert (await admin.patch(f"{url}/sessions/2", json={"trainer": "orang-lain"})).status_code == 422
    assert (await admin.patch(f"{url}/sessions/2", json={"start_time": "16:00"})).status_code == 422

    start = date.fromisoformat(batch["start_date"]) + timedelta(days=7)
    moved = await admin.patch(url, json={"start_date": start.isoformat(),
                                         "end_date": (start + timedelta(days=3)).isoformat(), "venue": "Balikpapan"})
    assert moved.status_code == 200, moved.text
    sessions = (await admin.get(f"{url}/sessions")).json()
    assert [(s["number"], s["date"]) for s in sessions] == [(n, (start + timedelta(days=n - 1)).isoformat())
                                                            for n in range(1, 5)]
    assert (sessions[1]["topic"], sessions[1]["trainer"], sessions[1]["start_time"]) == (
        "Pemasaran digital", "pelatih-2", "09:00:00")
    shorter = await admin.patch(url, json={"end_date": start.isoformat(), "trainers": ["pelatih-1"]})
    assert [s["number"] for s in shorter.json()["sessions"]] == [1]
    updates = await training.outbox("sipelkop.training.batch.updated.v1")
    assert [(u["aggregate_version"], u["data"]["session_count"]) for u in updates] == [(2, 4), (3, 1)]
    assert updates[0]["data"]["venue"] == "Balikpapan"
    bad = await admin.patch(url, json={"end_date": "2000-01-01"})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "end_date"


async def test_a_session_with_attendance_cannot_move(training):
    batch, people = await scheduled(training, participants=1)
    admin = training.client()
    await admin.put(f"/api/v1/batches/{batch['id']}/sessions/1/attendance", json={
        "marks": [{"participant_id": people[0]["participant_id"], "status": "hadir"}], "recorded_at": day_at(batch, 1)})
    later = (date.fromisoformat(batch["start_date"]) + timedelta(days=1)).isoformat()
    refused = await admin.patch(f"/api/v1/batches/{batch['id']}", json={"start_date": later})
    assert refused.status_code == 409 and "Sesi 1" in refused.json()["error"]["message"]
    assert (await admin.patch(f"/api/v1/batches/{batch['id']}", json={"capacity": 0})).status_code == 422


async def test_cancel_and_close(training):
    admin = training.client()
    cancelled_batch, _ = await scheduled(training, participants=1)
    cancelled = await admin.post(f"/api/v1/batches/{cancelled_batch['id']}/cancel", json={"reason": "banjir"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert (await admin.post(f"/api/v1/batches/{cancelled_batch['id']}/cancel",
                             json={"reason": "lagi"})).status_code == 409

    batch, people = await scheduled(training, participants=1, days=1)
    url = f"/api/v1/batches/{batch['id']}"
    early = await admin.post(f"{url}/close", json={"realised_cost": 55_000_000})
    assert early.status_code == 409 and "Sesi 1" in early.json()["error"]["message"]
    await admin.put(f"{url}/sessions/1/attendance", json={
        "marks": [{"participant_id": people[0]["participant_id"], "status": "hadir"}], "recorded_at": day_at(batch, 1)})
    await admin.post(f"{url}/sessions/1/complete")
    assert (await admin.post(f"{url}/cancel", json={"reason": "terlambat"})).status_code == 409
    closed = await admin.post(f"{url}/close", json={"realised_cost": 55_000_000})
    assert closed.status_code == 200 and closed.json()["realised_cost"] == 55_000_000
    events = {e["type"]: e for e in await training.outbox() if e["subject"] in (batch["id"], cancelled_batch["id"])}
    assert events["sipelkop.training.batch.cancelled.v1"]["data"]["reason"] == "banjir"
    assert events["sipelkop.training.batch.cancelled.v1"]["aggregate_version"] == 2
    assert events["sipelkop.training.batch.closed.v1"]["data"]["realised_cost"] == 55_000_000
    assert events["sipelkop.training.batch.closed.v1"]["aggregate_version"] == 2
    assert (await admin.patch(url, json={"title": "Judul baru"})).status_code == 409
