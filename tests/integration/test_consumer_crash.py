"""Reporting is SIGKILLed while events stream in and started again: no event missing, none applied twice."""
import threading


from tests.fixtures import factories
from tests.fixtures.services import wait_for

UNITS = 45  # each: a cooperative, a manager, an enrolment



def enrol_units(stack, batch_id: str, count: int, accepted: list) -> None:
    officer = stack.client("registration", "district_officer", "64.08")
    for _ in range(count):
        coop = officer.post("/api/v1/cooperatives", json=factories.cooperative("64.08"))
        person = officer.post("/api/v1/participants", json=factories.participant(coop.json()["id"], "64.08"))
        enrolled = officer.post("/api/v1/enrollments", json={"batch_id": batch_id,
                                                             "participant_id": person.json()["id"]})
        assert enrolled.status_code == 201, enrolled.text
        accepted.append(enrolled.json()["id"])


def test_reporting_killed_mid_stream_loses_and_doubles_nothing(stack):
    admin = stack.client("training", "admin")
    batch = admin.post("/api/v1/batches", json=factories.batch(capacity=500)).json()
    officer = stack.client("registration", "district_officer", "64.08")
    wait_for(lambda: any(b["id"] == batch["id"] for b in officer.get("/api/v1/batches").json()),
             message="batch replicated")
    viewer = stack.client("reporting", "viewer")
    reporting = stack["reporting"]

    accepted: list[str] = []
    writer = threading.Thread(target=enrol_units, args=(stack, batch["id"], UNITS, accepted))
    writer.start()
    wait_for(lambda: viewer.get("/api/v1/reports/summary").json()["participants_enrolled"] >= 5,
             message="reporting consuming")
    kills = 0
    for _ in range(2):  # killed twice while the writer keeps going
        reporting.kill()
        kills += 1
        wait_for(lambda: len(accepted) >= 15 * kills, timeout=120, message="writes while reporting is down")
        reporting.start()
    writer.join(180)
    assert len(accepted) == UNITS

    summary = wait_for(lambda: (s := viewer.get("/api/v1/reports/summary").json())["participants_enrolled"] == UNITS
                       and s, timeout=90, message=f"{UNITS} enrolled in reporting")
    # Exactly once: one batch, UNITS cooperatives, UNITS enrolments and nothing more.
    assert summary["events_applied"] == 1 + 2 * UNITS
    assert reporting.starts == 1 + kills
    print(f"\nconsumer crash: {UNITS * 3} requests accepted, {kills} kills survived, "
          f"{summary['events_applied']} events applied, differences 0")
