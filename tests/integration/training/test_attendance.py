"""Marking a session: all or nothing, corrections with their trail, bad input refused, trainers scoped."""
from tests.integration.training.conftest import day_at, scheduled


def _marks(people, **exceptions):
    return [{"participant_id": p["participant_id"], "status": exceptions.get(p["participant_id"], "hadir")}
            for p in people]


async def test_a_correction_keeps_the_previous_value_who_and_both_times(training):
    batch, people = await scheduled(training, participants=3)
    trainer, admin = training.client("trainer", "pelatih-1"), training.client()
    url = f"/api/v1/batches/{batch['id']}/sessions/1"
    first = await trainer.put(f"{url}/attendance", json={"marks": _marks(people), "recorded_at": day_at(batch, 1, 8)})
    assert first.status_code == 200 and first.json()["corrections"] == 0
    late = people[0]["participant_id"]
    fixed = await admin.put(f"{url}/attendance", json={
        "marks": [{"participant_id": late, "status": "terlambat", "note": "datang 09.30"}],
        "recorded_at": day_at(batch, 1, 10)})
    assert fixed.status_code == 200 and fixed.json()["corrections"] == 1

    current = {m["participant_id"]: m for m in (await trainer.get(f"{url}/attendance")).json()}
    assert current[late]["status"] == "terlambat" and current[late]["recorded_by"] == "admin"
    assert current[late]["marked_at"].startswith(batch["start_date"])  # business time, as sent
    trail = (await trainer.get(f"{url}/corrections")).json()
    assert len(trail) == 1
    entry = trail[0]
    assert (entry["previous_status"], entry["previous_by"], entry["new_status"], entry["new_note"],
            entry["corrected_by"]) == ("hadir", "pelatih-1", "terlambat", "datang 09.30", "admin")
    assert entry["corrected_by_name"] == "Uji admin"  # the person's name as identity put it in the token
    assert entry["previous_marked_at"] < entry["marked_at"]  # 08:00 then 10:00 WITA on the day
    assert entry["corrected_at"] != entry["marked_at"]  # recorded time is the server's, kept apart

    recorded = await training.outbox("sipelkop.training.attendance.recorded.v1")
    corrected = await training.outbox("sipelkop.training.attendance.corrected.v1")
    assert len(recorded) == 1 and len(recorded[0]["data"]["marks"]) == 3 and not recorded[0]["data"]["correction"]
    assert corrected[0]["data"]["changes"] == [{"participant_id": late, "previous_status": "hadir",
                                                "status": "terlambat", "note": "datang 09.30"}]
    assert corrected[0]["aggregate_version"] > recorded[0]["aggregate_version"]
    # Re-sending the same sheet (a retry from a page that lost the answer) changes nothing.
    again = await admin.put(f"{url}/attendance", json={
        "marks": [{"participant_id": late, "status": "terlambat", "note": "datang 09.30"}],
        "recorded_at": day_at(batch, 1, 10)})
    assert again.json()["corrections"] == 0 and len(await training.outbox("sipelkop.training.attendance.corrected.v1")) == 1


async def test_bad_input_is_refused_naming_why_and_nothing_is_written(training):
    batch, people = await scheduled(training, participants=2)
    other, strangers = await scheduled(training, participants=1)
    trainer = training.client("trainer", "pelatih-1")
    base = f"/api/v1/batches/{batch['id']}/sessions"

    not_on_roster = await trainer.put(f"{base}/1/attendance", json={
        "marks": _marks(people) + _marks(strangers), "recorded_at": day_at(batch, 1)})
    assert not_on_roster.status_code == 422
    assert not_on_roster.json()["error"]["fields"] == [{"field": "marks.2.participant_id",
                                                        "message": "tidak ada di daftar peserta"}]
    bad_status = await trainer.put(f"{base}/1/attendance", json={
        "marks": [{"participant_id": people[0]["participant_id"], "status": "bolos"}]})
    assert bad_status.status_code == 422 and bad_status.json()["error"]["fields"][0]["field"] == "marks.0.status"
    no_such_session = await trainer.put(f"{base}/4/attendance", json={"marks": _marks(people)})
    assert no_such_session.status_code == 404 and no_such_session.json()["error"]["fields"][0]["field"] == "no"
    outside = await trainer.put(f"{base}/1/attendance", json={"marks": _marks(people),
                                                              "recorded_at": "2020-01-01T09:00:00+08:00"})
    assert outside.status_code == 422 and outside.json()["error"]["fields"][0]["field"] == "recorded_at"
    before_its_day = await trainer.put(f"{base}/3/attendance", json={"marks": _marks(people),
                                                                     "recorded_at": day_at(batch, 1)})
    assert before_its_day.status_code == 422 and "sebelum hari sesi" in before_its_day.text

    assert all(m["status"] is None for m in (await trainer.get(f"{base}/1/attendance")).json())
    assert await training.outbox("sipelkop.training.attendance.recorded.v1") == []

    assert (await trainer.post(f"{base}/1/complete")).status_code == 200
    closed = await trainer.put(f"{base}/1/attendance", json={"marks": _marks(people), "recorded_at": day_at(batch, 1)})
    assert closed.status_code == 409 and "sudah ditutup" in closed.json()["error"]["message"]


async def test_only_assigned_trainers_and_admins_see_and_mark_a_batch(training):
    batch, people = await scheduled(training, participants=2)
    body = {"marks": _marks(people), "recorded_at": day_at(batch, 1)}
    url = f"/api/v1/batches/{batch['id']}"
    stranger = training.client("trainer", "pelatih-lain")
    assert (await stranger.put(f"{url}/sessions/1/attendance", json=body)).status_code == 403
    assert (await stranger.get(f"{url}/roster")).status_code == 403
    assert (await stranger.post(f"{url}/sessions/1/complete")).status_code == 403
    assert [b["id"] for b in (await stranger.get("/api/v1/batches")).json()] == []
    assert (await training.client("viewer").get(f"{url}/roster")).status_code == 403
    assert (await training.client(None).get(f"{url}/roster")).status_code == 401
    assigned = training.client("trainer", "pelatih-1")
    assert [b["id"] for b in (await assigned.get("/api/v1/batches")).json()] == [batch["id"]]
    assert (await assigned.put(f"{url}/sessions/1/attendance", json=body)).status_code == 200
    assert (await training.client().put(f"{url}/sessions/2/attendance", json={
        "marks": _marks(people), "recorded_at": day_at(batch, 2)})).status_code == 200
