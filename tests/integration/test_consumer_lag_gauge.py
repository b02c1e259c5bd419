"""Registration's consumer lag on /metrics, read from the real broker as reporting reads its own: the events on
each topic it consumes that its group has not committed as applied."""
import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import OffsetAndMetadata
from prometheus_client import generate_latest

from services.registration.bootstrap import bootstrap
from services.registration.config import RegistrationSettings
from shared.db import migrate
from shared.messaging.gauges import OperationalGauges


async def refreshed_until(gauges, rt, done, timeout: float = 60) -> None:
    """Refresh until `done()`: a group's coordinator may take a moment to be found on a broker just started."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        await gauges.refresh(rt)
        if done() or loop.time() > deadline:
            return
        await asyncio.sleep(0.5)


def behind(rt, topic: str) -> str | None:
    for line in generate_latest(rt.registry).decode().splitlines():
        if line.startswith(f'sipelkop_consumer_events_behind{{consumer="registration",topic="{topic}"}}'):
            return line.rsplit(" ", 1)[1]
    return None


async def test_registration_lag_counts_what_its_group_has_not_committed(kafka, topic_prefix, tmp_path):
    kafka.prepare(topic_prefix)
    settings = RegistrationSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/r.db", topic_prefix=topic_prefix,
                                    **kafka.settings("registration"))
    rt = bootstrap(settings)
    await migrate(rt.migrations, settings.database_url)
    topic = f"{topic_prefix}sipelkop.training.batch"
    assert topic in rt.consumer.topics
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap, **kafka.options("admin"))
    await producer.start()
    try:
        sent = [await (await producer.send(topic, b"{}", key=f"b{i}".encode(), partition=0)) for i in range(5)]
    finally:
        await producer.stop()
    gauges = OperationalGauges.of(rt)
    try:
        await refreshed_until(gauges, rt, lambda: behind(rt, topic) == "5.0")
        assert behind(rt, topic) == "5.0"
        assert 'sipelkop_ready_check{check="kafka",service="registration"} 1.0' in generate_latest(rt.registry).decode()

        group = AIOKafkaConsumer(bootstrap_servers=kafka.bootstrap, group_id=f"{topic_prefix}sipelkop-registration",
                                 enable_auto_commit=False, **kafka.options("admin"))
        await group.start()
        await asyncio.sleep(0)
        try:
            tp = TopicPartition(topic, 0)
            group.assign([tp])
            await group.commit({tp: OffsetAndMetadata(sent[3].offset + 1, "")})  # four applied
        finally:
            await group.stop()
        await refreshed_until(gauges, rt, lambda: behind(rt, topic) == "1.0")
        assert behind(rt, topic) == "1.0"
    finally:
        await rt.engine.dispose()
