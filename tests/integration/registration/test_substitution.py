"""Day-one substitution over real PostgreSQL: the seat passes from the no-show to the substitute in one transaction
(cancelled with its reason, the substitute enrolled, the count unchanged), refusals write nothing, and two requests
for the last seat never overbook."""
import asyncio
from datetime import timedelta

from services.registration.service_layer import audit, audit_wording
from shared.clock import business_today
from tests.fixtures import factories

REASON = "tidak hadir pada hari pertama"


async def people(admin, district: str, n: int) -> list[dict]:
    coop = (await admin.post("/api/v1/cooperatives", json=factories.cooperative(district))).json()
    return [(await admin.post("/api/v1/participants", json=factories.participant(coop["id"], district))).json()
            for _ in range(n)]


async def batch_started(registration, admin, enrol: list[dict], *, capacity: int, days_ago: int = 0, **terms) -> dict:
    """Nominate while the batch lies ahead, then move it (as training's BatchUpdated would) to have started."""
    batch = await registration.schedule_batch(capacity=capacity, eligible_districts=["64.02", "64.08"], **terms)
    for person in enrol:
        made = await admin.post("/api/v1/enrollments", json={"batch_id": batch["id"], "participant_id": person["id"]})
        assert made.status_code == 201 and made.json()["status"] == "enrolled", made.text
    start = business_today() - timedelta(days=days_ago)
    await registration.update_batch(batch, 2, start_date=start.isoformat(),
                                    end_date=(start + timedelta(days=2)).isoformat())
    return batch


async def snapshot(registration, admin, batch) -> tuple:
    rows = (await admin.get("/api/v1/enrollments", params={"batch_id": batch["id"]})).json()
    return len(await registration.events()), sorted((r["id"], r["status"]) for r in rows)


async def test_staff_replace_a_no_show_on_day_one_and_the_seat_passes_on(registration):
    admin, staff = registration.client("admin"), registration.client("training_staff", subject="staf-uptd")
    no_show, present = (await people(admin, "64.02", 1))[0], (await people(admin, "64.08", 1))[0]
    substitute = (await people(admin, "64.02", 1))[0]
    batch = await batch_started(registration, admin, [no_show, present], capacity=2, district_quotas={"64.02": 1})
    replaced_id = (await admin.get("/api/v1/enrollments", params={"participant_id": no_show["id"]})).json()[0]["id"]

    answer = await staff.post(f"/api/v1/batches/{batch['id']}/substitutions", json={
        "replaced_enrollment_id": replaced_id, "participant_id": substitute["id"], "reason": REASON})

    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["status"], body["participant_id"]) == ("enrolled", substitute["id"])
    assert (body["replaced"]["id"], body["replaced"]["status"], body["replaced"]["version"]) == \
        (replaced_id, "cancelled", 2)
    seats = (await admin.get(f"/api/v1/batches/{batch['id']}")).json()
    assert (seats["seats_taken"], seats["seats_left"], seats["district_seats_left"]) == (2, 0, {"64.02": 0})
    cancelled = await registration.events(replaced_id, "enrollment.cancelled.v1")
    assert [(e["data"]["reason"], e["aggregate_version"]) for e in cancelled] == [(REASON, 2)]
    enrolled = await registration.events(body["id"], "participant.enrolled.v1")
    assert [(e["data"]["participant_id"], e["data"]["full_name"]) for e in enrolled] == \
        [(substitute["id"], substitute["full_name"])]
    trail = (await admin.get("/api/v1/audit", params={"entity_id": body["id"]})).json()["items"]
    assert [(t["action"], t["actor"], t["role"], t["note"]) for t in trail] == \
        [("substituted", "staf-uptd", "training_staff", REASON)]
    assert trail[0]["changes"]["participant_id"] == [no_show["id"], substitute["id"]]
    async with registration.runtime.uow() as uow:  # the audit page's sentence: both names looked up
        rows, _ = await audit.list_entries(uow.session, entity_id=body["id"])
        sentences = [r["sentence"] for r in audit_wording.readable(rows, await audit_wording.names_for(uow.session,
                                                                                                         rows))]
    assert sentences == [f"mengganti {no_show['full_name']} dengan {substitute['full_name']} di angkatan "
                         f"{batch['code']}: alasan {REASON}"]
    old = (await admin.get("/api/v1/audit", params={"entity_id": replaced_id})).json()["items"]
    assert ("cancelled", REASON) in [(t["action"], t["note"]) for t in old]


async def test_a_walk_in_takes_a_free_seat_of_an_eligible_district(registration):
    admin, staff = registration.client("admin"), registration.client("training_staff")
    first, walk_in = await people(admin, "64.08", 2)
    batch = await batch_started(registration, admin, [first], capacity=2)
    answer = await staff.post(f"/api/v1/batches/{batch['id']}/substitutions", json={
        "replaced_enrollment_id": None, "participant_id": walk_in["id"], "reason": "peserta langsung"})
    assert answer.status_code == 201 and answer.json()["replaced"] is None, answer.text
    assert (await admin.get(f"/api/v1/batches/{batch['id']}")).json()["seats_taken"] == 2
    assert len(await registration.events(answer.json()["id"], "participant.enrolled.v1")) == 1


