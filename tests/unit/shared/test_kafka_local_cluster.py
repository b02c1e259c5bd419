"""What `sipelkop kafka --brokers 3` and `sipelkop up --brokers 3 --replicas 2` set up before anything starts: three
nodes on distinct ports and data dirs in one controller quorum, topics kept on three of them, the comma list the
clients get, the replicas' ports, and the refusal of replicas on SQLite (the running cluster: tests/ops/
test_cluster_faults.py)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from shared.cli import replica_ports
from shared.infra.kafka_local import LocalKafka, LocalKafkaCluster

ROOT = Path(__file__).resolve().parents[3]


def properties(node: LocalKafka) -> dict[str, str]:
    node.data_dir.mkdir(parents=True, exist_ok=True)
    lines = node._write_config().read_text().splitlines()
    return dict(line.split("=", 1) for line in lines)


def test_three_nodes_on_their_own_ports_and_dirs_form_one_quorum_that_keeps_three_copies(tmp_path):
    cluster = LocalKafkaCluster(tmp_path / "kafka" / "cluster", port=19092)
    configs = [properties(node) for node in cluster.nodes]
    assert [c["node.id"] for c in configs] == ["1", "2", "3"]
    assert [c["listeners"] for c in configs] == [
        f"PLAINTEXT://127.0.0.1:{p},CONTROLLER://127.0.0.1:{p + 1}" for p in (19092, 19094, 19096)]
    assert len({c["log.dirs"] for c in configs}) == 3
    assert {c["controller.quorum.voters"] for c in configs} == {
        "1@127.0.0.1:19093,2@127.0.0.1:19095,3@127.0.0.1:19097"}
    for config in configs:
        assert (config["default.replication.factor"], config["min.insync.replicas"]) == ("3", "2")
        assert config["offsets.topic.replication.factor"] == "3"
        assert "controller.quorum.bootstrap.servers" not in config
    assert cluster.bootstrap == "127.0.0.1:19092,127.0.0.1:19094,127.0.0.1:19096"
    assert cluster.replication == 3
    # One cluster id for all, kept: a node formatted again rejoins the same cluster.
    assert LocalKafkaCluster(tmp_path / "kafka" / "cluster", port=19092).nodes[2].cluster_id == \
        cluster.nodes[0].cluster_id


def test_the_services_of_a_cluster_get_every_broker_and_its_replication(tmp_path):
    cluster = LocalKafkaCluster(tmp_path / "kafka" / "cluster", port=19092, sasl=True)
    env = cluster.client_env("registration")
    assert env["SIPELKOP_KAFKA_BOOTSTRAP"] == cluster.bootstrap and env["SIPELKOP_TOPIC_REPLICATION"] == "3"
    assert env["SIPELKOP_KAFKA_SASL_USERNAME"] == "registration"
    # The same passwords file as the single broker of `sipelkop up` (kafka_access reads it there).
    assert cluster.credentials_file == tmp_path / "kafka" / "credentials.json"
    assert cluster.credentials_file.stat().st_mode & 0o777 == 0o600


def test_a_single_broker_keeps_one_copy_and_is_its_own_quorum(tmp_path):
    config = properties(LocalKafka(tmp_path / "kafka", port=19092))
    assert (config["node.id"], config["default.replication.factor"], config["min.insync.replicas"]) == ("1", "1", "1")
    assert config["controller.quorum.bootstrap.servers"] == "127.0.0.1:19093"


def test_each_replica_serves_on_its_own_port():
    ports = replica_ports({"identity": 8004, "registration": 8001}, 2)
    assert ports == {"identity": ("identity", 8004), "registration": ("registration", 8001),
                     "identity-2": ("identity", 8014), "registration-2": ("registration", 8011)}
    assert replica_ports({"training": 8002}, 1) == {"training": ("training", 8002)}


def sipelkop(*args: str, env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SIPELKOP_", "REPORTING_", "TRAINING_",
                                                                     "REGISTRATION_", "IDENTITY_"))}
    return subprocess.run([sys.executable, "-m", "shared.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=base | env)


def test_replicas_on_sqlite_are_refused_naming_the_variables(tmp_path):
    done = sipelkop("up", "--replicas", "2", env={"SIPELKOP_DATA_DIR": str(tmp_path),
                                                  "REGISTRATION_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/r.db"})
    assert done.returncode == 1, done.stdout + done.stderr
    said = " ".join(done.stdout.split())
    assert "--replicas 2 perlu PostgreSQL" in said
    assert "IDENTITY_DATABASE_URL, REGISTRATION_DATABASE_URL, TRAINING_DATABASE_URL, REPORTING_DATABASE_URL" in said
    assert not (tmp_path / "kafka").exists()  # refused before the broker was started


def test_two_brokers_are_refused_in_bahasa(tmp_path):
    done = sipelkop("kafka", "--brokers", "2", env={"SIPELKOP_DATA_DIR": str(tmp_path)})
    assert done.returncode == 2
    assert "pilihan 2 tidak dikenal (pilih salah satu: 1, 3)" in done.stderr, done.stderr
