"""A batch's agenda over real PostgreSQL: sessions added, edited and removed with JP and narasumber; the one-per-day
default replaced; every bad input refused with the field named and nothing written."""
from datetime import date, timedelta

from tests.fixtures import factories
from tests.fixtures.tokens import test_token
from tests.integration.training.conftest import day_at, scheduled

NIP = "198503152010011002"


def officer(training, district: str = "64.02"):
    client = training.client(None)
    client.headers["Authorization"] = f"Bearer {test_token(role='district_officer', subject='petugas', district=district)}"
    return client


def on(batch: dict, day_no: int) -> str:
    return (date.fromisoformat(batch["start_date"]) + timedelta(days=day_no - 1)).isoformat()


def session_body(batch: dict, day_no: int = 1, start: str = "08:00", end: str = "09:30", **overrides) -> dict:
    return {"date": on(batch, day_no), "start_time": start, "end_time": end, "topic": "Literasi digital koperasi",
            **overrides}


async def narasumber(training, name: str = "Dr. Siti Rahmawati, M.M.", **overrides) -> dict:
    n = overrides.pop("n", 1)
    body = {"name": name, "institution": "Universitas Mulawarman", "nik": f"64020115078{n:05d}",
            "rate_per_jp": 900_000, **overrides}
    created = await training.client().post("/api/v1/trainers", json=body)
    assert created.status_code == 201, created.text
    return created.json()


async def test_a_batch_without_an_agenda_keeps_one_session_per_day_with_its_jp(training):
    batch, _ = await scheduled(training, days=3)
    assert batch["agenda"] == "daily" and batch["total_jp"] == 30
    sessions = (await training.client().get(f"/api/v1/batches/{batch['id']}/sessions")).json()
    assert [(s["no"], s["date"], s["start_time"], s["end_time"], s["jp"]) for s in sessions] == [
        (n, on(batch, n), "08:00:00", "16:00:00", 10) for n in (1, 2, 3)]


async def test_the_agenda_replaces_the_default_sessions_and_lists_in_time_order(training):
    batch, _ = await scheduled(training, days=3)
    speaker = await narasumber(training)
    admin, url = training.client(), f"/api/v1/batches/{batch['id']}/sessions"
    first = await admin.post(url, json=session_body(batch, 1, "09:45", "12:00", trainer_id=speaker["id"]))
    assert first.status_code == 201, first.text
    assert (first.json()["no"], first.json()["jp"], first.json()["trainer_name"]) == (1, 3, speaker["name"])
    assert [s["no"] for s in (await admin.get(url)).json()] == [1]  # the three generated days are gone
    second = await admin.post(url, json=session_body(batch, 1, "08:00", "09:30", topic="Pembukaan"))
    third = await admin.post(url, json=session_body(batch, 3, "13:00", "13:30", jp=1, topic="Penutupan"))
    assert (second.json()["no"], second.json()["jp"]) == (2, 2)
    assert (third.json()["jp"], third.json()["jp_set"]) == (1, True)  # shorter than a JP: given by hand
    listed = (await admin.get(url)).json()
    assert [(s["no"], s["date"], s["start_time"]) for s in listed] == [
        (2, on(batch, 1), "08:00:00"), (1, on(batch, 1), "09:45:00"), (3, on(batch, 3), "13:00:00")]
    detail = (await admin.get(f"/api/v1/batches/{batch['id']}")).json()
    assert (detail["agenda"], detail["total_jp"]) == ("built", 6)

    edited = await admin.patch(f"{url}/1", json={"end_time": "12:15", "topic": "Pemasaran digital"})
    assert (edited.json()["jp"], edited.json()["topic"]) == (3, "Pemasaran digital")
    moved = await admin.patch(f"{url}/2", json={"date": on(batch, 2)})
    assert moved.status_code == 200 and moved.json()["date"] == on(batch, 2)
    assert (await admin.delete(f"{url}/3")).status_code == 204
    assert [s["no"] for s in (await admin.get(url)).json()] == [1, 2]
    again = await admin.post(url, json=session_body(batch, 3))
    assert again.json()["no"] == 3  # the number after the highest (3 was removed before any attendance)

    counts = [e["data"]["session_count"] for e in await training.outbox("sipelkop.training.batch.updated.v1")]
    assert counts == [1, 2, 3, 2, 3]  # each change of the number of sessions is a new version of the batch
    for event in await training.outbox():
        assert "nik" not in str(event["data"]) and speaker["name"] not in str(event["data"])


