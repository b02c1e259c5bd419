"""The broker refuses what a service's principal may not do: no credentials, another service's topic, a topic
outside its ACL (a broker of the module's own with SASL/SCRAM-SHA-512 and the StandardAuthorizer)."""
from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError, TopicAuthorizationFailedError

from shared.infra.kafka_access import client_env
from shared.infra.kafka_local import LocalKafka
from shared.messaging.broker import ensure_topics, kafka_options
from shared.settings import ServiceSettings
from tests.fixtures.infra import free_port


@pytest.fixture(scope="module")
def sasl_kafka():
    data_dir = Path(tempfile.mkdtemp(prefix="sipelkop-kafka-acl-"))
    broker = LocalKafka(data_dir, port=free_port(), sasl=True)
    broker.start()
    yield broker
    broker.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


def options(broker: LocalKafka, user: str, password: str | None = None) -> dict:
    env = client_env(user, password or broker.passwords[user])
    settings = ServiceSettings(**{k.removeprefix("SIPELKOP_").lower(): v for k, v in env.items()})
    return kafka_options(settings)


@pytest.fixture
def prefix(sasl_kafka) -> str:
    prefix = f"t{uuid.uuid4().hex[:8]}."
    sasl_kafka.grant(prefix)
    asyncio.run(ensure_topics(sasl_kafka.bootstrap, prefix, options=options(sasl_kafka, "admin")))
    return prefix


async def produce(broker: LocalKafka, topic: str, opts: dict) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, request_timeout_ms=5_000, **opts)
    try:
        await producer.start()
        await producer.send_and_wait(topic, b'{"forged": true}', key=b"k")
    finally:
        await producer.stop()


def test_a_client_without_credentials_cannot_produce(sasl_kafka, prefix):
    log_size = sasl_kafka.log_file.stat().st_size
    with pytest.raises(KafkaConnectionError):
        asyncio.run(produce(sasl_kafka, f"{prefix}sipelkop.training.batch", {}))
    # The broker's own words: it closed the connection because a request came before the SASL handshake.
    with open(sasl_kafka.log_file, "rb") as log:
        log.seek(log_size)
        said = log.read().decode(errors="replace")
    assert "Unexpected Kafka request of type METADATA during SASL handshake" in said, said[-2000:]


def test_a_wrong_password_is_refused_by_the_broker(sasl_kafka, prefix, caplog):
    with pytest.raises(KafkaConnectionError):
        asyncio.run(produce(sasl_kafka, f"{prefix}sipelkop.training.batch",
                            options(sasl_kafka, "training", password="bukan-kata-sandinya")))
    assert ("Authentication failed during authentication due to invalid credentials with SASL mechanism "
            "SCRAM-SHA-512") in caplog.text  # the broker's SaslAuthenticationFailed, as the client logs it


def test_registration_cannot_write_a_training_topic(sasl_kafka, prefix):
    registration = options(sasl_kafka, "registration")
    asyncio.run(produce(sasl_kafka, f"{prefix}sipelkop.registration.participant", registration))  # its own: fine
    with pytest.raises(TopicAuthorizationFailedError) as refused:
        asyncio.run(produce(sasl_kafka, f"{prefix}sipelkop.training.batch", registration))
    assert refused.value.errno == 29  # TOPIC_AUTHORIZATION_FAILED, the broker's answer


def test_training_can_write_its_own_topic_and_not_another_prefix(sasl_kafka, prefix):
    training = options(sasl_kafka, "training")
    asyncio.run(produce(sasl_kafka, f"{prefix}sipelkop.training.batch", training))
    with pytest.raises(TopicAuthorizationFailedError):  # the ACL is the namespace's, not every namespace's
        asyncio.run(produce(sasl_kafka, f"other.{prefix}sipelkop.training.batch", training))


async def first_event(broker: LocalKafka, topic: str, group: str, opts: dict):
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=broker.bootstrap, group_id=group,
                                auto_offset_reset="earliest", request_timeout_ms=5_000, **opts)
    try:
        await consumer.start()
        return await asyncio.wait_for(consumer.getone(), 30)
    finally:
        await consumer.stop()


def test_a_consumer_reads_what_it_consumes_and_nothing_else(sasl_kafka, prefix):
    asyncio.run(produce(sasl_kafka, f"{prefix}sipelkop.registration.participant", options(sasl_kafka, "registration")))
    asyncio.run(produce(sasl_kafka, f"{prefix}sipelkop.registration.cooperative", options(sasl_kafka, "registration")))
    training = options(sasl_kafka, "training")
    record = asyncio.run(first_event(sasl_kafka, f"{prefix}sipelkop.registration.participant",
                                     f"{prefix}sipelkop-training", training))
    assert record.value == b'{"forged": true}'
    # Training does not consume cooperatives (only reporting does): the broker refuses the topic.
    with pytest.raises(TopicAuthorizationFailedError):
        asyncio.run(first_event(sasl_kafka, f"{prefix}sipelkop.registration.cooperative",
                                f"{prefix}sipelkop-training", training))


def test_a_consumer_cannot_use_another_services_group(sasl_kafka, prefix):
    from aiokafka.errors import GroupAuthorizationFailedError

    with pytest.raises(GroupAuthorizationFailedError):
        asyncio.run(first_event(sasl_kafka, f"{prefix}sipelkop.registration.participant",
                                f"{prefix}sipelkop-reporting", options(sasl_kafka, "training")))


def test_a_data_dir_from_before_sasl_gets_its_users_on_the_first_sasl_start(tmp_path):
    """`sipelkop up` on a .data/kafka formatted by an older version (no SCRAM users): the services can sign in."""
    port = free_port()
    old = LocalKafka(tmp_path, port=port)
    old.start()
    old.stop()
    assert not (tmp_path / "credentials.json").exists()
    broker = LocalKafka(tmp_path, port=port, sasl=True)
    broker.start()
    try:
        asyncio.run(ensure_topics(broker.bootstrap, "", options=options(broker, "admin")))
        asyncio.run(produce(broker, "sipelkop.registration.participant", options(broker, "registration")))
        with pytest.raises(KafkaConnectionError):  # and it requires them now
            asyncio.run(produce(broker, "sipelkop.registration.participant", {}))
    finally:
        broker.stop()
