"""What one enrolment costs the database (issue 19's profile): the cooperative is read once, with the participant,
and the event still names it."""
from __future__ import annotations

import contextlib
import re

from sqlalchemy import event

from tests.fixtures import factories


@contextlib.contextmanager
def statements(engine):
    """Every statement the engine sends while the block runs (the SQL text, as the driver gets it)."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany):
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


def reads_of(table: str, seen: list[str]) -> list[str]:
    return [s for s in seen
            if s.lstrip().upper().startswith("SELECT") and re.search(rf"\bFROM\b.*\b{table}\b", s, re.S)]


async def test_one_enrolment_reads_its_cooperative_once_and_its_event_names_it(registration):
    kukar = registration.client("district_officer", "64.02")
    batch = await registration.schedule_batch(capacity=1)
    cooperative = (await kukar.post("/api/v1/cooperatives", json=factories.cooperative("64.02"))).json()
    people = [(await kukar.post("/api/v1/participants", json=factories.participant(cooperative["id"], "64.02"))).json()
              for _ in range(2)]

    for person, status in zip(people, ["enrolled", "waitlisted"]):  # both ways a nomination is recorded
        with statements(registration.runtime.engine) as seen:
            answer = await kukar.post("/api/v1/enrollments",
                                      json={"batch_id": batch["id"], "participant_id": person["id"]})
        assert answer.status_code == 201 and answer.json()["status"] == status, answer.text
        assert len(reads_of("cooperatives", seen)) == 1, reads_of("cooperatives", seen)

    (enrolled,) = await registration.events(type_suffix="participant.enrolled.v1")
    assert enrolled["data"]["participant_id"] == people[0]["id"]
    assert enrolled["data"]["cooperative_name"] == cooperative["name"]
