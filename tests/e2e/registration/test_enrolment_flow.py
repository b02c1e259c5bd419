"""A district office's day over HTTP: 30 managers registered and nominated, a cancellation promoting the first in
line all the way to training's roster."""
import time

from tests.e2e.registration.conftest import schedule_batch
from tests.fixtures import factories
from tests.fixtures.services import wait_for


def test_thirty_nominations_fill_a_batch_and_a_cancellation_promotes_the_first_in_line_onto_the_roster(reg_stack):
    batch = schedule_batch(reg_stack, capacity=30)
    trainer_view = reg_stack.client("training", "admin")
    officers = {d: reg_stack.client("registration", "district_officer", d) for d in ("64.02", "64.08", "64.09")}
    cooperatives = {d: officers[d].post("/api/v1/cooperatives", json=factories.cooperative(d)).json()["id"]
                    for d in officers}

    started, enrolling = time.perf_counter(), 0.0
    answers = []
    for n in range(31):
        district = ("64.02", "64.08", "64.09")[n % 3]
        person = officers[district].post("/api/v1/participants",
                                         json=factories.participant(cooperatives[district], district))
        assert person.status_code == 201, person.text
        before = time.perf_counter()
        answer = officers[district].post("/api/v1/enrollments", json={"batch_id": batch["id"],
                                                                      "participant_id": person.json()["id"]})
        enrolling += time.perf_counter() - before
        assert answer.status_code == 201, answer.text
        answers.append({**answer.json(), "full_name": person.json()["full_name"]})
    took = time.perf_counter() - started
    print(f"31 managers registered and nominated (30 enrolled, 1 waitlisted) through the API in {took:.2f}s, "
          f"of which the 31 nominations took {enrolling:.2f}s")

    assert [a["status"] for a in answers] == ["enrolled"] * 30 + ["waitlisted"]
    assert answers[30]["waitlist_position"] == 1
    seats = officers["64.02"].get(f"/api/v1/batches/{batch['id']}").json()
    assert (seats["seats_left"], seats["waitlisted"]) == (0, 1)
    wait_for(lambda: len(trainer_view.get(f"/api/v1/batches/{batch['id']}/roster").json()) == 30,
             message="30 on training's roster")

    gone = answers[0]
    cancelled = officers["64.02"].post(f"/api/v1/enrollments/{gone['id']}/cancel", json={"reason": "sakit"})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["promoted"]["id"] == answers[30]["id"]

    def roster_names():
        return {e["full_name"] for e in trainer_view.get(f"/api/v1/batches/{batch['id']}/roster").json()}

    names = wait_for(lambda: (n := roster_names()) and answers[30]["full_name"] in n and gone["full_name"] not in n
                     and n, message="promotion reaches the roster")
    assert len(names) == 30
