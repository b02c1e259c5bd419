"""Outbox relay: publishes committed outbox rows to Kafka in order, retrying with backoff while Kafka is down.

On PostgreSQL it is woken by the outbox trigger's NOTIFY (shared/messaging/wakeup.py) and polls only as a safety
net; on SQLite it polls every `interval`."""
from __future__ import annotations

import asyncio
import logging
import zlib
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaProducer
from prometheus_client import CollectorRegistry, Counter, Gauge
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import create_engine, is_postgres
from shared.messaging.tables import MessagingTables
from shared.messaging.wakeup import OutboxListener

log = logging.getLogger("sipelkop.relay")

# Published rows are kept this long (the relay's `retention`): `sipelkop kafka recover` republishes the rows
# published since a backup's time, so the retention must exceed the time between two backups (docs/OPERATIONS.md).
OUTBOX_RETENTION = timedelta(days=30)
# Pruning deletes at most this many rows per statement (short transactions, no long lock on a busy outbox), one
# statement a second while a backlog of expired rows lasts, else once every PRUNE_EVERY_S.
PRUNE_BATCH = 5000
PRUNE_EVERY_S = 60.0
# A round that cannot reach Kafka gives up after this and starts again (the rows stay unpublished).
SEND_TIMEOUT_S = 15.0
# Rounds of batch_size rows one PostgreSQL transaction publishes while a backlog lasts (the next round's rows read
# while the current round's acks come in); the lock and the marks are handed over at its commit.
ROUNDS_PER_TRANSACTION = 4


class RelayMetrics:
    def __init__(self, registry: CollectorRegistry, service: str):
        labels = {"service": service}
        self.backlog = Gauge("sipelkop_outbox_backlog", "Outbox rows not yet published", ["service"],
                             registry=registry).labels(**labels)
        self.oldest_age = Gauge("sipelkop_outbox_oldest_age_seconds", "Age of the oldest unpublished outbox row",
                                ["service"], registry=registry).labels(**labels)
        self.published = Counter("sipelkop_outbox_published", "Events published from the outbox", ["service"],
                                 registry=registry).labels(**labels)
        self.failures = Counter("sipelkop_outbox_publish_failures", "Failed publishing rounds (Kafka unreachable)",
                                ["service"], registry=registry).labels(**labels)
        self.kept = Gauge("sipelkop_outbox_kept", "Published outbox rows kept for `sipelkop kafka recover`",
                          ["service"], registry=registry).labels(**labels)
        self.oldest_kept = Gauge("sipelkop_outbox_oldest_kept_timestamp_seconds",
                                 "When the oldest kept published row was published (0: none kept)", ["service"],
                                 registry=registry).labels(**labels)
        self.listening = Gauge("sipelkop_outbox_listening",
                               "1 while the relay is woken by PostgreSQL's NOTIFY on new outbox rows (0: it only polls)",
                               ["service"], registry=registry).labels(**labels)
        self.pruned = Counter("sipelkop_outbox_pruned", "Published outbox rows deleted after the retention",
                              ["service"], registry=registry).labels(**labels)


# acks=all + idempotence: the broker writes each event once per partition, in order, even when we retry.
PRODUCER_SETTINGS = dict(acks="all", enable_idempotence=True, linger_ms=5, request_timeout_ms=10_000,
                         max_batch_size=1024 * 1024, compression_type=None)


def new_producer(bootstrap: str, options: dict | None = None) -> AIOKafkaProducer:
    """options: the service's client arguments (shared.messaging.broker.kafka_options: its SASL principal)."""
    return AIOKafkaProducer(bootstrap_servers=bootstrap, **PRODUCER_SETTINGS, **(options or {}))


