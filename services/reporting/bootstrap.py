"""Reporting's composition root: every dependency wired once, overridable by keyword for tests."""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import async_sessionmaker

from shared.messaging.broker import kafka_options
from shared.messaging.gauges import events_behind
from services.reporting.adapters.live_store import LiveStore
from services.reporting.adapters.orm import messaging
from services.reporting.config import ReportingSettings
from services.reporting.entrypoints.consumers import HANDLERS
from services.reporting.entrypoints.dashboard import router as dashboard_router
from services.reporting.entrypoints.exports import router as exports_router
from services.reporting.entrypoints.http import router
from services.reporting.service_layer.batch_apply import apply_batch
from services.reporting.service_layer.figures import freshness
from services.reporting.service_layer.metrics import ReportingMetrics
from services.reporting.service_layer.rebuild import RebuildResult, rebuild
from shared.db import create_engine, migrate, session_factory
from shared.http import create_app
from shared.messaging.dead_letters import DeadLetterStore
from shared.messaging.inbox import EventConsumer
from shared.runtime import ServiceRuntime, build_runtime
from shared.unit_of_work import UnitOfWork

NAME = "reporting"
MIGRATIONS = Path(__file__).parent / "migrations"
log = logging.getLogger("sipelkop.reporting")


def bootstrap(settings: ReportingSettings | None = None, *, registry: CollectorRegistry | None = None,
              handlers: dict | None = None) -> ServiceRuntime:
    handlers = HANDLERS if handlers is None else handlers
    runtime = build_runtime(name=NAME, settings=settings or ReportingSettings(), tables=messaging,
                            migrations=MIGRATIONS, handlers=handlers, registry=registry,
                            relay=False)  # reporting publishes nothing
    if runtime.consumer is not None:
        # The one projection engine: a batch in a few statements per table (the inbox's one-by-one fallback
        # hands it batches of one).
        runtime.consumer.batch_handler = apply_batch
    return runtime


def rebuild_consumer(settings: ReportingSettings, sessions: async_sessionmaker) -> EventConsumer:
    """The live consumer's twin for a rebuild's new generation (`sessions`): the same handlers, batch hook and
    version margin; dead letters parked in the new store, metrics apart from the running service's."""
    return EventConsumer(
        name=f"{NAME}-rebuild", handlers=HANDLERS, batch_handler=apply_batch, registry=CollectorRegistry(),
        dead_letters=DeadLetterStore(sessions, messaging), topic_prefix=settings.topic_prefix,
        version_margin=settings.event_version_margin,
        uow_factory=lambda: UnitOfWork(sessions, messaging, source=f"/sipelkop/{NAME}",
                                       topic_prefix=settings.topic_prefix))


async def rebuild_projections(settings: ReportingSettings | None = None, *, grace_s: float | None = None,
                              progress=lambda read, seconds: None) -> RebuildResult:
    """`sipelkop reporting rebuild`: replay every topic into a new generation and switch to it."""
    settings = settings or ReportingSettings()
    control = create_engine(settings.database_url)  # the configured database, which holds the pointer
    try:
        return await rebuild(settings, control=session_factory(control), migrations=MIGRATIONS,
                             consumer_for=lambda sessions: rebuild_consumer(settings, sessions), grace_s=grace_s,
                             progress=progress)
    finally:
        await control.dispose()


def live_store(runtime: ServiceRuntime, on_switch=lambda generation: None) -> LiveStore:
    settings: ReportingSettings = runtime.settings
    return LiveStore(runtime, migrations=MIGRATIONS, template=settings.store_url_template,
                     poll_s=settings.store_poll_s, on_switch=on_switch)


def consumer_group(settings: ReportingSettings) -> str:
    return f"{settings.topic_prefix}sipelkop-{NAME}"  # as build_runtime names it


async def refresh_metrics(runtime: ServiceRuntime, metrics: ReportingMetrics, *, with_lag: bool = True) -> None:
    settings: ReportingSettings = runtime.settings
    async with runtime.sessions() as session:
        await metrics.refresh_figures(session, default_target=settings.default_target_cooperatives)
        data_as_of = (await freshness(session))["data_as_of"]
    if with_lag and runtime.consumer is not None:
        behind = await events_behind(settings.kafka_bootstrap, consumer_group(settings), runtime.consumer.topics,
                                     kafka_options(settings))
        metrics.set_lag(behind, data_as_of)


async def _metrics_loop(runtime: ServiceRuntime, metrics: ReportingMetrics) -> None:
    while True:
        try:
            await refresh_metrics(runtime, metrics)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # Kafka or the database away: the gauges keep their last values
            log.warning("could not refresh reporting metrics: %s", exc)
        await asyncio.sleep(runtime.settings.metrics_interval_s)


def create_reporting_app(settings: ReportingSettings | None = None, *, background: bool = True,
                         **kwargs) -> FastAPI:
    runtime = bootstrap(settings, **kwargs)
    app = create_app(runtime, title="SIPELKOP Pelaporan",
                     description="Capaian pelatihan untuk dasbor kementerian: target, anggaran, kabupaten/kota, sektor.",
                     routers=[router, exports_router, dashboard_router], start_background=background,
                     migrate_on_start=False)  # the lifespan below migrates, before it reads the pointer
    metrics = ReportingMetrics(runtime.registry)
    store = live_store(runtime, on_switch=metrics.generation.set)
    app.state.store, app.state.metrics = store, metrics
    shared_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # The live generation is chosen before the consumers start, so no event lands in a retired store; the
        # configured database (which holds the pointer) is migrated here, once: the shared lifespan does not.
        await migrate(MIGRATIONS, runtime.settings.database_url)
        await store.activate_current()
        async with shared_lifespan(app):
            tasks = [asyncio.create_task(store.follow(), name="reporting-store-pointer"),
                     asyncio.create_task(_metrics_loop(runtime, metrics), name="reporting-metrics")] \
                if background else []
            try:
                yield
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
        await store.close()

    app.router.lifespan_context = lifespan
    return app
