"""Chaos tests run their own Kafka broker and PostgreSQL server: they stop and crash them, which the shared ones
must never suffer (other tests run on those)."""
import shutil
import tempfile
from pathlib import Path

import pytest

from shared.infra.kafka_local import LocalKafka
from shared.infra.postgres_local import LocalPostgres
from tests.fixtures.infra import free_port


@pytest.fixture
def own_kafka():
    data_dir = Path(tempfile.mkdtemp(prefix="sipelkop-kafka-chaos-"))
    broker = LocalKafka(data_dir, port=free_port())
    broker.start()
    yield broker
    broker.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def own_postgres():
    data_dir = Path(tempfile.mkdtemp(prefix="sipelkop-pg-chaos-"))
    server = LocalPostgres(data_dir, port=free_port())
    server.start()
    yield server
    server.stop("immediate")
    shutil.rmtree(data_dir, ignore_errors=True)
