"""Day one over the real broker: training staff replace a no-show in registration, and training's roster (fed only
by registration's EnrollmentCancelled and ParticipantEnrolled) shows the substitute and no longer the no-show; a
walk-in takes the one free seat; both rosters agree."""
from datetime import timedelta

from shared.clock import business_today
from tests.e2e.registration.conftest import schedule_batch
from tests.fixtures import factories
from tests.fixtures.services import wait_for


def test_a_no_show_replaced_on_day_one_leaves_training_s_roster_and_the_substitute_joins(reg_stack):
    batch = schedule_batch(reg_stack, start_in_days=20, days=2, capacity=4)
    officer = reg_stack.client("registration", "district_officer", "64.02")
    staff = reg_stack.client("registration", "training_staff", subject="staf-uptd")
    training = reg_stack.client("training", "admin")
    coop = officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02")).json()["id"]
    people = [officer.post("/api/v1/participants", json=factories.participant(coop, "64.02")).json()
              for _ in range(5)]
    nominated = [officer.post("/api/v1/enrollments", json={"batch_id": batch["id"], "participant_id": p["id"]})
                 .json() for p in people[:3]]
    assert [n["status"] for n in nominated] == ["enrolled"] * 3

    def roster():
        return {e["full_name"] for e in training.get(f"/api/v1/batches/{batch['id']}/roster").json()}

    wait_for(lambda: len(roster()) == 3, message="three on training's roster")
    today = business_today()  # the batch starts today in WITA, as training's PATCH moves it
    moved = training.patch(f"/api/v1/batches/{batch['id']}", json={
        "start_date": today.isoformat(), "end_date": (today + timedelta(days=1)).isoformat()})
    assert moved.status_code == 200, moved.text
    wait_for(lambda: officer.get(f"/api/v1/batches/{batch['id']}").json()["start_date"] == today.isoformat(),
             message="registration learns the new dates")
    late = officer.post(f"/api/v1/batches/{batch['id']}/substitutions", json={
        "replaced_enrollment_id": nominated[0]["id"], "participant_id": people[3]["id"], "reason": "tidak hadir"})
    assert late.status_code == 403 and "staf pelatihan UPTD" in late.text

    no_show, substitute, walk_in = people[0], people[3], people[4]
    replaced = staff.post(f"/api/v1/batches/{batch['id']}/substitutions", json={
        "replaced_enrollment_id": nominated[0]["id"], "participant_id": substitute["id"],
        "reason": "tidak hadir pada hari pertama"})
    assert replaced.status_code == 201, replaced.text
    walked = staff.post(f"/api/v1/batches/{batch['id']}/substitutions", json={
        "replaced_enrollment_id": None, "participant_id": walk_in["id"], "reason": "datang langsung"})
    assert walked.status_code == 201, walked.text

    expected = {p["full_name"] for p in (people[1], people[2], substitute, walk_in)}
    names = wait_for(lambda: (n := roster()) == expected and n, message="substitute and walk-in on the roster")
    assert no_show["full_name"] not in names
    registration_side = {e["full_name"] for e in officer.get("/api/v1/enrollments", params={
        "batch_id": batch["id"], "status": "enrolled"}).json()}
    assert registration_side == names  # both rosters agree
    seats = officer.get(f"/api/v1/batches/{batch['id']}").json()
    assert (seats["seats_taken"], seats["seats_left"]) == (4, 0)
