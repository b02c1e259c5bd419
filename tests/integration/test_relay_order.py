"""A backlog goes out in several rounds per transaction, the next round's rows read while the current round's acks
come in; a round the broker refuses is never overtaken: nothing after it is sent, the rounds before it are sent
again, and once it can be sent every row reaches Kafka first in the order written. Over the real broker (a topic
whose max.message.bytes refuses one row) and PostgreSQL, with the services' relay class."""
import asyncio
import json
import uuid
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from prometheus_client import CollectorRegistry
from sqlalchemy import MetaData, func, select, update

from shared.db import create_engine
from shared.messaging.relay import ROUNDS_PER_TRANSACTION, OutboxRelay
from shared.messaging.tables import messaging_tables

TOPIC = "sipelkop.registration.relay-order-test.v1"
BATCH = 20
ROWS = BATCH * ROUNDS_PER_TRANSACTION * 2  # two transactions' worth
REFUSED = BATCH + 5  # in the second round: the first round was acked when it is refused


def test_a_refused_round_is_not_overtaken_and_the_order_holds(kafka, pg_url, topic_prefix):
    asyncio.run(_scenario(kafka, pg_url, topic_prefix + TOPIC))


async def _scenario(kafka, url: str, topic: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap, **kafka.options("admin"))
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1,
                                            topic_configs={"max.message.bytes": "4000"})])
    finally:
        await admin.close()
    metadata = MetaData()
    tables = messaging_tables(metadata)
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await conn.execute(tables.outbox.insert(), [
            {"event_id": str(uuid.uuid4()), "event_type": "test", "topic": topic, "key": "one-aggregate",
             "payload": json.dumps({"n": n, "pad": "x" * (20_000 if n == REFUSED else 0)}),
             "created_at": datetime.now(UTC)} for n in range(ROWS)])
    relay = OutboxRelay(engine=engine, tables=tables, bootstrap=kafka.bootstrap, service="registration",
                        registry=CollectorRegistry(), batch_size=BATCH, interval=0.05,
                        kafka_options=kafka.options("admin"))
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=kafka.bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False, group_id=None, **kafka.options("admin"))
    await consumer.start()
    task = asyncio.create_task(relay.run())
    seen: list[int] = []
    try:
        async def read(until) -> None:
            async with asyncio.timeout(60):
                while not until():
                    batch = await consumer.getmany(timeout_ms=300)
                    seen.extend(json.loads(m.value)["n"] for ms in batch.values() for m in ms)

        # The refused round fails its transaction again and again (the relay backs off meanwhile).
        await read(lambda: relay.metrics.failures._value.get() >= 2)
        await asyncio.sleep(1)
        await read(lambda: True)
        # Nothing from the refused row on got out; what did (the first round) got out in order, again after
        # each failed transaction: every pass starts from the first row.
        assert seen and seen[0] == 0 and max(seen) < REFUSED, seen
        assert all(b == a + 1 or b == 0 for a, b in zip(seen, seen[1:])), seen
        async with engine.connect() as conn:  # its marks were rolled back with the refused round
            assert await conn.scalar(select(func.count()).where(tables.outbox.c.published_at.is_(None))) == ROWS

        async with engine.begin() as conn:  # the row is repaired: now it fits
            await conn.execute(update(tables.outbox).where(tables.outbox.c.payload.like(f'{{"n": {REFUSED},%'))
                               .values(payload=json.dumps({"n": REFUSED, "pad": ""})))
        await read(lambda: set(range(ROWS)) <= set(seen))
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await consumer.stop()
        await engine.dispose()
    first_seen = list(dict.fromkeys(seen))
    assert first_seen == list(range(ROWS))  # what a consumer applies (repeats dropped) is the order written
