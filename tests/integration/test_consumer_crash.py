"""Reporting is SIGKILLed while events stream in and started again: no event missing, none applied twice, and the
events it had applied before the kill really come back from Kafka (and are dropped by the inbox)."""
import asyncio
import re
import subprocess
import threading

import httpx
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

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


def applied_events(reporting) -> int:
    """Events reporting's inbox holds as applied (its own database, read directly)."""
    url = reporting.env["REPORTING_DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
    answer = subprocess.run(["psql", url, "-tAc", "SELECT count(*) FROM inbox"], capture_output=True, text=True,
                            check=True)
    return int(answer.stdout.strip())


def duplicates(reporting) -> float:
    body = httpx.get(f"{reporting.url}/metrics", timeout=10).text
    found = re.findall(r"^sipelkop_consumer_duplicates_total(?:\{[^}]*\})? ([0-9.e+]+)$", body, re.M)
    return sum(float(v) for v in found)


async def rewind_group(bootstrap: str, prefix: str, group: str, options: dict) -> int:
    """Move the group's committed offsets back to the start of its topics, as a kill between the database commit
    and the offset commit leaves them (that window is milliseconds wide: a timed kill cannot aim at it). Waits until
    the coordinator has noticed that the killed member is gone (the group is empty); returns the partitions moved."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **options)
    await admin.start()
    try:
        for _ in range(240):
            [described] = await admin.describe_consumer_groups([group])
            state = described.groups[0][2]  # (error_code, group, state, ...)
            if state in ("Empty", "Dead"):
                break
            await asyncio.sleep(0.25)
        else:
            raise AssertionError(f"group {group} still has members 60 s after the kill: {state}")
        committed = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    partitions = [tp for tp in committed if tp.topic.startswith(prefix)]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False, **options)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.commit({tp: 0 for tp in partitions})
    finally:
        await consumer.stop()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **options)
    await admin.start()
    try:
        after = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    assert all(after[tp].offset == 0 for tp in partitions), after
    return len(partitions)


def test_reporting_killed_mid_stream_loses_and_doubles_nothing(stack, kafka, topic_prefix):
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

    # First kill: while the writer goes on, after reporting has applied some of the stream.
    wait_for(lambda: applied_events(reporting) >= 10, message="reporting applying events")
    reporting.kill()
    wait_for(lambda: len(accepted) >= 15, timeout=120, message="writes while reporting is down")
    reporting.start()

    # Second kill: later in the stream; then its offsets stand where an unlucky kill would leave them.
    held = applied_events(reporting)
    wait_for(lambda: applied_events(reporting) >= held + 10, message="reporting applying after the restart")
    reporting.kill()
    applied_before = applied_events(reporting)
    assert asyncio.run(rewind_group(kafka.bootstrap, topic_prefix, f"{topic_prefix}sipelkop-reporting",
                                    kafka.options("admin"))) > 0
    reporting.start()
    writer.join(180)
    assert len(accepted) == UNITS

    summary = wait_for(lambda: (s := viewer.get("/api/v1/reports/summary").json())["participants_enrolled"] == UNITS
                       and s, timeout=90, message=f"{UNITS} enrolled in reporting")
    # Every event applied before the last kill came back from Kafka and was dropped as a duplicate (waited for: when
    # the writer finished before the last kill, the summary is complete before the redelivered events arrive)...
    wait_for(lambda: duplicates(reporting) >= applied_before, timeout=90,
             message=f"{applied_before} redelivered events dropped as duplicates")
    assert duplicates(reporting) == applied_before
    # ...and exactly once: one batch, UNITS cooperatives, UNITS enrolments and nothing more.
    assert summary["events_applied"] == 1 + 2 * UNITS
    assert applied_events(reporting) == 1 + 2 * UNITS
    assert reporting.starts == 3
    print(f"\nconsumer crash: {UNITS * 3} requests accepted, 2 kills survived, {applied_before} events redelivered "
          f"and dropped, {summary['events_applied']} events applied, differences 0")