async def test_refusals_name_the_rule_and_write_nothing(registration):
    admin, staff = registration.client("admin"), registration.client("training_staff")
    officer = registration.client("district_officer", "64.02")
    nominee, other_nominee = (await people(admin, "64.02", 1))[0], (await people(admin, "64.08", 1))[0]
    same, far, outside = (await people(admin, "64.02", 1))[0], (await people(admin, "64.08", 1))[0], \
        (await people(admin, "64.09", 1))[0]
    batch = await batch_started(registration, admin, [nominee, other_nominee], capacity=2)
    yesterday = await batch_started(registration, admin, [(await people(admin, "64.02", 1))[0]], capacity=2,
                                    days_ago=1)
    enrolments = {e["participant_id"]: e["id"] for e in
                  (await admin.get("/api/v1/enrollments", params={"batch_id": batch["id"]})).json()}
    late_id = (await admin.get("/api/v1/enrollments", params={"batch_id": yesterday["id"]})).json()[0]["id"]
    url = f"/api/v1/batches/{batch['id']}/substitutions"

    def replace(person, replaced=enrolments[nominee["id"]]):
        return {"replaced_enrollment_id": replaced, "participant_id": person["id"], "reason": REASON}

    cases = [
        (staff, url, replace(far), 409, "participant_id", "kabupaten/kota yang sama"),
        (staff, url, replace(other_nominee), 409, "participant_id", "kabupaten/kota yang sama"),
        (staff, url, replace(nominee, enrolments[other_nominee["id"]]), 409, "participant_id", "kabupaten/kota"),
        (staff, url, {**replace(same), "replaced_enrollment_id": None}, 409, "batch_id", "kursi kosong"),
        (staff, url, {**replace(outside), "replaced_enrollment_id": None}, 409, "participant_id", "tidak termasuk"),
        (officer, url, replace(same), 403, "batch_id", "staf pelatihan UPTD"),
        (staff, f"/api/v1/batches/{yesterday['id']}/substitutions", replace(same, late_id), 409, "batch_id",
         "akhir hari pertama"),
        (staff, url, replace(same, late_id), 404, "replaced_enrollment_id", "tidak ditemukan"),
        (staff, url, {**replace(same), "reason": ""}, 422, "reason", ""),
        (registration.client("trainer"), url, replace(same), 403, None, ""),
    ]
    before = await snapshot(registration, admin, batch)
    for client, target, body, status, field, words in cases:
        answer = await client.post(target, json=body)
        assert answer.status_code == status, (body, answer.text)
        error = answer.json()["error"]
        assert words in error["message"] or any(words in f["message"] for f in error["fields"]), answer.text
        if field:
            assert field in [f["field"] for f in error["fields"]], answer.text
    assert await snapshot(registration, admin, batch) == before


async def test_an_officer_substitutes_for_their_district_before_the_start(registration):
    admin, officer = registration.client("admin"), registration.client("district_officer", "64.02")
    nominee, substitute = await people(admin, "64.02", 2)
    batch = await registration.schedule_batch(capacity=1, eligible_districts=["64.02"])
    replaced = (await officer.post("/api/v1/enrollments", json={"batch_id": batch["id"],
                                                                "participant_id": nominee["id"]})).json()
    answer = await officer.post(f"/api/v1/batches/{batch['id']}/substitutions", json={
        "replaced_enrollment_id": replaced["id"], "participant_id": substitute["id"], "reason": "sakit"})
    assert answer.status_code == 201, answer.text
    other = registration.client("district_officer", "64.08")
    assert (await other.post(f"/api/v1/batches/{batch['id']}/substitutions", json={
        "replaced_enrollment_id": answer.json()["id"], "participant_id": nominee["id"], "reason": "x" * 3})
    ).status_code == 403


async def test_simultaneous_substitutions_and_walk_ins_for_the_last_seat_never_overbook(registration):
    admin, staff = registration.client("admin"), registration.client("training_staff")
    nominee, *candidates = await people(admin, "64.02", 7)
    batch = await batch_started(registration, admin, [nominee], capacity=2)
    replaced_id = (await admin.get("/api/v1/enrollments", params={"batch_id": batch["id"]})).json()[0]["id"]
    url = f"/api/v1/batches/{batch['id']}/substitutions"
    # One seat is free and one is the no-show's: three replacements of the same person and three walk-ins at once.
    answers = await asyncio.gather(*[
        staff.post(url, json={"replaced_enrollment_id": replaced_id if n % 2 else None,
                              "participant_id": person["id"], "reason": REASON})
        for n, person in enumerate(candidates)])
    codes = sorted(a.status_code for a in answers)
    assert codes == [201, 201, 409, 409, 409, 409], [a.text for a in answers]
    seats = (await admin.get(f"/api/v1/batches/{batch['id']}")).json()
    assert (seats["seats_taken"], seats["seats_left"]) == (2, 0)
    replaced_ok = [a for a in answers if a.status_code == 201 and a.json()["replaced"]]
    assert len(replaced_ok) == 1  # the no-show is replaced once
    assert len(await registration.events(replaced_id, "enrollment.cancelled.v1")) == 1
