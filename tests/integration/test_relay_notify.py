"""The relay is woken by PostgreSQL's NOTIFY: a committed outbox row reaches Kafka at once, not at the next poll,
and after the database restarts the relay listens again by itself. Over a real PostgreSQL server of the test's
own (it is killed and started again), the real broker, registration's migrations (they create the trigger) and the
services' relay class. The poll interval is 30 s, so only the notification can explain a publish within 10 s."""
import asyncio
import json
import time
import uuid
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer
from prometheus_client import CollectorRegistry
from sqlalchemy import MetaData, select

from services.registration.bootstrap import MIGRATIONS
from shared.db import create_engine, migrate
from shared.messaging.broker import ensure_topics
from shared.messaging.relay import OutboxRelay
from shared.messaging.tables import messaging_tables

TOPIC = "sipelkop.registration.relay-notify-test.v1"
POLL_S = 30.0
PROMPT_S = 10.0  # a third of the poll interval: generous for a loaded machine, impossible for a poll


def test_a_committed_row_is_published_at_once_and_again_after_a_database_restart(own_postgres, kafka,
                                                                                 topic_prefix):
    own_postgres.create_database("relaynotify")
    asyncio.run(_scenario(own_postgres, own_postgres.url("relaynotify"), kafka, topic_prefix + TOPIC))


async def _scenario(server, url: str, kafka, topic: str) -> None:
    await ensure_topics(kafka.bootstrap, topics=(topic,), options=kafka.options("admin"))
    await migrate(MIGRATIONS, url)
    tables = messaging_tables(MetaData())
    engine = create_engine(url)
    relay = OutboxRelay(engine=engine, tables=tables, bootstrap=kafka.bootstrap, service="registration",
                        registry=CollectorRegistry(), interval=POLL_S, kafka_options=kafka.options("admin"))
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=kafka.bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False, group_id=None, **kafka.options("admin"))
    await consumer.start()
    task = asyncio.create_task(relay.run())
    listening = relay.metrics.listening._value.get
    try:
        await _until(lambda: listening() == 1, "the relay listens")
        await asyncio.sleep(1)  # its first rounds are over: from here it waits for a NOTIFY or 30 s

        first = await _write(engine, tables, topic, "before the restart")
        took = await _published(consumer, engine, tables, first)
        print(f"published {took:.2f} s after the commit (poll interval {POLL_S:.0f} s)")

        await asyncio.to_thread(server.kill)  # a crash: the listener's connection dies with the server
        await _until(lambda: listening() == 0, "the relay noticed the listener's connection is gone")
        await asyncio.to_thread(server.start)
        await _until(lambda: listening() == 1, "the relay listens again after the restart", timeout=60)
        await asyncio.sleep(2)  # the round its new listener woke is over

        second = await _write(engine, tables, topic, "after the restart")
        took = await _published(consumer, engine, tables, second)
        print(f"after the restart: published {took:.2f} s after the commit")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await consumer.stop()
        await engine.dispose()


async def _write(engine, tables, topic: str, note: str) -> str:
    event_id = str(uuid.uuid4())
    async with engine.begin() as conn:
        await conn.execute(tables.outbox.insert(), [
            {"event_id": event_id, "event_type": "test", "topic": topic, "key": "k",
             "payload": json.dumps({"event_id": event_id, "note": note}), "created_at": datetime.now(UTC)}])
    return event_id


async def _published(consumer: AIOKafkaConsumer, engine, tables, event_id: str) -> float:
    """Seconds from the commit to the event on Kafka; fails unless it arrives within PROMPT_S."""
    committed = time.monotonic()
    try:
        async with asyncio.timeout(PROMPT_S):
            while True:
                batch = await consumer.getmany(timeout_ms=200)
                if any(json.loads(m.value)["event_id"] == event_id for ms in batch.values() for m in ms):
                    break
    except TimeoutError:
        raise AssertionError(f"event {event_id} not on Kafka within {PROMPT_S} s of its commit (the relay polls "
                             f"every {POLL_S} s: it was not woken)") from None
    took = time.monotonic() - committed
    for _ in range(100):  # the mark follows the broker's ack
        async with engine.connect() as conn:
            if await conn.scalar(select(tables.outbox.c.published_at).where(tables.outbox.c.event_id == event_id)):
                return took
        await asyncio.sleep(0.1)
    raise AssertionError(f"event {event_id} on Kafka but its outbox row not marked published")


async def _until(condition, what: str, timeout: float = 20) -> None:
    try:
        async with asyncio.timeout(timeout):
            while not condition():
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"not within {timeout} s: {what}") from None


def test_on_sqlite_the_relay_polls(kafka, topic_prefix, tmp_path):
    asyncio.run(_sqlite(kafka, f"sqlite+aiosqlite:///{tmp_path}/outbox.db", topic_prefix + TOPIC))


async def _sqlite(kafka, url: str, topic: str) -> None:
    await ensure_topics(kafka.bootstrap, topics=(topic,), options=kafka.options("admin"))
    metadata = MetaData()
    tables = messaging_tables(metadata)
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    relay = OutboxRelay(engine=engine, tables=tables, bootstrap=kafka.bootstrap, service="registration",
                        registry=CollectorRegistry(), interval=0.2, kafka_options=kafka.options("admin"))
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=kafka.bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False, group_id=None, **kafka.options("admin"))
    await consumer.start()
    task = asyncio.create_task(relay.run())
    try:
        await _published(consumer, engine, tables, await _write(engine, tables, topic, "on SQLite"))
        assert relay.metrics.listening._value.get() == 0  # no NOTIFY there: the poll found it
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await consumer.stop()
        await engine.dispose()
