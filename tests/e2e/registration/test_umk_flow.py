"""A UMK owner over the running services: training opens a batch to UMK, registration seats the owner there and
refuses them from a cooperatives-only batch, training completes them, and reporting counts them apart: among the
participants, never among the cooperatives trained."""
from tests.e2e.registration.conftest import schedule_batch
from tests.fixtures import factories
from tests.fixtures.services import wait_for


def test_a_umk_owner_is_enrolled_where_umk_may_come_and_counted_apart_in_reporting(reg_stack):
    admin = reg_stack.client("training", "admin")
    trainer = reg_stack.client("training", "trainer", subject="pelatih-umk")
    officer = reg_stack.client("registration", "district_officer", "64.02")
    viewer = reg_stack.client("reporting", "viewer")
    programme = admin.post("/api/v1/programmes", json=factories.programme())
    assert programme.status_code == 201, programme.text
    pid = programme.json()["id"]
    open_to_umk = schedule_batch(reg_stack, eligibility="koperasi_dan_umk", programme_id=pid, days=1,
                                 trainers=["pelatih-umk"])
    assert open_to_umk["eligibility"] == "koperasi_dan_umk"
    cooperatives_only = schedule_batch(reg_stack, programme_id=pid, days=1)
    assert cooperatives_only["eligibility"] == "koperasi"

    body = factories.participant(None)
    body.pop("cooperative_id")
    owner = officer.post("/api/v1/participants", json={**body, "category": "pelaku_umk",
                                                       "business_name": "Kerupuk Ikan Pak Darto",
                                                       "nib": "9120001234567", "sector": "perikanan",
                                                       "district_code": "64.02"})
    assert owner.status_code == 201, owner.text
    coop = officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02")).json()
    manager = officer.post("/api/v1/participants", json=factories.participant(coop["id"])).json()

    refused = officer.post("/api/v1/enrollments", json={"batch_id": cooperatives_only["id"],
                                                         "participant_id": owner.json()["id"]})
    assert refused.status_code == 409 and "pelaku UMK" in refused.json()["error"]["message"]
    people = [owner.json()["id"], manager["id"]]
    for person in people:
        seated = officer.post("/api/v1/enrollments", json={"batch_id": open_to_umk["id"], "participant_id": person})
        assert seated.status_code == 201 and seated.json()["status"] == "enrolled", seated.text

    roster = wait_for(lambda: (r := trainer.get(f"/api/v1/batches/{open_to_umk['id']}/roster").json())
                      and len(r) == 2 and r, message="both on training's roster")
    by_person = {e["participant_id"]: e for e in roster}
    assert (by_person[people[0]]["category"], by_person[people[0]]["cooperative_name"]) == (
        "pelaku_umk", "Kerupuk Ikan Pak Darto")
    assert by_person[people[1]]["category"] == "pengurus_koperasi"
    closing = admin.patch(f"/api/v1/batches/{open_to_umk['id']}", json={"eligibility": "koperasi"})
    assert closing.status_code == 409 and "pelaku UMK" in closing.json()["error"]["message"]

    day = open_to_umk["sessions"][0]["date"]
    marked = trainer.put(f"/api/v1/batches/{open_to_umk['id']}/sessions/1/attendance",
                         json={"marks": [{"participant_id": p, "status": "hadir"} for p in people],
                               "recorded_at": f"{day}T09:00:00+08:00"})
    assert marked.status_code == 200, marked.text
    done = trainer.post(f"/api/v1/batches/{open_to_umk['id']}/sessions/1/complete")
    assert done.status_code == 200 and done.json()["completed"] == 2, done.text

    summary = wait_for(lambda: (s := viewer.get("/api/v1/reports/summary", params={"programme_id": pid}).json())
                       ["participants_completed"] == 2 and s, message="2 completed in reporting")
    assert (summary["umk_participants_enrolled"], summary["umk_participants_completed"]) == (1, 1)
    assert summary["participants_enrolled"] == 2  # the UMK owner is a participant
    assert summary["cooperatives_trained"] == 1  # but their business is no cooperative
    assert summary["progress"] == round(1 / 600, 4)
