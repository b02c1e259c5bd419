"""Two replicas of a service share one outbox: their relays take turns under PostgreSQL's advisory lock, so every
row reaches Kafka once and in order, and when the holder of the lock dies the other replica publishes what is left.
Over the real broker and PostgreSQL; the relays are the services' own class, two engines as two replicas have."""
import asyncio
import json
import uuid
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer
from prometheus_client import CollectorRegistry
from sqlalchemy import MetaData, func, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from shared.messaging.broker import ensure_topics
from shared.messaging.relay import OutboxRelay
from shared.messaging.tables import messaging_tables

TOPIC = "sipelkop.registration.relay-lock-test.v1"


def test_two_relays_publish_each_row_once_in_order_and_hand_over(kafka, pg_url, topic_prefix):
    asyncio.run(_scenario(kafka, pg_url, topic_prefix + TOPIC))


async def _scenario(kafka, url: str, topic: str) -> None:
    await ensure_topics(kafka.bootstrap, topics=(topic,), options=kafka.options("admin"))
    metadata = MetaData()
    tables = messaging_tables(metadata)
    engines = [create_async_engine(url) for _ in range(3)]  # replica A, replica B, and a killed replica's session
    async with engines[0].begin() as conn:
        await conn.run_sync(metadata.create_all)
    relays = [OutboxRelay(engine=e, tables=tables, bootstrap=kafka.bootstrap, service="registration",
                          registry=CollectorRegistry(), batch_size=25, interval=0.05,
                          kafka_options=kafka.options("admin")) for e in engines[:2]]
    key = str(uuid.uuid4())  # one aggregate: its events must leave in the order they were written
    written = 0

    async def write(n: int) -> None:
        nonlocal written
        async with engines[0].begin() as conn:
            await conn.execute(tables.outbox.insert(), [
                {"event_id": str(uuid.uuid4()), "event_type": "test", "topic": topic, "key": key,
                 "payload": json.dumps({"n": written + i}), "created_at": datetime.now(UTC)} for i in range(n)])
        written += n

    async def unpublished() -> int:
        async with engines[0].connect() as conn:
            return await conn.scalar(select(func.count()).where(tables.outbox.c.published_at.is_(None)))

    async def until(condition, message: str, timeout: float = 60) -> None:
        try:
            async with asyncio.timeout(timeout):
                while not await condition():
                    await asyncio.sleep(0.1)
        except TimeoutError:
            raise AssertionError(f"not within {timeout} s: {message} ({await unpublished()} unpublished)") from None

    tasks = [asyncio.create_task(r.run()) for r in relays]
    try:
        # Both replicas run while rows keep coming.
        for _ in range(8):
            await write(40)
            await asyncio.sleep(0.05)
        await until(lambda: _zero(unpublished), "first 320 published")

        # A replica dies in the middle of its round, holding the lock: nobody publishes while its session lives...
        dying = await engines[2].connect()
        transaction = await dying.begin()
        assert await dying.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": relays[0]._lock_key})
        await write(60)
        await asyncio.sleep(2)  # both live relays run several rounds meanwhile (every 0.05 s)
        assert await unpublished() == 60
        # Replica A is stopped meanwhile (between rounds: it holds nothing), so B alone publishes from here on.
        tasks[0].cancel()
        await asyncio.gather(tasks[0], return_exceptions=True)
        # When the dying replica's connection goes (the process is gone), the lock goes with it and B sends the rest.
        await transaction.rollback()
        await dying.close()
        await write(40)
        await until(lambda: _zero(unpublished), "rows written after the hand-over published")
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for engine in engines:
            await engine.dispose()

    sent = [json.loads(v)["n"] for v in await _read_all(kafka, topic, written)]
    assert sent == list(range(written))  # every row once, in the order written: no repeat, no gap
    assert written == 420
    published = [r.metrics.published._value.get() for r in relays]
    assert sum(published) == written and published[1] >= 100, published  # B took over all that was left


async def _zero(count) -> bool:
    return await count() == 0


async def _read_all(kafka, topic: str, expected: int) -> list[bytes]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=kafka.bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False, group_id=None, **kafka.options("admin"))
    await consumer.start()
    values: list[bytes] = []
    try:
        async with asyncio.timeout(60):
            while len(values) < expected:
                batch = await consumer.getmany(timeout_ms=1000)
                values += [m.value for messages in batch.values() for m in messages]
        extra = await consumer.getmany(timeout_ms=1500)  # anything beyond the rows written would be a repeat
        values += [m.value for messages in extra.values() for m in messages]
    finally:
        await consumer.stop()
    return values