async def test_bad_sessions_are_refused_naming_the_field_and_nothing_is_written(training):
    batch, _ = await scheduled(training, days=2)
    admin, url = training.client(), f"/api/v1/batches/{batch['id']}/sessions"
    assert (await admin.post(url, json=session_body(batch, 1, "08:00", "10:00"))).status_code == 201
    before, events = (await admin.get(url)).json(), len(await training.outbox())
    after_end = (date.fromisoformat(batch["end_date"]) + timedelta(days=1)).isoformat()
    for body, status, field in (
            (session_body(batch, 1, "09:00", "11:00"), 409, "start_time"),  # overlaps 08:00-10:00
            ({**session_body(batch), "date": after_end}, 422, "date"),
            (session_body(batch, 2, "11:00", "10:00"), 422, "end_time"),
            (session_body(batch, 2, "10:00", "10:30"), 422, "jp"),  # 30 minutes, no JP given
            (session_body(batch, 2, jp=0), 422, "jp"),
            (session_body(batch, 2, jp=-1), 422, "jp"),
            (session_body(batch, 2, trainer_id="00000000-0000-4000-8000-000000000000"), 422, "trainer_id"),
            (session_body(batch, 2, topic=""), 422, "topic")):
        refused = await admin.post(url, json=body)
        assert refused.status_code == status, (body, refused.text)
        assert field in [f["field"] for f in refused.json()["error"]["fields"]], refused.text
        assert refused.json()["error"]["message"]  # in Bahasa, e.g. "Sesi bertabrakan dengan sesi 1 ..."
    assert (await admin.patch(f"{url}/1", json={"end_time": "07:00"})).status_code == 422
    assert (await admin.get(url)).json() == before and len(await training.outbox()) == events


async def test_a_narasumber_cannot_teach_two_sessions_at_the_same_time_across_batches(training):
    one, _ = await scheduled(training, days=1)
    other, _ = await scheduled(training, days=1)
    speaker = await narasumber(training)
    admin = training.client()
    assert (await admin.post(f"/api/v1/batches/{one['id']}/sessions",
                             json=session_body(one, 1, "08:00", "10:00", trainer_id=speaker["id"]))).status_code == 201
    clash = await admin.post(f"/api/v1/batches/{other['id']}/sessions",
                             json=session_body(other, 1, "09:00", "11:00", trainer_id=speaker["id"]))
    assert clash.status_code == 409 and clash.json()["error"]["fields"][0]["field"] == "trainer_id"
    assert one["code"] in clash.json()["error"]["message"]
    later = await admin.post(f"/api/v1/batches/{other['id']}/sessions",
                             json=session_body(other, 1, "10:00", "12:00", trainer_id=speaker["id"]))
    assert later.status_code == 201
    moved_into = await admin.patch(f"/api/v1/batches/{other['id']}/sessions/1", json={"start_time": "09:30"})
    assert moved_into.status_code == 409
    # A cancelled batch frees its narasumber.
    await admin.post(f"/api/v1/batches/{one['id']}/cancel", json={"reason": "banjir"})
    assert (await admin.patch(f"/api/v1/batches/{other['id']}/sessions/1",
                              json={"start_time": "09:30"})).status_code == 200


async def test_a_session_with_attendance_cannot_be_rescheduled_or_removed(training):
    batch, people = await scheduled(training, days=3, participants=1)
    admin, url = training.client(), f"/api/v1/batches/{batch['id']}/sessions"
    marked = await admin.put(f"{url}/1/attendance", json={
        "marks": [{"participant_id": people[0]["participant_id"], "status": "hadir"}], "recorded_at": day_at(batch, 1)})
    assert marked.status_code == 200
    assert (await admin.delete(f"{url}/1")).status_code == 409
    refused = await admin.patch(f"{url}/1", json={"start_time": "09:00"})
    assert refused.status_code == 409 and refused.json()["error"]["fields"][0]["field"] == "start_time"
    assert (await admin.patch(f"{url}/1", json={"topic": "Pembukaan dan literasi"})).status_code == 200
    # The first session added keeps the marked default day and replaces the other two.
    added = await admin.post(url, json=session_body(batch, 2, "08:00", "09:30"))
    assert added.status_code == 201 and added.json()["no"] == 2
    assert [s["no"] for s in (await admin.get(url)).json()] == [1, 2]
    assert (await admin.post(url, json=session_body(batch, 1, "13:00", "14:30"))).status_code == 409
    assert (await admin.delete(f"{url}/2")).status_code == 204
    last = await admin.delete(f"{url}/1")
    assert last.status_code == 409


