"""Grafana reads the business figures by district and how far behind the projections are from /metrics."""
from datetime import UTC, datetime, timedelta

from prometheus_client import generate_latest

from services.reporting.bootstrap import refresh_metrics
from bench.synthetic import programme, seed_batch


def sample(registry, name, **labels):
    return registry.get_sample_value(name, labels)


async def test_business_gauges_by_district_and_year(app, log, feed):
    seed_batch(log, programme_id=programme(log))
    await feed(log.records)
    runtime, metrics = app.state.runtime, app.state.metrics
    await refresh_metrics(runtime, metrics, with_lag=False)
    registry = runtime.registry
    kukar = {"fiscal_year": "2023", "district": "64.02", "district_name": "Kabupaten Kutai Kartanegara"}
    assert sample(registry, "sipelkop_reporting_participants_enrolled", **kukar) == 12
    assert sample(registry, "sipelkop_reporting_participants_completed", **kukar) == 10
    assert sample(registry, "sipelkop_reporting_cooperatives_trained", **kukar) == 10
    assert sample(registry, "sipelkop_reporting_cooperatives_target", fiscal_year="2023") == 600
    assert sample(registry, "sipelkop_reporting_budget_rupiah", fiscal_year="2023", kind="realised") == 56_000_000
    assert sample(registry, "sipelkop_reporting_data_as_of_timestamp_seconds") == log.clock.timestamp()
    assert b"sipelkop_reporting_cooperatives_trained" in generate_latest(registry)


def test_lag_is_zero_when_caught_up_and_the_age_of_the_newest_event_otherwise(app):
    metrics, registry = app.state.metrics, app.state.runtime.registry
    newest = datetime(2023, 7, 6, 9, 0, tzinfo=UTC)
    metrics.set_lag({"sipelkop.training.session": 0}, newest, now=newest + timedelta(minutes=5))
    assert sample(registry, "sipelkop_reporting_projection_lag_seconds") == 0
    metrics.set_lag({"sipelkop.training.session": 40, "sipelkop.training.batch": 2}, newest,
                    now=newest + timedelta(minutes=5))
    assert sample(registry, "sipelkop_reporting_projection_lag_seconds") == 300
    assert sample(registry, "sipelkop_reporting_projection_events_behind", topic="sipelkop.training.session") == 40


def test_the_grafana_dashboard_only_reads_metrics_reporting_exports(app):
    import json
    import re
    from pathlib import Path

    dashboard = json.loads((Path(__file__).parents[3] / "deploy/grafana/sipelkop-reporting.json").read_text())
    used = {m for p in dashboard["panels"] for t in p["targets"]
            for m in re.findall(r"sipelkop_reporting_[a-z_]+", t["expr"])}
    exported = {m.name for m in app.state.runtime.registry.collect()}
    assert used and used <= exported, used - exported
