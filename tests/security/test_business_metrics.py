"""Reporting's business figures (per-district counts, the DAK budget) are not on the public /metrics the front
door forwards; they are served with a token at /api/v1/reports/metrics. Operations metrics stay public."""
from __future__ import annotations

import httpx
import pytest

from services.reporting.bootstrap import create_reporting_app, refresh_metrics
from services.reporting.config import ReportingSettings
from bench.synthetic import EventLog, programme, seed_batch
from tests.fixtures.tokens import test_token

BUSINESS = ("sipelkop_reporting_participants_enrolled", "sipelkop_reporting_participants_completed",
            "sipelkop_reporting_cooperatives_trained", "sipelkop_reporting_cooperatives_target",
            "sipelkop_reporting_budget_rupiah")


@pytest.fixture
async def app(tmp_path):
    settings = ReportingSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/reporting.db",
                                 kafka_bootstrap="127.0.0.1:1")
    app = create_reporting_app(settings, background=False)
    async with app.router.lifespan_context(app):
        log = EventLog()
        seed_batch(log, programme_id=programme(log))
        await app.state.runtime.consumer.handle_records(list(log.records))
        await refresh_metrics(app.state.runtime, app.state.metrics, with_lag=False)
        yield app


def client(app, role: str | None = None, **claims) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {test_token(subject=role, role=role, **claims)}"} if role else {}
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reporting", headers=headers)


async def test_the_public_metrics_carry_no_business_figures(app):
    async with client(app) as anyone:
        public = (await anyone.get("/metrics")).text
    assert not [name for name in BUSINESS if name in public]
    assert "Kutai Kartanegara" not in public and "64.02" not in public
    # What operations need is still there.
    for name in ("sipelkop_reporting_projection_lag_seconds", "sipelkop_reporting_store_generation",
                 "sipelkop_consumer_events_applied_total", "sipelkop_http_requests_total"):
        assert name in public, name


@pytest.mark.parametrize("role", ["viewer", "admin", "reconciler"])
async def test_the_business_figures_are_served_with_a_token(app, role):
    async with client(app, role) as reader:
        answer = await reader.get("/api/v1/reports/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    for name in BUSINESS:
        assert name in answer.text, name
    assert 'district="64.02",district_name="Kabupaten Kutai Kartanegara"' in answer.text
    assert "sipelkop_http_requests_total" not in answer.text  # only the private families


async def test_without_a_token_or_as_a_district_officer_they_are_refused(app):
    async with client(app) as anyone:
        assert (await anyone.get("/api/v1/reports/metrics")).status_code == 401
    async with client(app, "district_officer", district="64.02") as officer:
        assert (await officer.get("/api/v1/reports/metrics")).status_code == 403
