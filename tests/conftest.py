"""Session-wide fixtures: the real broker and database are started once and shared; each test gets fresh names."""
from __future__ import annotations

import contextlib
import os
import uuid

import pytest

# SIPELKOP_ENV defaults to production: the suite says what it is, for its own process and every command and
# service it starts with os.environ (the service fixtures say test; a test needing production sets it itself).
os.environ["SIPELKOP_ENV"] = "development"

from tests.fixtures.infra import start_kafka, start_postgres  # noqa: E402

import tests.fixtures.tokens  # noqa: E402,F401  (every service the suite starts trusts the test key ring)


@pytest.fixture(scope="session")
def infra_stack():
    with contextlib.ExitStack() as stack:
        yield stack


@pytest.fixture(scope="session")
def kafka(infra_stack):
    return start_kafka(infra_stack)


@pytest.fixture(scope="session")
def postgres(infra_stack):
    return start_postgres(infra_stack)


@pytest.fixture
def topic_prefix() -> str:
    """Each test gets its own topics and consumer groups on the shared broker."""
    return f"t{uuid.uuid4().hex[:8]}."


@pytest.fixture
def pg_url(postgres) -> str:
    return postgres.new_database()


pytest_plugins = ["tests.fixtures.browser"]


@pytest.fixture
def stack(kafka, postgres, topic_prefix, tmp_path):
    """The three services as processes, each with its own PostgreSQL database, on the shared broker."""
    from tests.fixtures.services import start_stack

    urls = {name: postgres.new_database(name[:3]) for name in ("registration", "training", "reporting")}
    running = start_stack(kafka_bootstrap=kafka.bootstrap, database_urls=urls, topic_prefix=topic_prefix,
                          log_dir=tmp_path)
    yield running
    running.stop()


@pytest.fixture
def full_stack(kafka, postgres, topic_prefix, tmp_path):
    """All four services as processes: identity signs and publishes its keys, the others fetch them over HTTP."""
    from tests.fixtures.services import start_stack

    urls = {name: postgres.new_database(name[:3]) for name in ("identity", "registration", "training", "reporting")}
    running = start_stack(kafka_bootstrap=kafka.bootstrap, database_urls=urls, topic_prefix=topic_prefix,
                          log_dir=tmp_path)
    yield running
    running.stop()


@pytest.fixture
def own_kafka():
    """A broker of the test's own, for tests that stop or kill it (the shared one must never suffer that)."""
    import shutil
    import tempfile
    from pathlib import Path

    from shared.infra.kafka_local import LocalKafka
    from tests.fixtures.infra import free_port

    data_dir = Path(tempfile.mkdtemp(prefix="sipelkop-kafka-own-"))
    broker = LocalKafka(data_dir, port=free_port())
    broker.start()
    yield broker
    broker.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def own_postgres():
    """A PostgreSQL server of the test's own, for tests that crash or stop it."""
    import shutil
    import tempfile
    from pathlib import Path

    from shared.infra.postgres_local import LocalPostgres
    from tests.fixtures.infra import free_port

    data_dir = Path(tempfile.mkdtemp(prefix="sipelkop-pg-own-"))
    server = LocalPostgres(data_dir, port=free_port())
    server.start()
    yield server
    server.stop("immediate")
    shutil.rmtree(data_dir, ignore_errors=True)