async def test_a_batch_can_be_created_with_its_agenda_and_moves_with_it(training):
    admin = training.client()
    body = factories.batch(start_in_days=20, days=3, trainers=["pelatih-1"])
    start = date.fromisoformat(body["start_date"])
    day = [(start + timedelta(days=n)).isoformat() for n in range(3)]
    agenda = [{"date": day[0], "start_time": "09:45", "end_time": "12:00", "topic": "Digitalisasi"},
              {"date": day[0], "start_time": "08:00", "end_time": "09:30", "topic": "Pembukaan"},
              {"date": day[2], "start_time": "13:00", "end_time": "15:15", "topic": "Rencana tindak lanjut"}]
    overlapping = [*agenda, {"date": day[0], "start_time": "11:00", "end_time": "12:30", "topic": "Tabrakan"}]
    refused = await admin.post("/api/v1/batches", json={**body, "sessions": overlapping})
    assert refused.status_code == 409 and refused.json()["error"]["fields"][0]["field"] == "sessions.3.start_time"
    outside = [*agenda, {"date": (start + timedelta(days=5)).isoformat(), "start_time": "08:00",
                         "end_time": "09:00", "topic": "Di luar"}]
    bad = await admin.post("/api/v1/batches", json={**body, "sessions": outside})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "sessions.3.date"
    assert await training.outbox("sipelkop.training.batch.scheduled.v1") == []  # nothing written

    created = await admin.post("/api/v1/batches", json={**body, "sessions": agenda})
    assert created.status_code == 201, created.text
    batch = created.json()
    assert [(s["no"], s["topic"], s["jp"]) for s in batch["sessions"]] == [
        (1, "Pembukaan", 2), (2, "Digitalisasi", 3), (3, "Rencana tindak lanjut", 3)]
    assert (batch["agenda"], batch["total_jp"]) == ("built", 8)
    scheduled_event = (await training.outbox("sipelkop.training.batch.scheduled.v1"))[0]
    assert scheduled_event["data"]["session_count"] == 3

    later = start + timedelta(days=7)
    moved = await admin.patch(f"/api/v1/batches/{batch['id']}", json={
        "start_date": later.isoformat(), "end_date": (later + timedelta(days=2)).isoformat()})
    assert moved.status_code == 200, moved.text
    assert [(s["no"], s["date"]) for s in moved.json()["sessions"]] == [
        (1, later.isoformat()), (2, later.isoformat()), (3, (later + timedelta(days=2)).isoformat())]
    shorter = await admin.patch(f"/api/v1/batches/{batch['id']}", json={"end_date": later.isoformat()})
    assert shorter.status_code == 409 and "Sesi 3" in shorter.json()["error"]["message"]


async def test_who_may_touch_the_agenda(training):
    batch, _ = await scheduled(training, days=1)
    url = f"/api/v1/batches/{batch['id']}/sessions"
    staff = training.client("training_staff")
    assert (await staff.post(url, json=session_body(batch))).status_code == 201
    for client in (training.client("trainer", "pelatih-1"), officer(training), training.client("viewer")):
        refused = await client.post(url, json=session_body(batch, 1, "10:00", "11:30"))
        assert refused.status_code == 403 and refused.json()["error"]["message"].startswith("Peran")
        assert (await client.delete(f"{url}/1")).status_code == 403
        assert (await client.patch(f"{url}/1", json={"topic": "Lain"})).status_code == 403
    assert (await officer(training).get(url)).status_code == 403
    assert (await training.client("viewer").get(url)).status_code == 403
    assert (await training.client("trainer", "pelatih-1").get(url)).status_code == 200
    assert (await training.client("trainer", "pelatih-9").get(url)).status_code == 403


async def test_a_trainer_linked_to_a_narasumber_sees_the_batches_where_they_teach(training):
    batch, people = await scheduled(training, days=1, participants=1)
    hidden, _ = await scheduled(training, days=1)
    account = await training.trainer_account()
    speaker = await narasumber(training, account_id=account)
    own = training.client("trainer", account)
    assert batch["id"] not in [b["id"] for b in (await own.get("/api/v1/batches")).json()]
    assert (await own.get(f"/api/v1/batches/{batch['id']}")).status_code == 403
    admin, url = training.client(), f"/api/v1/batches/{batch['id']}/sessions"
    await admin.post(url, json=session_body(batch, 1, "08:00", "10:00", trainer_id=speaker["id"]))
    assert [b["id"] for b in (await own.get("/api/v1/batches")).json()] == [batch["id"]]
    assert (await own.get(f"/api/v1/batches/{batch['id']}")).status_code == 200
    assert (await own.get(f"/api/v1/batches/{hidden['id']}")).status_code == 403
    marks = {"marks": [{"participant_id": people[0]["participant_id"], "status": "hadir"}],
             "recorded_at": day_at(batch, 1)}
    assert (await own.put(f"{url}/1/attendance", json=marks)).status_code == 200
    # Unlinking the account (or taking the narasumber off the session) takes the batch away again.
    assert (await admin.patch(f"/api/v1/trainers/{speaker['id']}", json={"account_id": None})).status_code == 200
    assert (await own.get(f"/api/v1/batches/{batch['id']}")).status_code == 403


async def test_moving_a_built_agenda_keeps_its_narasumber_in_one_place(training):
    admin = training.client()
    speaker = await narasumber(training)
    first = (await admin.post("/api/v1/batches", json=factories.batch(start_in_days=10, days=1))).json()
    second = (await admin.post("/api/v1/batches", json=factories.batch(start_in_days=20, days=1))).json()
    for batch in (first, second):
        added = await admin.post(f"/api/v1/batches/{batch['id']}/sessions",
                                 json=session_body(batch, 1, "08:00", "10:00", trainer_id=speaker["id"]))
        assert added.status_code == 201, added.text
    onto_first = await admin.patch(f"/api/v1/batches/{second['id']}", json={
        "start_date": first["start_date"], "end_date": first["end_date"]})
    assert onto_first.status_code == 409 and onto_first.json()["error"]["fields"][0]["field"] == "start_date"
    assert first["code"] in onto_first.json()["error"]["message"]
    assert (await admin.get(f"/api/v1/batches/{second['id']}")).json()["start_date"] == second["start_date"]