class OutboxRelay:
    def __init__(self, *, engine: AsyncEngine, tables: MessagingTables, bootstrap: str, service: str,
                 registry: CollectorRegistry, batch_size: int = 500, interval: float = 0.2,
                 kafka_options: dict | None = None, retention: timedelta = OUTBOX_RETENTION,
                 prune_batch: int = PRUNE_BATCH):
        self._engine, self._outbox = engine, tables.outbox
        self._bootstrap, self._service, self._kafka_options = bootstrap, service, kafka_options or {}
        self._batch_size, self._interval = batch_size, interval
        self._retention, self._prune_batch = retention, prune_batch
        self.metrics = RelayMetrics(registry, service)
        self._producer: AIOKafkaProducer | None = None
        self._lock_key = zlib.crc32(f"sipelkop-outbox-{service}".encode())
        self._wake = asyncio.Event()
        self._publishing = engine  # the engine publish_once uses (run gives it a connection of its own)

    async def run(self) -> None:
        # Gauges are refreshed on their own beat: a relay stuck waiting for Kafka must still report its backlog.
        helpers = [asyncio.create_task(self._metrics_loop(), name=f"{self._service}-outbox-metrics")]
        if is_postgres(self._engine):
            listener = OutboxListener(self._engine, self._wake.set, on_state=self.metrics.listening.set)
            helpers.append(asyncio.create_task(listener.run(), name=f"{self._service}-outbox-listener"))
            # A pool of one for publishing: in the service's pool the relay queued behind every request waiting
            # for a connection, so under load events left seconds after their 201.
            self._publishing = create_engine(self._engine.url.render_as_string(hide_password=False), pool_size=1)
        try:
            await self._publish_loop()
        finally:
            for task in helpers:
                task.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)
            if self._publishing is not self._engine:
                await self._publishing.dispose()
                self._publishing = self._engine

    async def _metrics_loop(self) -> None:
        # Pruning shares this beat: a relay waiting for Kafka still deletes what has expired.
        next_prune = 0.0
        loop = asyncio.get_running_loop()
        while True:
            await self._refresh_metrics(force=True, swallow=True)
            if loop.time() >= next_prune:
                try:
                    full = await self.prune_once() == self._prune_batch
                    await self.refresh_kept()
                except Exception as exc:  # the database away: the next beat tries again
                    log.warning("outbox pruning failed (%s: %s)", type(exc).__name__, exc)
                    full = False
                next_prune = loop.time() + (0 if full else PRUNE_EVERY_S)
            await asyncio.sleep(1.0)

    async def prune_once(self, now: datetime | None = None) -> int:
        """Delete up to prune_batch rows published longer ago than the retention, oldest first; returns how many."""
        outbox = self._outbox
        cutoff = (now or datetime.now(UTC)) - self._retention
        expired = (select(outbox.c.seq).where(outbox.c.published_at < cutoff).order_by(outbox.c.seq)
                   .limit(self._prune_batch))
        async with self._engine.begin() as conn:
            deleted = (await conn.execute(outbox.delete().where(outbox.c.seq.in_(expired)))).rowcount
        self.metrics.pruned.inc(deleted)
        return deleted

    async def refresh_kept(self) -> None:
        """Kept rows and the oldest one's time: counted at the pruning beat, not every second (a month of rows)."""
        outbox = self._outbox
        async with self._engine.connect() as conn:
            count, oldest = (await conn.execute(
                select(func.count(), func.min(outbox.c.published_at)).where(outbox.c.published_at.is_not(None))
            )).one()
        self.metrics.kept.set(count)
        self.metrics.oldest_kept.set(_aware(oldest).timestamp() if oldest else 0)

    async def _publish_loop(self) -> None:
        backoff = 0.5
        while True:
            try:
                # Cleared before the round: rows committed during it wake the next wait at once.
                self._wake.clear()
                sent = await self.publish_once()
                backoff = 0.5
                if sent < self._batch_size:
                    await self._idle()
            except asyncio.CancelledError:
                await self._close_producer()
                raise
            except Exception as exc:  # Kafka or the database is away: wait and try again, never give up
                self.metrics.failures.inc()
                log.warning("outbox relay round failed (%s: %s); retrying in %.1fs", type(exc).__name__, exc, backoff)
                await self._close_producer()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)

    async def _idle(self) -> None:
        """Until new rows are committed (NOTIFY) or, as a safety net, for at most the poll interval."""
        try:
            await asyncio.wait_for(self._wake.wait(), self._interval)
        except TimeoutError:
            pass

    async def publish_once(self) -> int:
        """Publish what is unpublished, in rounds of batch_size rows in seq order, up to ROUNDS_PER_TRANSACTION
        rounds in one transaction (one on SQLite); returns how many were published."""
        async with self._publishing.begin() as conn:
            if is_postgres(self._engine):
                # Only one relay per service publishes at a time, so order holds with several replicas.
                # The mark "published" need not wait for its WAL flush: lost in a crash, it only makes the rows
                # go out again, and every consumer's inbox drops the repeats; a round no longer waits on the disk.
                got = await conn.scalar(text("SELECT pg_try_advisory_xact_lock(:k) "
                                             "AND set_config('synchronous_commit', 'off', true) = 'off'"),
                                        {"k": self._lock_key})
                if not got:
                    return 0
            rounds = ROUNDS_PER_TRANSACTION if is_postgres(self._engine) else 1
            rows, sent = await self._unpublished(conn, after=None), 0
            while rows:
                rounds -= 1
                producer = await self._ensure_producer()
                async with asyncio.timeout(SEND_TIMEOUT_S):
                    futures = [await producer.send(r.topic, r.payload.encode(), key=r.key.encode()) for r in rows]
                    acks = asyncio.gather(*futures)
                    if rounds and len(rows) == self._batch_size:
                        # The next round's rows are read while this round's acks come in. Nothing of the next
                        # round is sent before every ack of this one, so a key's order holds: a failed round fails
                        # the transaction, its marks and every later round's roll back, and the rows are sent
                        # again in seq order by a new producer (the repeats are dropped by the consumers' inbox).
                        reading = asyncio.ensure_future(self._unpublished(conn, after=rows[-1].seq))
                        try:
                            await acks
                        finally:
                            following = await reading  # done before the connection rolls back on a failure
                    else:
                        await acks
                        following = []
                await self._mark(conn, [r.seq for r in rows])
                sent += len(rows)
                rows = following
        self.metrics.published.inc(sent)
        return sent

    async def _unpublished(self, conn, *, after: int | None) -> list:
        outbox = self._outbox
        query = (select(outbox.c.seq, outbox.c.topic, outbox.c.key, outbox.c.payload)
                 .where(outbox.c.published_at.is_(None)).order_by(outbox.c.seq).limit(self._batch_size))
        if after is not None:
            query = query.where(outbox.c.seq > after)
        return (await conn.execute(query)).all()

    async def _mark(self, conn, seqs: list[int]) -> None:
        """Mark a round published in one statement."""
        if is_postgres(self._engine):
            # One array parameter instead of an IN list of batch_size parameters: one prepared statement,
            # reused every round, and far less to render and bind.
            await conn.execute(text(f"UPDATE {self._outbox.name} SET published_at = :now WHERE seq = ANY(:seqs)"),
                               {"now": datetime.now(UTC), "seqs": seqs})
        else:
            await conn.execute(self._outbox.update().where(self._outbox.c.seq.in_(seqs))
                               .values(published_at=datetime.now(UTC)))

    async def _ensure_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = new_producer(self._bootstrap, self._kafka_options)
            try:
                await producer.start()
            except Exception:
                await producer.stop()
                raise
            self._producer = producer
        return self._producer

    async def _close_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            try:
                await asyncio.wait_for(producer.stop(), 5)
            except Exception:
                pass

    async def _refresh_metrics(self, force: bool = False, swallow: bool = False) -> None:
        outbox = self._outbox
        try:
            async with self._engine.begin() as conn:
                count, oldest = (await conn.execute(
                    select(func.count(), func.min(outbox.c.created_at)).where(outbox.c.published_at.is_(None))
                )).one()
        except Exception:
            if swallow:
                return
            raise
        self.metrics.backlog.set(count)
        self.metrics.oldest_age.set((datetime.now(UTC) - _aware(oldest)).total_seconds() if oldest else 0)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite hands back naive datetimes
