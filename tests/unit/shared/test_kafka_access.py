"""Who may do what on the broker (shared/infra/kafka_access.py) and how a service's settings sign it in."""
from __future__ import annotations

import stat

import pytest
from pydantic import ValidationError

from shared.infra.kafka_access import all_grants, consumed_topics, load_or_create_passwords, service_grants
from shared.messaging.broker import kafka_options
from shared.settings import ServiceSettings


def test_each_service_writes_only_its_own_topics_and_reads_what_its_consumers_subscribe():
    consumes = consumed_topics()
    assert "sipelkop.training.batch" in consumes["registration"] and consumes["identity"] == []
    for grant in all_grants("kaltim."):
        if grant.operation in ("WRITE", "CREATE"):
            assert grant.prefixed and grant.name == f"kaltim.sipelkop.{grant.user}.", grant
        if grant.operation == "READ" and grant.resource == "TOPIC":
            assert grant.name.removeprefix("kaltim.") in consumes[grant.user], grant
        if grant.resource == "GROUP":
            assert grant.name == f"kaltim.sipelkop-{grant.user}", grant
    assert not any(g.user == "admin" for g in all_grants())  # the super user needs none


def test_a_service_that_consumes_nothing_gets_no_group_and_no_read():
    grants = service_grants("identity", [], "")
    assert {g.operation for g in grants} == {"WRITE", "DESCRIBE", "CREATE", "IDEMPOTENT_WRITE"}
    assert not [g for g in grants if g.resource == "GROUP"]


def test_local_passwords_are_generated_once_readable_by_the_owner_only(tmp_path):
    path = tmp_path / "kafka" / "credentials.json"
    first = load_or_create_passwords(path)
    assert set(first) == {"admin", "identity", "registration", "training", "reporting"}
    assert len(set(first.values())) == 5 and all(len(p) >= 32 for p in first.values())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_passwords(path) == first


def test_sasl_settings_become_client_options():
    settings = ServiceSettings(kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_username="training",
                               kafka_sasl_password="rahasia")
    assert kafka_options(settings) == {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-512",
                                       "sasl_plain_username": "training", "sasl_plain_password": "rahasia"}
    assert "rahasia" not in repr(settings)  # a secret in the settings' repr and logs
    assert kafka_options(ServiceSettings()) == {}
    tls = kafka_options(ServiceSettings(kafka_security_protocol="SASL_SSL", kafka_sasl_username="training",
                                        kafka_sasl_password="rahasia"))
    assert tls["security_protocol"] == "SASL_SSL" and tls["ssl_context"] is not None


def test_sasl_without_a_username_or_password_is_refused_naming_the_settings():
    with pytest.raises(ValidationError) as refused:
        ServiceSettings(kafka_security_protocol="SASL_SSL", kafka_sasl_username="training")
    assert "SIPELKOP_KAFKA_SASL_USERNAME dan SIPELKOP_KAFKA_SASL_PASSWORD wajib diisi" in str(refused.value)


def test_a_comma_list_of_brokers_reaches_the_consumers_as_three_servers():
    # The compose and Kubernetes stacks name three brokers in one SIPELKOP_KAFKA_BOOTSTRAP; FastStream took the
    # whole string for one host ("Unable to bootstrap from [('kafka-1:9092,kafka-2:9092,kafka-3', 9092…").
    from prometheus_client import CollectorRegistry

    from shared.messaging.broker import create_broker

    broker = create_broker("kafka-1:9092, kafka-2:9092,kafka-3:9092", "registration", CollectorRegistry())
    consumers = broker.config.broker_config.builder  # how FastStream makes its aiokafka consumers
    assert consumers.keywords["bootstrap_servers"] == ["kafka-1:9092", "kafka-2:9092", "kafka-3:9092"]
