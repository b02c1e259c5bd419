"""Kafka stops while district offices keep registering: every write is accepted, every event arrives later."""

import httpx

from tests.fixtures import factories
from tests.fixtures.services import start_stack, wait_for

WHILE_DOWN = 25



def test_writes_during_a_kafka_outage_all_arrive_after_it(own_kafka, postgres, topic_prefix, tmp_path):
    urls = {name: postgres.new_database(name[:3]) for name in ("registration", "training", "reporting")}
    stack = start_stack(kafka_bootstrap=own_kafka.bootstrap, database_urls=urls, topic_prefix=topic_prefix,
                        log_dir=tmp_path)
    try:
        officer = stack.client("registration", "district_officer", "64.09")
        viewer = stack.client("reporting", "viewer")
        stack["registration"].wait_ready()
        assert officer.post("/api/v1/cooperatives", json=factories.cooperative("64.09")).status_code == 201
        wait_for(lambda: viewer.get("/api/v1/reports/summary").json()["events_applied"] == 1,
                 message="first event through")

        own_kafka.stop()
        assert httpx.get(f"{stack['registration'].url}/readyz").status_code == 503
        for _ in range(WHILE_DOWN):
            answer = officer.post("/api/v1/cooperatives", json=factories.cooperative("64.09"))
            assert answer.status_code == 201, answer.text  # the outbox takes it; Kafka is not needed to write
        backlog = wait_for(lambda: _gauge(stack["registration"].url, "sipelkop_outbox_backlog") >= WHILE_DOWN,
                           message="backlog visible on /metrics")
        assert backlog

        own_kafka.start()
        wait_for(lambda: viewer.get("/api/v1/reports/summary").json()["events_applied"] == 1 + WHILE_DOWN,
                 timeout=120, message="every event after the outage")
        wait_for(lambda: _gauge(stack["registration"].url, "sipelkop_outbox_backlog") == 0, message="backlog drained")
        stack["registration"].wait_ready()
    finally:
        stack.stop()


def _gauge(url: str, name: str) -> float:
    for line in httpx.get(f"{url}/metrics").text.splitlines():
        if line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    return -1
