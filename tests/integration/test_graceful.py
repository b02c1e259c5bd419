"""Graceful behaviour: not ready (503) while the broker is away and ready again on its own when it returns, for the
consumer-only reporting service too; SIGTERM lets a request in flight finish and commit, and a consumer stopped by
SIGTERM mid-stream commits what it applied (after a restart nothing is missing and nothing is doubled)."""
import json
import signal
import socket
import threading
import time

import httpx

from tests.fixtures.tokens import test_token
from tests.fixtures import factories
from tests.fixtures.services import start_stack, wait_for
from tests.integration.test_consumer_crash import enrol_units

SERVICES = ("registration", "training", "reporting")
UNITS = 30
CLEAN_EXIT = (0, -signal.SIGTERM)




def readiness(url: str) -> tuple[int, dict]:
    answer = httpx.get(f"{url}/readyz", timeout=10)
    return answer.status_code, answer.json()["checks"]


def test_every_service_is_not_ready_while_the_broker_is_down_and_recovers(own_kafka, postgres, topic_prefix, tmp_path):
    urls = {name: postgres.new_database(name[:3]) for name in SERVICES}
    stack = start_stack(kafka_bootstrap=own_kafka.bootstrap, database_urls=urls, topic_prefix=topic_prefix,
                        log_dir=tmp_path)
    try:
        for name in SERVICES:
            stack[name].wait_ready()
        own_kafka.stop()
        for name in SERVICES:  # reporting publishes nothing, yet without the broker its figures go stale
            status, checks = readiness(stack[name].url)
            assert status == 503 and checks == {"database": True, "kafka": False}, (name, status, checks)
            assert httpx.get(f"{stack[name].url}/healthz").status_code == 200  # alive: no restart wanted
        own_kafka.start()
        for name in SERVICES:
            stack[name].wait_ready(timeout=120)
        # And it really consumes again: a write after the outage reaches reporting.
        officer = stack.client("registration", "district_officer", "64.02")
        assert officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02")).status_code == 201
        wait_for(lambda: stack.client("reporting", "viewer").get("/api/v1/reports/summary").json()
                 ["events_applied"] == 1, timeout=120, message="the event after the outage")
    finally:
        stack.stop()


def test_sigterm_lets_a_request_in_flight_finish_and_commit(stack):
    """Half the body is sent, SIGTERM arrives, the rest follows: the request is answered and its write kept."""
    registration = stack["registration"]
    host, port = registration.url.removeprefix("http://").split(":")
    cooperative = factories.cooperative("64.02")
    body = json.dumps(cooperative).encode()
    token = test_token(subject="o", role="district_officer", district="64.02")
    with socket.create_connection((host, int(port)), timeout=60) as conn:
        conn.sendall((f"POST /api/v1/cooperatives HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
                      f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
                     + body[:len(body) // 2])
        time.sleep(0.5)
        registration.process.send_signal(signal.SIGTERM)
        time.sleep(1.5)
        assert registration.process.poll() is None, "exited with a request in flight"
        conn.sendall(body[len(body) // 2:])
        answer = conn.recv(65536).decode("latin-1")
    assert answer.startswith("HTTP/1.1 201"), answer[:300]
    # Then it stops, cleanly: the lifespan shutdown ran (uvicorn re-raises SIGTERM after it, hence -15).
    assert registration.process.wait(30) in CLEAN_EXIT
    assert "Application shutdown complete." in registration.log_path.read_text()
    registration.start()
    officer = stack.client("registration", "district_officer", "64.02")
    found = officer.get("/api/v1/cooperatives", params={"q": cooperative["registration_number"]}).json()["items"]
    assert [c["registration_number"] for c in found] == [cooperative["registration_number"]]
    # Its event was in the outbox with it, and leaves once the service is back.
    wait_for(lambda: stack.client("reporting", "viewer").get("/api/v1/reports/summary").json()["events_applied"] == 1,
             message="the event of the request that was in flight")


def test_reporting_stopped_by_sigterm_mid_stream_loses_and_doubles_nothing(stack):
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
    codes = []
    for round_ in (1, 2):
        wait_for(lambda: viewer.get("/api/v1/reports/summary").json()["participants_enrolled"] >= 5 * round_,
                 timeout=120, message="reporting consuming")
        reporting.process.send_signal(signal.SIGTERM)
        codes.append(reporting.process.wait(60))
        wait_for(lambda: len(accepted) >= 10 * round_, timeout=120, message="writes while reporting is stopped")
        reporting.start()
    writer.join(180)
    assert len(accepted) == UNITS and all(code in CLEAN_EXIT for code in codes)

    summary = wait_for(lambda: (s := viewer.get("/api/v1/reports/summary").json())["participants_enrolled"] == UNITS
                       and s, timeout=120, message=f"{UNITS} enrolled in reporting")
    assert summary["events_applied"] == 1 + 2 * UNITS  # one batch, UNITS cooperatives and enrolments, once each
    log = reporting.log_path.read_text()
    assert log.count("Application shutdown complete.") == 2 and "rewinding" not in log and "Traceback" not in log
    print(f"\ngraceful: reporting SIGTERMed twice mid-stream, exit codes {codes}, "
          f"{summary['events_applied']} events applied once each")
