"""Idempotent consumer: applies each event once, in the same transaction that records it in the inbox.

Offsets are committed only after that transaction (see broker.subscribe), so a crash
at any point redelivers, and the inbox turns the redelivery into a no-op.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge
from sqlalchemy import event, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import is_transient
from shared.events.base import DomainEvent
from shared.events.catalogue import PoisonEvent, decode
from shared.events.envelope import Envelope
from shared.messaging.dead_letters import DeadLetterStore
from shared.observability import bind_correlation
from shared.unit_of_work import UnitOfWork

log = logging.getLogger("sipelkop.consumer")

Handler = Callable[[UnitOfWork, Envelope, Any], Awaitable[None]]
# Applies a whole batch at once: (uow, [(record, envelope, event), ...]) with duplicates already removed, in
# arrival order. Used instead of the per-event handlers when given; the handlers still say which events count.
BatchHandler = Callable[[UnitOfWork, list], Awaitable[None]]
PERMANENT_ATTEMPTS = 3


class ConsumerMetrics:
    def __init__(self, registry: CollectorRegistry, consumer: str):
        self.applied = Counter("sipelkop_consumer_events_applied", "Events applied", ["consumer", "event_type"],
                               registry=registry)
        self.duplicates = Counter("sipelkop_consumer_duplicates", "Redelivered events skipped by the inbox",
                                  ["consumer"], registry=registry).labels(consumer)
        self.parked = Counter("sipelkop_consumer_parked", "Events parked as dead letters", ["consumer"],
                              registry=registry).labels(consumer)
        self.transient = Counter("sipelkop_consumer_transient_errors",
                                 "Transient failures (database away) waited out", ["consumer"],
                                 registry=registry).labels(consumer)
        self.last_event_time = Gauge("sipelkop_consumer_last_event_timestamp_seconds",
                                     "Time of the newest event applied (event time)", ["consumer"],
                                     registry=registry).labels(consumer)
        self.consumer = consumer


class EventConsumer:
    def __init__(self, *, name: str, uow_factory: Callable[[], UnitOfWork], dead_letters: DeadLetterStore,
                 handlers: dict[type[DomainEvent], Handler], registry: CollectorRegistry, topic_prefix: str = "",
                 batch_handler: BatchHandler | None = None):
        self.name = name
        self.batch_handler = batch_handler
        self.topic_prefix = topic_prefix
        self._uow_factory = uow_factory
        self._dead_letters = dead_letters
        self._handlers = handlers
        self._inbox = dead_letters.tables.inbox
        self.metrics = ConsumerMetrics(registry, name)

    @property
    def handlers(self) -> dict:
        return dict(self._handlers)

    @property
    def topics(self) -> list[str]:
        return sorted({self.topic_prefix + cls.topic for cls in self._handlers})

    async def handle_records(self, records: Sequence[Any]) -> None:
        """Apply a batch of Kafka records (anything with topic/partition/offset/key/value)."""
        pending = []
        for record in records:
            try:
                envelope, event = decode(record.value)
            except PoisonEvent as exc:
                await self._park(record, str(exc), None)
                continue
            if type(event) in self._handlers:
                pending.append((record, envelope, event))
        if pending:
            await self._apply(pending)

    async def _apply(self, items: list) -> None:
        attempts, backoff = 0, 0.2
        while True:
            try:
                await self._apply_once(items)
                return
            except Exception as exc:
                if is_transient(exc):
                    # The database is away: wait for it, never park (the event is fine).
                    self.metrics.transient.inc()
                    log.warning("consumer %s waits for the database: %s", self.name, exc)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 5.0)
                    continue
                if len(items) > 1:
                    # Find the culprit: apply one by one so only it gets parked.
                    for item in items:
                        await self._apply([item])
                    return
                attempts += 1
                if attempts < PERMANENT_ATTEMPTS:
                    await asyncio.sleep(0.05 * attempts)
                    continue
                record, envelope, _ = items[0]
                log.error("consumer %s parks %s %s: %r", self.name, envelope.type, envelope.id, exc)
                await self._park(record, f"{type(exc).__name__}: {exc}", envelope.type)
                return

    async def _apply_once(self, items: list) -> None:
        async with self._uow_factory() as uow:
            look_up_without_flushing(uow.session)
            ids = [str(env.id) for _, env, _ in items]
            seen = set((await uow.session.execute(
                select(self._inbox.c.event_id).where(self._inbox.c.event_id.in_(ids)))).scalars())
            applied, newest, fresh = [], None, []
            for item in items:
                record, envelope, event = item
                event_id = str(envelope.id)
                if event_id in seen:
                    self.metrics.duplicates.inc()
                    continue
                seen.add(event_id)
                if self.batch_handler is None:
                    bind_correlation(envelope.correlation_id or event_id, event_id)
                    await self._handlers[type(event)](uow, envelope, event)
                else:
                    fresh.append(item)
                applied.append({"event_id": event_id, "event_type": envelope.type, "topic": record.topic,
                                "applied_at": datetime.now(UTC)})
                newest = max(newest or envelope.time, envelope.time)
            if fresh:
                if len(fresh) == 1:
                    envelope = fresh[0][1]
                    bind_correlation(envelope.correlation_id or str(envelope.id), str(envelope.id))
                await self.batch_handler(uow, fresh)
            if applied:
                await uow.session.execute(self._inbox.insert(), applied)
            await uow.commit()
        for row in applied:
            self.metrics.applied.labels(self.name, row["event_type"]).inc()
        if newest:
            self.metrics.last_event_time.set(newest.timestamp())

    async def _park(self, record: Any, reason: str, event_type: str | None) -> None:
        backoff = 0.2
        while True:
            try:
                await self._dead_letters.park(consumer=self.name, record=record, error=reason, event_type=event_type)
                self.metrics.parked.inc()
                return
            except Exception as exc:
                if not is_transient(exc):
                    raise
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)


def look_up_without_flushing(session: AsyncSession) -> None:
    """Make `session.get` by primary key cheap for a batch: a row added earlier in the batch is handed back as it
    is, and a key not yet in the session is read without first flushing everything pending.

    Handlers look rows up by key for almost every event; with autoflush each lookup first flushed the previous
    event's rows, so a batch cost three round trips per event. Now it costs one (the SELECT of a key never seen),
    and the rows go to the database together at commit (multi-row INSERTs, batched UPDATEs). The result of a key
    lookup is the same: only the row with that key could change it, and that row is the pending one handed back.
    Queries other than `get` still autoflush as before."""
    sync = session.sync_session
    pending: dict = {}

    def added(_session, obj) -> None:
        key = sa_inspect(obj).mapper.identity_key_from_instance(obj)
        if None not in key[1]:
            pending[key] = obj

    event.listen(sync, "transient_to_pending", added)
    load = session.get

    async def get(entity, ident, **options):
        if options:
            return await load(entity, ident, **options)
        key = sa_inspect(entity).identity_key_from_primary_key(list(ident) if isinstance(ident, tuple) else [ident])
        obj = pending.get(key)
        if obj is not None and obj in sync and not sa_inspect(obj).deleted:
            return obj
        with sync.no_autoflush:
            return await load(entity, ident)

    session.get = get
