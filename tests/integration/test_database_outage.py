"""PostgreSQL goes away and comes back: services say 503 meanwhile, write nothing half, and recover on their own."""

import httpx

from tests.fixtures import factories
from tests.fixtures.services import start_stack, wait_for

SERVICES = ("registration", "training", "reporting")



def test_services_ride_out_a_database_outage(own_postgres, kafka, topic_prefix, tmp_path):
    urls = {}
    for name in SERVICES:
        own_postgres.create_database(name)
        urls[name] = own_postgres.url(name)
    stack = start_stack(kafka_bootstrap=kafka.bootstrap, database_urls=urls, topic_prefix=topic_prefix,
                        log_dir=tmp_path)
    try:
        officer = stack.client("registration", "district_officer", "64.07")
        viewer = stack.client("reporting", "viewer")
        for name in SERVICES:
            stack[name].wait_ready()

        own_postgres.kill()  # a crash, not a polite shutdown
        for name in SERVICES:
            ready = httpx.get(f"{stack[name].url}/readyz", timeout=10)
            assert ready.status_code == 503 and ready.json()["checks"]["database"] is False
        refused = officer.post("/api/v1/cooperatives", json=factories.cooperative("64.07"))
        assert refused.status_code == 503 and "Basis data" in refused.json()["error"]["message"]
        assert refused.headers["retry-after"] == "5"  # the client (and the front door) may retry on its own
        assert httpx.get(f"{stack['registration'].url}/healthz").status_code == 200  # alive, just not ready

        own_postgres.start()
        for name in SERVICES:
            stack[name].wait_ready(timeout=60)
        accepted = officer.post("/api/v1/cooperatives", json=factories.cooperative("64.07"))
        assert accepted.status_code == 201, accepted.text
        # Only the accepted write reached reporting: the refused one left nothing behind.
        summary = wait_for(lambda: (s := viewer.get("/api/v1/reports/summary").json())["events_applied"] >= 1 and s,
                           message="the event after the outage")
        assert summary["events_applied"] == 1
        assert all(stack[name].process.poll() is None for name in SERVICES)  # nobody had to be restarted
    finally:
        stack.stop()
