"""Nominations through the API: each rule's refusal, the waiting list in order, promotion on cancellation."""
import uuid

from services.registration.service_layer import batches
from shared.events.envelope import Envelope
from shared.events.training import BatchCancelled
from tests.fixtures import factories


async def _people(client, district: str, n: int, **coop) -> list[dict]:
    cooperative = (await client.post("/api/v1/cooperatives", json=factories.cooperative(district, **coop))).json()
    people = []
    for _ in range(n):
        response = await client.post("/api/v1/participants",
                                      json=factories.participant(cooperative["id"], district))
        assert response.status_code == 201, response.text
        people.append(response.json())
    return people


async def _enrol(client, batch: dict, person: dict, **extra):
    return await client.post("/api/v1/enrollments", json={"batch_id": batch["id"], "participant_id": person["id"],
                                                          **extra})


async def test_each_rule_refuses_in_words_an_officer_understands(registration):
    kukar = registration.client("district_officer", "64.02")
    admin = registration.client("admin")
    batch = await registration.schedule_batch(capacity=5)
    (person,) = await _people(kukar, "64.02", 1)

    started = await registration.schedule_batch(start_in_days=0)
    refusal = await _enrol(kukar, started, person)
    assert refusal.status_code == 409 and "sudah dimulai" in refusal.json()["error"]["message"]

    cancelled = await registration.schedule_batch()
    async with registration.runtime.uow() as uow:
        event = BatchCancelled(batch_id=uuid.UUID(cancelled["id"]), reason="anggaran")
        await batches.apply_batch_cancelled(uow, Envelope.wrap(event, source="/t", subject=cancelled["id"],
                                                               aggregate_version=2), event)
        await uow.commit()
    assert "dibatalkan" in (await _enrol(kukar, cancelled, person)).json()["error"]["message"]

    samarinda = registration.client("district_officer", "64.72")
    (outsider,) = await _people(samarinda, "64.72", 1)
    refusal = await _enrol(samarinda, batch, outsider)
    assert refusal.status_code == 409 and "tidak termasuk" in refusal.json()["error"]["message"]

    (dormant,) = await _people(kukar, "64.02", 1, active=False)
    refusal = await _enrol(kukar, batch, dormant)
    assert refusal.status_code == 409 and "tidak aktif" in refusal.json()["error"]["message"]
    assert (await _enrol(kukar, batch, dormant, inactive_override=True)).status_code == 403
    assert (await _enrol(admin, batch, dormant, inactive_override=True)).json()["status"] == "enrolled"

    assert (await _enrol(kukar, batch, person)).json()["status"] == "enrolled"
    refusal = await _enrol(kukar, batch, person)
    assert refusal.status_code == 409 and "sudah terdaftar" in refusal.json()["error"]["message"]
    same_days = await registration.schedule_batch(code="DIG-SAMA")
    refusal = await _enrol(kukar, same_days, person)
    assert refusal.status_code == 409 and "DIG-" in refusal.json()["error"]["message"]

    kutim = registration.client("district_officer", "64.08")
    assert (await _enrol(kutim, batch, person)).status_code == 403
    assert (await _enrol(kukar, {"id": str(uuid.uuid4())}, person)).status_code == 404


async def test_a_full_batch_keeps_a_waiting_list_in_order_and_a_cancellation_promotes_the_first(registration):
    kukar = registration.client("district_officer", "64.02")
    batch = await registration.schedule_batch(capacity=2)
    people = await _people(kukar, "64.02", 5)
    answers = [(await _enrol(kukar, batch, p)).json() for p in people]
    assert [(a["status"], a["waitlist_position"]) for a in answers] == [
        ("enrolled", None), ("enrolled", None), ("waitlisted", 1), ("waitlisted", 2), ("waitlisted", 3)]
    seats = (await kukar.get(f"/api/v1/batches/{batch['id']}")).json()
    assert (seats["seats_taken"], seats["seats_left"], seats["waitlisted"]) == (2, 0, 3)

    # Cancelling a waiting nomination promotes nobody but moves the line up.
    waiting_cancel = await kukar.post(f"/api/v1/enrollments/{answers[3]['id']}/cancel", json={"reason": "sakit"})
    assert waiting_cancel.json()["status"] == "cancelled" and waiting_cancel.json()["promoted"] is None
    assert (await kukar.get(f"/api/v1/enrollments/{answers[4]['id']}")).json()["waitlist_position"] == 2

    cancelled = await kukar.post(f"/api/v1/enrollments/{answers[0]['id']}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["promoted"]["id"] == answers[2]["id"]
    assert cancelled.json()["promoted"]["status"] == "enrolled"
    assert (await kukar.get(f"/api/v1/enrollments/{answers[4]['id']}")).json()["waitlist_position"] == 1

    events = await registration.events(answers[2]["id"])
    assert [(e["type"].split(".")[-2], e["aggregate_version"]) for e in events] == [("waitlisted", 1),
                                                                                   ("enrolled", 2)]
    assert events[1]["data"]["full_name"] == people[2]["full_name"]
    gone = await registration.events(answers[0]["id"])
    assert [e["type"].split(".")[-2] for e in gone] == ["enrolled", "cancelled"] and gone[1]["aggregate_version"] == 2

    again = await kukar.post(f"/api/v1/enrollments/{answers[0]['id']}/cancel")
    assert again.status_code == 409 and "sudah dibatalkan" in again.json()["error"]["message"]
    assert (await registration.client("district_officer", "64.08").post(
        f"/api/v1/enrollments/{answers[1]['id']}/cancel")).status_code == 403
    listed = (await kukar.get("/api/v1/enrollments", params={"batch_id": batch["id"]})).json()
    assert {e["id"]: e["status"] for e in listed} == {
        answers[0]["id"]: "cancelled", answers[1]["id"]: "enrolled", answers[2]["id"]: "enrolled",
        answers[3]["id"]: "cancelled", answers[4]["id"]: "waitlisted"}


async def test_a_district_quota_waitlists_and_a_freed_seat_goes_to_the_first_who_fits(registration):
    ppu = registration.client("district_officer", "64.09")
    kukar = registration.client("district_officer", "64.02")
    batch = await registration.schedule_batch(capacity=3, district_quotas={"64.09": 1})
    ppu_people = await _people(ppu, "64.09", 2)
    kukar_people = await _people(kukar, "64.02", 3)
    first = (await _enrol(ppu, batch, ppu_people[0])).json()
    second = (await _enrol(ppu, batch, ppu_people[1])).json()
    assert second["status"] == "waitlisted"  # quota of 64.09 is full although seats are left
    seats = (await kukar.get(f"/api/v1/batches/{batch['id']}")).json()
    assert seats["seats_left"] == 2 and seats["district_seats_left"] == {"64.09": 0}
    k = [(await _enrol(kukar, batch, p)).json() for p in kukar_people]
    assert [e["status"] for e in k] == ["enrolled", "enrolled", "waitlisted"]

    # A Kukar seat frees: the PPU nomination is first in line but its quota is full, so Kukar's waits no longer.
    promoted = (await kukar.post(f"/api/v1/enrollments/{k[0]['id']}/cancel")).json()["promoted"]
    assert promoted["id"] == k[2]["id"]
    # Training raises the quota: the PPU nomination moves up by itself.
    await registration.update_batch(batch, 2, capacity=4, district_quotas={"64.09": 2})
    assert (await ppu.get(f"/api/v1/enrollments/{second['id']}")).json()["status"] == "enrolled"
    assert first["status"] == "enrolled"
