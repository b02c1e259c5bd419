"""Reporting over the real broker and PostgreSQL: events published to Kafka, the app consuming them."""
import asyncio

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from services.reporting.bootstrap import create_reporting_app
from services.reporting.config import ReportingSettings
from tests.fixtures.tokens import test_token
from shared.messaging.broker import ensure_topics


@pytest.fixture
def settings(kafka, pg_url, topic_prefix):
    kafka.prepare(topic_prefix)  # with SASL: the prefix's ACLs and topics
    return ReportingSettings(database_url=pg_url, **kafka.settings("reporting"), topic_prefix=topic_prefix,
                             store_poll_s=0.3, metrics_interval_s=0.5)


@pytest.fixture
async def publish(settings, kafka):
    await ensure_topics(settings.kafka_bootstrap, settings.topic_prefix, options=kafka.options("admin"))
    # As the admin: the test stands in for every producing service.
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all", linger_ms=5,
                                **kafka.options("admin"))
    await producer.start()

    async def publish(records):
        for record in records:
            await producer.send(record.topic, record.value, key=record.key)
        await producer.flush()

    yield publish
    await producer.stop()


@pytest.fixture
async def app(settings, publish):
    app = create_reporting_app(settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def viewer(app):
    token = test_token(subject="kementerian", role="viewer")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reporting",
                                 headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


async def eventually(probe, timeout: float = 60, message: str = "condition"):
    deadline = asyncio.get_running_loop().time() + timeout
    last = None
    while asyncio.get_running_loop().time() < deadline:
        last = await probe()
        if last:
            return last
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out waiting for {message}; last: {last!r}")
