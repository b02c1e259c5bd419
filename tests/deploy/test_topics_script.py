"""deploy/kafka/create-topics.sh creates exactly the catalogue's topics with the broker module's partitions."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from shared.events.catalogue import ALL_TOPICS
from shared.messaging.broker import DEFAULT_PARTITIONS
from tests.deploy.deploy_files import DEPLOY

SCRIPT = DEPLOY / "kafka" / "create-topics.sh"


def script_topics() -> tuple[str, ...]:
    body = re.search(r"^TOPICS=\((.*?)^\)", SCRIPT.read_text(), re.S | re.M).group(1)
    return tuple(line.strip() for line in body.splitlines() if line.strip() and not line.strip().startswith("#"))


def test_the_script_creates_every_topic_of_the_catalogue():
    assert sorted(script_topics()) == sorted(ALL_TOPICS)


def test_defaults_match_the_broker_module():
    text = SCRIPT.read_text()
    assert f'PARTITIONS="${{TOPIC_PARTITIONS:-{DEFAULT_PARTITIONS}}}"' in text
    assert 'REPLICATION="${TOPIC_REPLICATION:-3}"' in text and 'MIN_INSYNC="${TOPIC_MIN_INSYNC:-2}"' in text
    # Reporting rebuilds its projections by replaying every event: nothing may expire.
    assert "--config retention.ms=-1" in text and "retention.ms=-1," in text
    assert "--config retention.bytes=-1" in text and "retention.bytes=-1," in text
    assert "${PREFIX}${name}" in text


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_the_script_parses():
    result = subprocess.run(["bash", "-n", str(SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_script_runs_against_fake_kafka_tools(tmp_path):
    """With stand-ins for kafka-topics.sh/kafka-configs.sh: new topics are created, existing ones re-configured."""
    log = tmp_path / "calls.log"
    existing = f"kaltim.{ALL_TOPICS[0]}"
    (tmp_path / "kafka-topics.sh").write_text(
        f'#!/bin/bash\necho "topics $*" >> {log}\n[[ " $* " == *" --list "* ]] && echo {existing}\nexit 0\n')
    (tmp_path / "kafka-configs.sh").write_text(f'#!/bin/bash\necho "configs $*" >> {log}\n')
    for tool in tmp_path.glob("*.sh"):
        tool.chmod(0o755)
    env = {"PATH": "/usr/bin:/bin", "KAFKA_BIN": str(tmp_path), "KAFKA_BOOTSTRAP": "k1:9092,k2:9092",
           "SIPELKOP_TOPIC_PREFIX": "kaltim."}
    result = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    created = [c for c in calls if " --create " in c]
    assert len(created) == len(ALL_TOPICS) - 1
    for call in created:
        assert f"--partitions {DEFAULT_PARTITIONS} --replication-factor 3" in call
        assert "--config retention.ms=-1" in call and "--config min.insync.replicas=2" in call
        assert "--config retention.bytes=-1" in call
        assert "--topic kaltim.sipelkop." in call and "--bootstrap-server k1:9092,k2:9092" in call
    [altered] = [c for c in calls if c.startswith("configs")]
    assert f"--entity-name {existing}" in altered and "min.insync.replicas=2" in altered


def script_grants() -> set[tuple[str, str, bool, str, str]]:
    body = re.search(r"^GRANTS=\((.*?)^\)", SCRIPT.read_text(), re.S | re.M).group(1)
    grants = set()
    for line in body.splitlines():
        if line.strip().startswith('"'):
            user, resource, pattern, name, operations = line.strip().strip('"').split()
            grants |= {(user, op, resource, name, pattern == "PREFIXED") for op in operations.split(",")}
    return grants


def test_the_script_grants_exactly_the_acls_of_the_local_broker():
    """The same principals and ACLs as shared/infra/kafka_access.py (itself from the services' consumers)."""
    from shared.infra.kafka_access import all_grants

    assert script_grants() == {(g.user, g.operation, g.resource, g.name, g.prefixed) for g in all_grants("")}


def test_with_the_admin_password_it_signs_in_and_makes_users_and_acls(tmp_path):
    log = tmp_path / "calls.log"
    for tool in ("kafka-topics.sh", "kafka-configs.sh", "kafka-acls.sh"):
        (tmp_path / tool).write_text(f'#!/bin/bash\necho "{tool} $*" >> {log}\n'
                                     f'for a in "$@"; do [[ -f "$a" ]] && cat "$a" >> {log}.config; done\nexit 0\n')
        (tmp_path / tool).chmod(0o755)
    env = {"PATH": "/usr/bin:/bin", "KAFKA_BIN": str(tmp_path), "KAFKA_BOOTSTRAP": "k1:9092",
           "SIPELKOP_TOPIC_PREFIX": "kaltim.", "KAFKA_ADMIN_PASSWORD": "adminpw", "KAFKA_CA_FILE": "/ca.crt",
           "KAFKA_PASSWORD_TRAINING": "trainingpw", "KAFKA_PASSWORD_REPORTING": "reportingpw"}
    result = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    assert all("--command-config " in call for call in calls)
    config = (tmp_path / "calls.log.config").read_text()
    assert "security.protocol=SASL_SSL" in config and "sasl.mechanism=SCRAM-SHA-512" in config
    assert 'username="admin" password="adminpw"' in config and "ssl.truststore.location=/ca.crt" in config
    users = [c for c in calls if "--entity-type users" in c]
    assert len(users) == 2 and any("--entity-name training" in c and "SCRAM-SHA-512=[password=trainingpw]" in c
                                   for c in users)
    acls = [c for c in calls if c.startswith("kafka-acls.sh")]
    assert len(acls) == len(re.findall(r'^  "', re.search(r"^GRANTS=\((.*?)^\)", SCRIPT.read_text(),
                                                                re.S | re.M).group(1), re.M))
    assert any("--allow-principal User:registration --operation Write --operation Describe --operation Create "
               "--topic kaltim.sipelkop.registration. --resource-pattern-type prefixed" in c for c in acls)
    assert any("--allow-principal User:training --operation IdempotentWrite --operation Describe --cluster" in c
               for c in acls)
    # Without it (a broker without SASL) no user and no ACL is touched.
    del env["KAFKA_ADMIN_PASSWORD"]
    log.unlink()
    assert subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30).returncode == 0
    assert not any("kafka-acls.sh" in c or "users" in c for c in log.read_text().splitlines())
