"""Readiness signs in to Kafka with the service's own credentials: an open port with a wrong password is not ready,
and /readyz names Kafka (the suite's broker requires SCRAM-SHA-512)."""
from __future__ import annotations

import asyncio

import httpx
import pytest

from shared.runtime import kafka_signs_in
from tests.fixtures.services import start_stack, wait_for


@pytest.fixture
def sasl_kafka(kafka):
    if not kafka.sasl:  # SIPELKOP_TEST_KAFKA_SASL=0: a plain-text broker has no credentials to get wrong
        pytest.skip("the suite's broker runs without SASL (SIPELKOP_TEST_KAFKA_SASL=0)")
    return kafka


def test_the_check_signs_in_with_the_configured_credentials(sasl_kafka):
    right = sasl_kafka.options("registration")
    assert asyncio.run(kafka_signs_in(sasl_kafka.bootstrap, right))
    assert not asyncio.run(kafka_signs_in(sasl_kafka.bootstrap, right | {"sasl_plain_password": "salah-" * 6}))
    assert not asyncio.run(kafka_signs_in(sasl_kafka.bootstrap, {}))  # the port answers, but without SASL


def test_a_service_with_a_wrong_kafka_password_is_not_ready_and_says_kafka(sasl_kafka, topic_prefix, tmp_path):
    urls = {"registration": f"sqlite+aiosqlite:///{tmp_path / 'registration.db'}"}
    stack = start_stack(kafka_bootstrap=sasl_kafka.bootstrap, database_urls=urls, topic_prefix=topic_prefix,
                        log_dir=tmp_path, extra_env={"SIPELKOP_KAFKA_SASL_PASSWORD": "salah-" * 6})
    try:
        url = stack["registration"].url
        # The database comes up with the migrations; Kafka never does with that password.
        answer = wait_for(lambda: (a := httpx.get(f"{url}/readyz", timeout=15)).json()["checks"]["database"] and a,
                          message="the database check")
        assert answer.status_code == 503
        assert answer.json() == {"status": "not_ready", "checks": {"database": True, "kafka": False}}
    finally:
        stack.stop()
