"""Forged events on the real broker: one with a huge aggregate_version, one with another service's source, one
whose type belongs to another topic (identity's). Registration parks each with its reason and keeps its replica
of the batch; the next real update still applies."""
from __future__ import annotations

import asyncio

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from services.registration.bootstrap import create_registration_app
from services.registration.config import RegistrationSettings
from shared.events.envelope import Envelope
from shared.events.identity import ACCOUNT_TOPIC
from shared.events.training import BATCH_TOPIC, BatchScheduled, BatchUpdated
from tests.fixtures import factories
from tests.fixtures.tokens import test_token


@pytest.fixture
async def registration(pg_url, kafka, topic_prefix):
    kafka.prepare(topic_prefix)  # with SASL: the prefix's ACLs and topics
    settings = RegistrationSettings(database_url=pg_url, env="test", **kafka.settings("registration"),
                                    topic_prefix=topic_prefix)
    app = create_registration_app(settings, start_background=False)
    await app.state.runtime.start(run_relay=False, run_consumers=True)
    yield app
    await app.state.runtime.stop()


def batch_event(cls, body: dict, version: int, source: str = "/sipelkop/training") -> bytes:
    event = cls(**body)
    return Envelope.wrap(event, source=source, subject=str(event.batch_id),
                         aggregate_version=version).model_dump_json().encode()


async def eventually(check, message: str, timeout: float = 60):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await check()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {message}; last value: {value!r}")
        await asyncio.sleep(0.25)


async def test_forged_events_are_parked_and_the_batch_keeps_its_real_state(registration, kafka, topic_prefix):
    body = factories.batch_scheduled(capacity=30)
    key = str(body["batch_id"]).encode()
    # As the admin: with ACLs no service's principal may write both training's and identity's topics; the
    # consumer's own checks are what this test is about (the ACLs' are tests/integration/test_kafka_acl.py).
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap, **kafka.options("admin"))
    await producer.start()
    try:
        await producer.send_and_wait(topic_prefix + BATCH_TOPIC, batch_event(BatchScheduled, body, 1), key=key)
        # Anyone who can write to the topic: a version that makes every later real update "stale" ...
        await producer.send_and_wait(topic_prefix + BATCH_TOPIC,
                                     batch_event(BatchUpdated, {**body, "capacity": 999}, 2147483647), key=key)
        # ... registration's credentials passing an event off as training's ...
        await producer.send_and_wait(topic_prefix + BATCH_TOPIC, batch_event(
            BatchUpdated, {**body, "capacity": 777}, 2, source="/sipelkop/registration"), key=key)
        # ... and a batch event put on identity's account topic.
        await producer.send_and_wait(topic_prefix + ACCOUNT_TOPIC,
                                     batch_event(BatchUpdated, {**body, "capacity": 555}, 2), key=key)
    finally:
        await producer.stop()

    runtime = registration.state.runtime
    admin = httpx.AsyncClient(transport=httpx.ASGITransport(app=registration), base_url="http://registration",
                              headers={"Authorization": f"Bearer {test_token(subject='admin', role='admin')}"})
    url = f"/api/v1/batches/{body['batch_id']}"
    letters = await eventually(lambda: _parked(runtime, 3), "three forged events parked")
    reasons = sorted(letter["error"] for letter in letters)
    assert any("versi agregat 2147483647 terlalu jauh" in r for r in reasons), reasons
    assert any("sumber event '/sipelkop/registration' bukan layanan pemilik topik" in r for r in reasons), reasons
    assert any(f"bukan milik topik {ACCOUNT_TOPIC}" in r for r in reasons), reasons
    batch = (await admin.get(url)).json()
    assert batch["capacity"] == 30

    # Training's next real update applies: the forged version left nothing behind.
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap, **kafka.options("training"))
    await producer.start()
    try:
        await producer.send_and_wait(topic_prefix + BATCH_TOPIC,
                                     batch_event(BatchUpdated, {**body, "capacity": 40}, 2), key=key)
    finally:
        await producer.stop()

    async def updated():
        answer = await admin.get(url)
        return answer.status_code == 200 and answer.json()["capacity"] == 40

    await eventually(updated, "the real update applied")
    assert len(await runtime.dead_letters.list()) == 3
    await admin.aclose()


async def _parked(runtime, count: int):
    letters = await runtime.dead_letters.list()
    return letters if len(letters) >= count else None

