"""The suite's two ways to get its broker and database: local servers by default, containers only when asked
(SIPELKOP_TEST_CONTAINERS=1), and the container broker as strict as the local one."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from shared.infra.kafka_local import LocalKafka
from tests.fixtures import containers
from tests.fixtures.infra import kafka_server

SCRIPT = Path(__file__).resolve().parents[1] / "fixtures" / "podman-socket.sh"


def test_the_default_path_never_asks_for_an_engine(monkeypatch):
    # Even where a Docker-compatible socket is configured, `make test` runs the local servers.
    monkeypatch.setenv("DOCKER_HOST", "unix:///run/podman/podman.sock")
    monkeypatch.delenv("SIPELKOP_TEST_CONTAINERS", raising=False)
    assert not containers.wanted()
    monkeypatch.setenv("SIPELKOP_TEST_CONTAINERS", "0")
    assert not containers.wanted()
    monkeypatch.setenv("SIPELKOP_TEST_CONTAINERS", "1")
    assert containers.wanted()


def test_the_session_runs_on_the_servers_the_environment_asked_for(kafka, postgres):
    control = kafka_server(kafka.bootstrap).control
    if containers.wanted():
        assert isinstance(control, containers.ContainerKafka)
        running = control.container.get_wrapped_container()
        running.reload()
        assert running.status == "running" and control.image == containers.KAFKA_IMAGE
        assert postgres.control is None  # the container's server, reached with psql
    else:
        assert isinstance(control, LocalKafka) and postgres.control is not None
    # Either way the broker requires SASL unless the run asked for plain text.
    assert kafka.sasl == (os.environ.get("SIPELKOP_TEST_KAFKA_SASL", "1") != "0")


def test_the_container_broker_has_the_local_brokers_security(tmp_path):
    local = LocalKafka(tmp_path, sasl=True)
    broker = containers.ContainerKafka.__new__(containers.ContainerKafka)  # its settings, no container
    broker.sasl, broker.passwords, broker.bootstrap = True, local.passwords, "127.0.0.1:1"
    props = broker.server_properties()
    assert {k: props[k] for k in local._sasl_props()} == local._sasl_props()
    assert props["listener.security.protocol.map"] == "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT"
    assert props["advertised.listeners"] == "SASL_PLAINTEXT://127.0.0.1:1"
    # The controller listener (ANONYMOUS, a super user) stays on the container's own loopback, never published.
    assert props["listeners"].endswith(f"CONTROLLER://127.0.0.1:{containers.CONTROLLER_PORT}")
    script = broker._start_script()
    for user, password in local.passwords.items():
        assert f"--add-scram 'SCRAM-SHA-512=[name={user},password={password}]'" in script


def test_the_plain_text_container_broker_has_no_sasl_at_all():
    broker = containers.ContainerKafka.__new__(containers.ContainerKafka)
    broker.sasl, broker.passwords, broker.bootstrap = False, {}, "127.0.0.1:1"
    props = broker.server_properties()
    assert "PLAINTEXT://127.0.0.1:1" == props["advertised.listeners"]
    assert not any(k.startswith("sasl") or k == "authorizer.class.name" for k in props)
    assert "--add-scram" not in broker._start_script()


def test_the_socket_script_is_valid_and_says_how_to_use_it():
    assert subprocess.run(["bash", "-n", str(SCRIPT)], capture_output=True).returncode == 0
    usage = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True)
    assert usage.returncode == 2 and "podman-socket.sh run" in usage.stdout
