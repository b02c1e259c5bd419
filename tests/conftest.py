"""Session-wide fixtures: the real broker and database are started once and shared; each test gets fresh names."""
from __future__ import annotations

import contextlib
import os
import uuid

import pytest

from tests.fixtures.infra import start_kafka, start_postgres

TEST_SECRET = "test-secret-0123456789abcdef-0123456789"
os.environ.setdefault("SIPELKOP_SECRET_KEY", TEST_SECRET)


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
