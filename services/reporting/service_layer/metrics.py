"""Business gauges and projection lag for Grafana, refreshed in the background from the projections; the business
gauges are served only with a token (entrypoints/http.py), the lag on the public /metrics."""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Gauge
from sqlalchemy import select

from services.reporting.adapters.orm import BatchView, ProgrammeView
from services.reporting.service_layer import figures
from services.reporting.service_layer.scope import Scope
from shared.observability import keep_off_public_metrics

log = logging.getLogger("sipelkop.reporting.metrics")
P = "sipelkop_reporting_"


class ReportingMetrics:
    def __init__(self, registry: CollectorRegistry):
        by_district = ["fiscal_year", "district", "district_name"]
        self.enrolled = Gauge(P + "participants_enrolled", "Participants enrolled", by_district, registry=registry)
        self.completed = Gauge(P + "participants_completed", "Participants who completed", by_district,
                               registry=registry)
        self.trained = Gauge(P + "cooperatives_trained", "Distinct cooperatives with a completer", by_district,
                             registry=registry)
        self.target = Gauge(P + "cooperatives_target", "Cooperatives to train", ["fiscal_year"], registry=registry)
        self.budget = Gauge(P + "budget_rupiah", "DAK budget: allocation, planned, realised (rupiah)",
                            ["fiscal_year", "kind"], registry=registry)
        self.lag_seconds = Gauge(P + "projection_lag_seconds",
                                 "Seconds the projections are behind: 0 when caught up, else time since the "
                                 "newest event applied", registry=registry)
        self.behind = Gauge(P + "projection_events_behind", "Events on the topic not yet applied", ["topic"],
                            registry=registry)
        self.data_as_of = Gauge(P + "data_as_of_timestamp_seconds", "Event time of the newest event applied",
                                registry=registry)
        self.generation = Gauge(P + "store_generation", "Generation of the live projection store",
                                registry=registry)
        # Per-district figures and the budget are official figures: not on the public /metrics, only at
        # GET /api/v1/reports/metrics with a token. Lag and generation stay public (operations).
        self.registry = registry
        keep_off_public_metrics(registry, self.enrolled, self.completed, self.trained, self.target, self.budget)

    async def refresh_figures(self, session, *, default_target: int) -> None:
        years = set((await session.scalars(select(BatchView.fiscal_year).distinct())).all())
        years |= set((await session.scalars(select(ProgrammeView.fiscal_year).distinct())).all())
        rows = {}
        for year in sorted(y for y in years if y is not None):
            scope = Scope(fiscal_year=year)
            rows[year] = (await figures.by_district(session, scope, default_target=default_target),
                          await figures.summary(session, scope, default_target=default_target))
        # Clear first: a district or year that no longer has figures must not keep its old value.
        for gauge in (self.enrolled, self.completed, self.trained, self.target, self.budget):
            gauge.clear()
        for year, (districts, summary) in rows.items():
            for row in districts:
                labels = (str(year), row["key"], row["label"])
                self.enrolled.labels(*labels).set(row["participants_enrolled"])
                self.completed.labels(*labels).set(row["participants_completed"])
                self.trained.labels(*labels).set(row["cooperatives_trained"])
            self.target.labels(str(year)).set(summary["target_cooperatives"])
            for kind in ("allocation", "planned", "realised"):
                self.budget.labels(str(year), kind).set(summary["budget"][kind])
        fresh = await figures.freshness(session)
        if fresh["data_as_of"] is not None:
            self.data_as_of.set(_aware(fresh["data_as_of"]).timestamp())

    def set_lag(self, behind: dict[str, int], data_as_of: datetime | None, now: datetime | None = None) -> None:
        for topic, count in behind.items():
            self.behind.labels(topic).set(count)
        waiting = sum(behind.values())
        if not waiting or data_as_of is None:
            self.lag_seconds.set(0)
        else:
            self.lag_seconds.set(max(((now or datetime.now(UTC)) - _aware(data_as_of)).total_seconds(), 0))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
