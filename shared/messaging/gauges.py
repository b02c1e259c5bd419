"""Operational gauges every service refreshes on its own beat: each readiness check (so an alert sees a database
outage while the process still answers), how far each consumer group is behind its topics, and the dead letters
waiting for someone (deploy/prometheus/alerts.yml reads them)."""
from __future__ import annotations

import asyncio
import logging
import weakref

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client import CollectorRegistry, Gauge

log = logging.getLogger("sipelkop.gauges")

# Every 15 s: two scrapes see each value at Prometheus' 30 s interval or less, and a lag reading (one admin and
# one consumer connection) stays rare on a broker shared by every service.
REFRESH_S = 15.0
_BY_REGISTRY: "weakref.WeakKeyDictionary[CollectorRegistry, OperationalGauges]" = weakref.WeakKeyDictionary()


async def events_behind(bootstrap: str, group_id: str, topics: list[str], options: dict | None = None) -> dict[str, int]:
    """Per topic: events at the topic end that the consumer group has not yet committed as applied (every service's
    consumer gauge, and reporting's own projection gauge)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5_000, **(options or {}))
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, request_timeout_ms=5_000,
                                **(options or {}))
    await admin.start()
    try:
        await consumer.start()
        try:
            described = await admin.describe_topics(list(topics))
            partitions = [TopicPartition(d["topic"], p["partition"]) for d in described if not d.get("error_code")
                          for p in d["partitions"]]
            ends = await consumer.end_offsets(partitions) if partitions else {}
            committed = await admin.list_consumer_group_offsets(group_id, partitions=partitions) if partitions else {}
        finally:
            await consumer.stop()
    finally:
        await admin.close()
    behind = {t: 0 for t in topics}
    for tp, end in ends.items():
        mark = committed.get(tp)
        behind[tp.topic] += max(end - (mark.offset if mark is not None and mark.offset >= 0 else 0), 0)
    return behind


class OperationalGauges:
    def __init__(self, registry: CollectorRegistry, service: str):
        self.service = service
        self.ready = Gauge("sipelkop_ready_check", "1 when the readiness check passes (as /readyz), 0 when it fails",
                           ["service", "check"], registry=registry)
        self.behind = Gauge("sipelkop_consumer_events_behind", "Events on the topic the consumer group has not "
                            "yet committed as applied", ["consumer", "topic"], registry=registry)
        self.parked = Gauge("sipelkop_dead_letters_parked", "Dead letters parked, waiting to be redriven or "
                            "discarded", ["service"], registry=registry).labels(service)

    @classmethod
    def of(cls, runtime) -> "OperationalGauges":
        """The runtime's gauges, made once per registry (a runtime started twice keeps the same ones)."""
        if (gauges := _BY_REGISTRY.get(runtime.registry)) is None:
            gauges = _BY_REGISTRY[runtime.registry] = cls(runtime.registry, runtime.name)
        return gauges

    def record_readiness(self, checks: dict[str, bool]) -> None:
        for check, passed in checks.items():
            self.ready.labels(self.service, check).set(1 if passed else 0)

    async def refresh(self, runtime) -> None:
        """Readiness first (it must show a database outage even when the rest fails), then lag and dead letters."""
        from shared.messaging.broker import kafka_options

        checks = await runtime.readiness()
        self.record_readiness(checks)
        if runtime.dead_letters is not None:
            try:
                self.parked.set(await runtime.dead_letters.count())
            except Exception as exc:  # the database away: readiness says so; keep the last count
                log.debug("dead letters not counted: %s", exc)
        # Kafka away: its check says so, and the lag keeps its last values (no reading that can only time out).
        if runtime.consumer is not None and checks.get("kafka", True):
            settings = runtime.settings
            group = f"{settings.topic_prefix}sipelkop-{runtime.name}"  # as build_runtime names it
            try:
                async with asyncio.timeout(REFRESH_S):
                    behind = await events_behind(settings.kafka_bootstrap, group, list(runtime.consumer.topics),
                                                 kafka_options(settings))
            except Exception as exc:  # a broker that answers but cannot serve: keep the last values
                log.debug("consumer lag not read: %s", exc)
                return
            for topic, count in behind.items():
                self.behind.labels(runtime.name, topic).set(count)

    async def run(self, runtime, interval: float = REFRESH_S) -> None:
        while True:
            try:
                await self.refresh(runtime)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("operational gauges not refreshed (%s: %s)", type(exc).__name__, exc)
            await asyncio.sleep(interval)
