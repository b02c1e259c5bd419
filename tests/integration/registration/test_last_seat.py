"""Many officers press "daftarkan" for the last seat at once: PostgreSQL's row lock on the batch gives it to one."""
import asyncio

from tests.fixtures import factories

SIMULTANEOUS = 20


async def test_simultaneous_nominations_for_the_last_seat_never_overbook(registration):
    admin = registration.client("admin")
    batch = await registration.schedule_batch(capacity=1, eligible_districts=["64.02", "64.08"])
    people = []
    for district in ("64.02", "64.08"):
        coop = (await admin.post("/api/v1/cooperatives", json=factories.cooperative(district))).json()
        for _ in range(SIMULTANEOUS // 2):
            people.append((await admin.post("/api/v1/participants",
                                             json=factories.participant(coop["id"], district))).json())
    officers = {d: registration.client("district_officer", d) for d in ("64.02", "64.08")}

    # Each request runs in its own session and connection, all in flight together.
    answers = await asyncio.gather(*[
        officers[p["district_code"]].post("/api/v1/enrollments", json={"batch_id": batch["id"],
                                                                       "participant_id": p["id"]})
        for p in people])

    assert [a.status_code for a in answers] == [201] * SIMULTANEOUS
    statuses = [a.json()["status"] for a in answers]
    assert statuses.count("enrolled") == 1 and statuses.count("waitlisted") == SIMULTANEOUS - 1
    assert sorted(a.json()["waitlist_position"] for a in answers if a.json()["status"] == "waitlisted") == \
        list(range(1, SIMULTANEOUS))
    seats = (await admin.get(f"/api/v1/batches/{batch['id']}")).json()
    assert (seats["seats_taken"], seats["seats_left"], seats["waitlisted"]) == (1, 0, SIMULTANEOUS - 1)
    print(f"{SIMULTANEOUS} simultaneous nominations for 1 seat: {statuses.count('enrolled')} enrolled, "
          f"{statuses.count('waitlisted')} waitlisted")


async def test_one_person_registered_twice_at_once_is_still_one_person(registration):
    officer = registration.client("district_officer", "64.02")
    coop = (await officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02"))).json()
    body = factories.participant(coop["id"])
    answers = await asyncio.gather(*[officer.post("/api/v1/participants", json=body) for _ in range(5)])
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 200, 201]
    assert len({a.json()["id"] for a in answers}) == 1
