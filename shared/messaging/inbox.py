"""Idempotent consumer: applies each event once, in the same transaction that records it in the inbox.

Offsets are committed only after that transaction (see broker.subscribe), so a crash
at any point redelivers, and the inbox turns the redelivery into a no-op.

An event is parked, never applied, when its type or source does not belong to the topic it came from, or when its
aggregate_version is more than `version_margin` ahead of the highest version this consumer has applied for that
subject on that topic (kept in `consumer_subject_versions`, below): one forged event with version 2147483647
would otherwise make every later real event of that aggregate look stale.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge
from sqlalchemy import BigInteger, Column, MetaData, String, Table, event, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from shared.db import insert_for, is_transient
from shared.events.base import DomainEvent
from shared.events.catalogue import PoisonEvent, check_origin, decode
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
# How far ahead of what a consumer holds an event's aggregate_version may be (SIPELKOP_EVENT_VERSION_MARGIN).
# Real producers count one per change; an aggregate that changed more often than this between two events a
# consumer saw does not happen in this domain (a batch is edited tens of times, not thousands).
EVENT_VERSION_MARGIN = 1000

# The highest aggregate_version each consumer applied per (topic without prefix, subject). The consumer's own
# bookkeeping, like Alembic's alembic_version: it creates the table itself on first use (IF NOT EXISTS) in the
# service's database, so it needs no migration in every service and no entry in their models; a rebuilt
# reporting store gets it on its first batch like the store it replaces.
_versions_metadata = MetaData()
SUBJECT_VERSIONS = Table(
    "consumer_subject_versions", _versions_metadata,
    Column("topic", String(200), primary_key=True),
    Column("subject", String(200), primary_key=True),
    Column("version", BigInteger, nullable=False),
)


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
                 batch_handler: BatchHandler | None = None, version_margin: int = EVENT_VERSION_MARGIN):
        self.name = name
        self.version_margin = version_margin
        self._versions_ready: set[str] = set()
        self.batch_handler = batch_handler
        self.topic_prefix = topic_prefix
        self._uow_factory = uow_factory
        self._dead_letters = dead_letters
        self._handlers = dict(handlers)  # its own: a test or a rebuild changing it leaves the service's alone
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
            try:
                check_origin(envelope, event, self._logical_topic(record.topic))
            except PoisonEvent as exc:
                log.warning("consumer %s parks %s %s: %s", self.name, envelope.type, envelope.id, exc)
                await self._park(record, str(exc), envelope.type)
                continue
            if type(event) in self._handlers:
                pending.append((record, envelope, event))
        if pending:
            await self._apply(pending)

    def _logical_topic(self, topic: str) -> str:
        if not topic.startswith(self.topic_prefix):
            raise PoisonEvent(f"topik {topic} di luar ruang nama {self.topic_prefix!r}")
        return topic[len(self.topic_prefix):]

    async def _apply(self, items: list) -> None:
        attempts, backoff = 0, 0.2
        while True:
            try:
                too_far = await self._apply_once(items)
                for record, envelope, reason in too_far:
                    log.warning("consumer %s parks %s %s: %s", self.name, envelope.type, envelope.id, reason)
                    await self._park(record, reason, envelope.type)
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

    async def _apply_once(self, items: list) -> list:
        """Apply what may be applied in one transaction; hand back (record, envelope, reason) of the events too
        far ahead, to be parked once the transaction is over (SQLite has one writer at a time)."""
        async with self._uow_factory() as uow:
            await self._ensure_versions_table(uow.session.bind)
            look_up_without_flushing(uow.session)
            ids = [str(env.id) for _, env, _ in items]
            seen = set((await uow.session.execute(
                select(self._inbox.c.event_id).where(self._inbox.c.event_id.in_(ids)))).scalars())
            held = await self._held_versions(uow.session, items)
            raised: set = set()
            applied, newest, fresh, too_far = [], None, [], []
            for item in items:
                record, envelope, event = item
                event_id = str(envelope.id)
                if event_id in seen:
                    self.metrics.duplicates.inc()
                    continue
                key = (event.topic, envelope.subject)
                holds = held.get(key, 0)
                if envelope.aggregate_version > holds + self.version_margin:
                    too_far.append((record, envelope, (
                        f"versi agregat {envelope.aggregate_version} terlalu jauh di depan versi yang dipegang "
                        f"({holds}) untuk {envelope.subject}: batasnya {self.version_margin} "
                        "(SIPELKOP_EVENT_VERSION_MARGIN)")))
                    continue
                if envelope.aggregate_version > holds:
                    held[key] = envelope.aggregate_version
                    raised.add(key)
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
            if raised:
                await self._record_versions(uow.session, {key: held[key] for key in raised})
            await uow.commit()
        for row in applied:
            self.metrics.applied.labels(self.name, row["event_type"]).inc()
        if newest:
            self.metrics.last_event_time.set(newest.timestamp())
        return too_far

    async def _ensure_versions_table(self, engine: AsyncEngine) -> None:
        url = str(engine.url)
        if url in self._versions_ready:
            return
        try:
            async with engine.begin() as conn:
                await conn.run_sync(lambda sync: SUBJECT_VERSIONS.create(sync, checkfirst=True))
        except Exception as exc:
            # Two replicas creating it at once: the other one won, which is all that was wanted.
            if is_transient(exc):
                raise
            async with engine.connect() as conn:
                if not await conn.run_sync(lambda sync: sa_inspect(sync).has_table(SUBJECT_VERSIONS.name)):
                    raise
        self._versions_ready.add(url)

    @staticmethod
    async def _held_versions(session: AsyncSession, items: list) -> dict:
        subjects = sorted({envelope.subject for _, envelope, _ in items})
        table = SUBJECT_VERSIONS
        with session.no_autoflush:
            rows = await session.execute(select(table.c.topic, table.c.subject, table.c.version)
                                         .where(table.c.subject.in_(subjects)))
        return {(topic, subject): version for topic, subject, version in rows}

    @staticmethod
    async def _record_versions(session: AsyncSession, versions: dict) -> None:
        table = SUBJECT_VERSIONS
        insert = insert_for(session)
        statement = insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.topic, table.c.subject], set_={"version": statement.excluded.version},
            where=table.c.version < statement.excluded.version)
        await session.execute(statement, [{"topic": topic, "subject": subject, "version": version}
                                          for (topic, subject), version in sorted(versions.items())])

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
