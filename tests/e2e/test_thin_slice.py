"""The spine end to end over HTTP: batch → registration, enrolment → training and reporting, completion → reporting."""
import time

from tests.fixtures import factories
from tests.fixtures.services import wait_for


def test_a_batch_flows_from_scheduling_to_the_ministry_summary(stack):
    admin_training = stack.client("training", "admin")
    trainer = stack.client("training", "trainer", subject="pelatih-1")
    officer = stack.client("registration", "district_officer", "64.02")
    viewer = stack.client("reporting", "viewer")

    created = admin_training.post("/api/v1/batches", json=factories.batch(trainers=["pelatih-1"], days=2))
    assert created.status_code == 201, created.text
    batch = created.json()
    assert [s["number"] for s in batch["sessions"]] == [1, 2]

    # BatchScheduled reaches registration's replica.
    wait_for(lambda: any(b["id"] == batch["id"] for b in officer.get("/api/v1/batches").json()),
             message="batch in registration")

    started = time.monotonic()
    participant_ids = []
    for _ in range(3):
        coop = officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02"))
        assert coop.status_code == 201, coop.text
        person = officer.post("/api/v1/participants", json=factories.participant(coop.json()["id"]))
        assert person.status_code == 201, person.text
        enrol = officer.post("/api/v1/enrollments", json={"batch_id": batch["id"],
                                                          "participant_id": person.json()["id"]})
        assert enrol.status_code == 201 and enrol.json()["status"] == "enrolled", enrol.text
        participant_ids.append(person.json()["id"])

    # ParticipantEnrolled reaches training's roster and reporting.
    roster = wait_for(lambda: (r := trainer.get(f"/api/v1/batches/{batch['id']}/roster").json()) and len(r) == 3 and r,
                      message="roster of 3")
    assert sorted(e["participant_id"] for e in roster) == sorted(participant_ids)
    wait_for(lambda: viewer.get("/api/v1/reports/summary").json()["participants_enrolled"] == 3,
             message="3 enrolled in reporting")
    print(f"enrolment to roster and report: {time.monotonic() - started:.2f}s for 3 participants")

    # Day 1 everybody present; day 2 one is absent.
    for no, absent in ((1, None), (2, participant_ids[0])):
        marks = [{"participant_id": p, "status": "alpa" if p == absent else "hadir"} for p in participant_ids]
        # Marked on the day (the batch lies in the future: the mark carries its business time).
        day = batch["sessions"][no - 1]["date"]
        marked = trainer.put(f"/api/v1/batches/{batch['id']}/sessions/{no}/attendance",
                             json={"marks": marks, "recorded_at": f"{day}T09:00:00+08:00"})
        assert marked.status_code == 200, marked.text
        done = trainer.post(f"/api/v1/batches/{batch['id']}/sessions/{no}/complete")
        assert done.status_code == 200, done.text
    assert done.json()["batch_finished"] and done.json()["completed"] == 2

    summary = wait_for(lambda: (s := viewer.get("/api/v1/reports/summary").json())["participants_completed"] == 2 and s,
                       message="2 completed in reporting")
    assert summary["sessions_completed"] == 2
    assert summary["participants_not_completed"] == 1
    assert summary["cooperatives_trained"] == 2
    assert summary["attendance_rate"] == round(5 / 6, 4)
    assert summary["data_as_of"] is not None


def test_the_api_refuses_without_token_outside_role_and_outside_district(stack):
    anonymous = stack.client("registration", "viewer")
    anonymous.headers.pop("Authorization")
    assert anonymous.post("/api/v1/cooperatives", json={}).status_code == 401
    viewer = stack.client("registration", "viewer")
    assert viewer.post("/api/v1/cooperatives", json=factories.cooperative()).status_code == 403
    officer = stack.client("registration", "district_officer", "64.08")
    refused = officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02"))
    assert refused.status_code == 403 and refused.json()["error"]["fields"][0]["field"] == "district_code"
    bad = officer.post("/api/v1/cooperatives", content=b"{not json", headers={"content-type": "application/json"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_failed"
