"""Registration's composition root: every dependency wired once, overridable by keyword for tests."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from services.registration.adapters.orm import messaging
from services.registration.config import RegistrationSettings
from services.registration.entrypoints.consumers import HANDLERS
from services.registration.entrypoints.http import router
from shared.db import create_engine, session_factory
from shared.http import create_app
from shared.messaging.broker import create_broker, subscribe
from shared.messaging.dead_letters import DeadLetterStore
from shared.messaging.inbox import EventConsumer
from shared.messaging.relay import OutboxRelay
from shared.runtime import ServiceRuntime

NAME = "registration"
MIGRATIONS = Path(__file__).parent / "migrations"


def bootstrap(settings: RegistrationSettings | None = None, *, registry: CollectorRegistry | None = None) -> ServiceRuntime:
    settings = settings or RegistrationSettings()
    registry = registry or CollectorRegistry()
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    runtime = ServiceRuntime(name=NAME, settings=settings, engine=engine, sessions=sessions, tables=messaging,
                             registry=registry, migrations=MIGRATIONS)
    runtime.relay = OutboxRelay(engine=engine, tables=messaging, bootstrap=settings.kafka_bootstrap, service=NAME,
                                registry=registry, batch_size=settings.relay_batch_size,
                                interval=settings.relay_interval_s)
    runtime.dead_letters = DeadLetterStore(sessions, messaging)
    runtime.consumer = EventConsumer(name=NAME, uow_factory=runtime.uow, dead_letters=runtime.dead_letters,
                                     handlers=HANDLERS, registry=registry)
    runtime.broker = create_broker(settings.kafka_bootstrap, NAME, registry)
    subscribe(runtime.broker, runtime.consumer, group_id=f"sipelkop-{NAME}")
    return runtime


def create_registration_app(settings: RegistrationSettings | None = None, **kwargs) -> FastAPI:
    runtime = bootstrap(settings, **kwargs)
    return create_app(runtime, title="SIPELKOP Registrasi",
                      description="Pendaftaran koperasi, pengurus dan peserta pelatihan oleh dinas kabupaten/kota.",
                      routers=[router])
