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
        assert "--topic kaltim.sipelkop." in call and "--bootstrap-server k1:9092,k2:9092" in call
    [altered] = [c for c in calls if c.startswith("configs")]
    assert f"--entity-name {existing}" in altered and "min.insync.replicas=2" in altered
