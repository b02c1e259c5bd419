"""What a running service is made of; each service's bootstrap builds one, the HTTP app and the CLI run it."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from faststream.kafka import KafkaBroker
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from shared.auth import TokenVerifier
from shared.db import migrate, ping
from shared.events.catalogue import ALL_TOPICS
from shared.messaging.broker import kafka_options, own_topics, start_when_reachable
from shared.messaging.dead_letters import DeadLetterStore
from shared.messaging.inbox import EventConsumer
from shared.messaging.relay import OutboxRelay
from shared.messaging.tables import MessagingTables
from shared.settings import ServiceSettings
from shared.unit_of_work import UnitOfWork

log = logging.getLogger("sipelkop.runtime")


@dataclass
class ServiceRuntime:
    name: str
    settings: ServiceSettings
    engine: AsyncEngine
    sessions: async_sessionmaker
    tables: MessagingTables
    registry: CollectorRegistry
    migrations: Path
    relay: OutboxRelay | None = None
    broker: KafkaBroker | None = None
    consumer: EventConsumer | None = None
    dead_letters: DeadLetterStore | None = None
    verifier: TokenVerifier | None = None
    _tasks: list[asyncio.Task] = field(default_factory=list)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, self.tables, source=f"/sipelkop/{self.name}",
                          topic_prefix=self.settings.topic_prefix)

    async def start(self, *, migrate_db: bool = True, run_relay: bool = True, run_consumers: bool = True) -> None:
        if migrate_db:
            await migrate(self.migrations, self.settings.database_url)
        if run_relay and self.relay:
            self._tasks.append(asyncio.create_task(self.relay.run(), name=f"{self.name}-relay"))
        if run_consumers and self.broker and self.consumer:
            options = kafka_options(self.settings)
            # An authenticated service may create only its own topics (its ACLs); the admin creates the others.
            topics = own_topics(self.name) if options else ALL_TOPICS
            self._tasks.append(asyncio.create_task(
                start_when_reachable(self.broker, self.settings.kafka_bootstrap, self.settings.topic_prefix,
                                     self.settings.topic_replication, options=options, topics=topics),
                name=f"{self.name}-consumers"))
        if run_relay or run_consumers:  # readiness per check, consumer lag, parked dead letters on /metrics
            from shared.messaging.gauges import OperationalGauges

            self._tasks.append(asyncio.create_task(OperationalGauges.of(self).run(self), name=f"{self.name}-gauges"))

    async def stop(self) -> None:
        # Consumers first: a batch in flight finishes and commits its offsets before the database goes.
        if self.broker and self.consumer:
            try:
                await asyncio.wait_for(self.broker.stop(), 15)
            except Exception:
                log.exception("broker stop failed")
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        await self.engine.dispose()

    def asyncapi(self) -> dict:
        from shared.asyncapi import asyncapi_document

        consumed = sorted(cls.type for cls in self.consumer.handlers) if self.consumer else []
        return asyncapi_document(self.broker, self.name, consumed)

    async def readiness(self) -> dict[str, bool]:
        checks = {"database": await ping(self.engine)}
        if self.relay or self.consumer:
            checks["kafka"] = await kafka_signs_in(self.settings.kafka_bootstrap, kafka_options(self.settings))
        return checks


async def kafka_signs_in(bootstrap: str, options: dict, timeout: float = 5.0) -> bool:
    """True when a client with the service's own credentials signs in and reads the cluster's metadata: an open
    port with a wrong password (or a broker that is not Kafka) is not ready. Any one bootstrap server will do: one
    broker down in a cluster is not an outage."""
    from aiokafka.client import AIOKafkaClient

    client = AIOKafkaClient(bootstrap_servers=bootstrap, client_id="sipelkop-readiness",
                            request_timeout_ms=int(timeout * 1000), **options)
    try:
        async with asyncio.timeout(timeout):
            await client.bootstrap()
        return True
    except Exception as exc:
        log.warning("readiness: Kafka at %s refused or did not answer: %s", bootstrap, exc.__class__.__name__)
        return False
    finally:
        await client.close()


def build_runtime(*, name: str, settings: ServiceSettings, tables: MessagingTables, migrations: Path,
                  handlers: dict, registry: CollectorRegistry | None = None, relay: bool = True,
                  verifier: TokenVerifier | None = None) -> ServiceRuntime:
    """Wire a service's engine, outbox relay, inbox consumer and broker; the service passes what is its own."""
    from shared.asyncapi import document_publishers
    from shared.db import create_engine, session_factory
    from shared.messaging.broker import create_broker, subscribe
    from shared.revocation import RevocationList
    from shared.tokens import JwksCache

    registry = registry or CollectorRegistry()
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    runtime = ServiceRuntime(name=name, settings=settings, engine=engine, sessions=sessions, tables=tables,
                             registry=registry, migrations=migrations)
    options = kafka_options(settings)
    if relay:
        runtime.relay = OutboxRelay(engine=engine, tables=tables, bootstrap=settings.kafka_bootstrap, service=name,
                                    registry=registry, batch_size=settings.relay_batch_size,
                                    interval=settings.relay_interval_s, kafka_options=options,
                                    retention=timedelta(days=settings.outbox_retention_days))
    runtime.dead_letters = DeadLetterStore(sessions, tables)
    runtime.verifier = verifier or TokenVerifier(JwksCache(settings.jwks_url), issuer=settings.identity_url,
                                                 revocations=RevocationList(lambda: runtime.sessions, tables))
    runtime.broker = create_broker(settings.kafka_bootstrap, name, registry, options=options)
    if relay:
        document_publishers(runtime.broker, name, settings.topic_prefix)
    if handlers:
        runtime.consumer = EventConsumer(name=name, uow_factory=runtime.uow, dead_letters=runtime.dead_letters,
                                         handlers=handlers, registry=registry, topic_prefix=settings.topic_prefix,
                                         version_margin=settings.event_version_margin)
        subscribe(runtime.broker, runtime.consumer, group_id=f"{settings.topic_prefix}sipelkop-{name}")
    return runtime
