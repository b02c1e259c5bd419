"""FastStream Kafka broker per service, batch subscribers that commit offsets only after the inbox transaction."""
from __future__ import annotations

import asyncio
import logging

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.helpers import create_ssl_context
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from faststream.security import BaseSecurity, SASLScram256, SASLScram512
from prometheus_client import CollectorRegistry

from shared.events.catalogue import ALL_TOPICS
from shared.messaging.inbox import EventConsumer

log = logging.getLogger("sipelkop.broker")

# Partitions bound how many consumers of one group can work in parallel; keys keep one entity's order.
DEFAULT_PARTITIONS = 6
MAX_BATCH = 500


def kafka_options(settings) -> dict:
    """The aiokafka client arguments that authenticate as the service's own principal (none for PLAINTEXT)."""
    if settings.kafka_security_protocol == "PLAINTEXT":
        return {}
    options = dict(security_protocol=settings.kafka_security_protocol, sasl_mechanism=settings.kafka_sasl_mechanism,
                   sasl_plain_username=settings.kafka_sasl_username,
                   sasl_plain_password=settings.kafka_sasl_password.get_secret_value())
    if settings.kafka_security_protocol == "SASL_SSL":
        options["ssl_context"] = create_ssl_context(cafile=settings.kafka_ssl_cafile or None)
    return options


def _security(options: dict) -> BaseSecurity | None:
    if not options:
        return None
    cls = SASLScram512 if options["sasl_mechanism"] == "SCRAM-SHA-512" else SASLScram256
    tls = options["security_protocol"] == "SASL_SSL"
    return cls(options["sasl_plain_username"], options["sasl_plain_password"],
               ssl_context=options.get("ssl_context"), use_ssl=tls)


def servers(bootstrap: str) -> list[str]:
    """`SIPELKOP_KAFKA_BOOTSTRAP` as a list: "kafka-1:9092,kafka-2:9092,kafka-3:9092" names three brokers
    (FastStream wraps a string into a one-element list, so the comma list would be taken as one host name)."""
    return [server.strip() for server in bootstrap.split(",") if server.strip()]


def create_broker(bootstrap: str, service: str, registry: CollectorRegistry, *,
                  options: dict | None = None) -> KafkaBroker:
    return KafkaBroker(
        servers(bootstrap),
        security=_security(options or {}),
        # An authenticated service may not create other services' topics: the admin principal creates them all
        # (ensure_topics), so the subscribers must not try (each try is a logged TopicAuthorizationFailed).
        allow_auto_create_topics=not options,
        client_id=f"sipelkop-{service}",
        middlewares=[KafkaPrometheusMiddleware(registry=registry, app_name=service, metrics_prefix="faststream")],
        logger=logging.getLogger(f"sipelkop.{service}.faststream"),
        log_level=logging.DEBUG,
    )


async def _raw(message):
    # Leave the bytes alone: the consumer decodes and parks poison itself, FastStream must not choke first.
    return message.body


def subscribe(broker: KafkaBroker, consumer: EventConsumer, *, group_id: str) -> None:
    """Register `consumer` on `broker`: batches in, inbox transaction, then the offset commit."""

    @broker.subscriber(
        *consumer.topics, group_id=group_id, batch=True, max_records=MAX_BATCH, batch_timeout_ms=100,
        auto_offset_reset="earliest", ack_policy=AckPolicy.MANUAL, decoder=_raw,
        title=group_id,
        description=f"Consumer group {group_id} applies: " + ", ".join(sorted(c.type for c in consumer.handlers))
        + ". Topics: " + ", ".join(consumer.topics),
    )
    async def apply_batch(body: list, message: KafkaMessage) -> None:
        records = message.raw_message if isinstance(message.raw_message, tuple) else (message.raw_message,)
        try:
            await consumer.handle_records(records)
        except Exception:
            # Never skip past what was not applied: rewind to the batch's first offsets and try again.
            log.exception("batch of %d records failed; rewinding", len(records))
            await asyncio.sleep(1.0)
            await message.nack()
            return
        await message.ack()


async def ensure_topics(bootstrap: str, prefix: str = "", topics: tuple[str, ...] = ALL_TOPICS,
                        partitions: int = DEFAULT_PARTITIONS, replication: int = 1, *,
                        options: dict | None = None) -> None:
    """Create the domain topics explicitly (never rely on auto-creation with its defaults)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000, **(options or {}))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [NewTopic(t, num_partitions=partitions, replication_factor=replication,
                            # Events are kept forever, by age and by size, whatever the broker's defaults:
                            # reporting's rebuild and `sipelkop kafka recover`'s archive replay the full history.
                            topic_configs={"retention.ms": "-1", "retention.bytes": "-1", "cleanup.policy": "delete",
                                           "min.insync.replicas": str(min(2, replication))})
                   for t in (prefix + name for name in topics) if t not in existing]
        if missing:
            try:
                await admin.create_topics(missing)
            except TopicAlreadyExistsError:
                pass
    finally:
        await admin.close()


def own_topics(service: str) -> tuple[str, ...]:
    """The topics a service writes (an authenticated service may create only those; the admin creates the rest)."""
    return tuple(t for t in ALL_TOPICS if t.startswith(f"sipelkop.{service}."))


async def start_when_reachable(broker: KafkaBroker, bootstrap: str, prefix: str = "", replication: int = 1, *,
                               options: dict | None = None, topics: tuple[str, ...] = ALL_TOPICS) -> None:
    """Start consuming as soon as Kafka answers; a service with Kafka down still serves HTTP."""
    backoff = 0.5
    while True:
        try:
            await ensure_topics(bootstrap, prefix, topics, replication=replication, options=options)
            await broker.start()
            log.info("consumers started on %s", bootstrap)
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("Kafka not reachable yet (%s); retrying in %.1fs", exc, backoff)
            try:
                await broker.stop()
            except Exception:
                pass
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 10.0)
