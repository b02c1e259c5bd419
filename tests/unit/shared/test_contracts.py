"""Every event contract holds against its stored schema: no change may break a consumer."""
import copy
import json

import pytest

from shared.events.compat import breaking_changes
from tests.contracts.snapshot import SNAPSHOTS, current

STORED = {p.stem: json.loads(p.read_text()) for p in sorted(SNAPSHOTS.glob("*.json"))}


def test_every_contract_has_a_snapshot_and_none_vanished():
    now = current()
    assert sorted(now) == sorted(STORED), (
        "event types differ from tests/contracts/snapshots; a new type needs "
        "`python -m tests.contracts.snapshot`, a removed one breaks consumers")


@pytest.mark.parametrize("event_type", sorted(STORED))
def test_contract_is_compatible_with_its_snapshot(event_type):
    problems = breaking_changes(STORED[event_type], current()[event_type])
    assert problems == [], f"{event_type} would break consumers: {problems}"


def _enrolled_schema():
    return copy.deepcopy(STORED["sipelkop.registration.participant.enrolled.v1"])


def test_the_check_catches_a_removed_field():
    new = _enrolled_schema()
    del new["properties"]["sector"]
    assert any("sector: removed" in p for p in breaking_changes(_enrolled_schema(), new))


def test_the_check_catches_a_retyped_field():
    new = _enrolled_schema()
    new["properties"]["full_name"] = {"type": "integer"}
    assert any("full_name: type changed" in p for p in breaking_changes(_enrolled_schema(), new))


def test_the_check_catches_an_optional_field_made_required():
    old = copy.deepcopy(STORED["sipelkop.registration.cooperative.registered.v1"])
    new = copy.deepcopy(old)
    new["required"].append("grade")
    assert breaking_changes(old, new) == ["grade: optional field made required"]


def test_the_check_allows_a_new_optional_field():
    new = _enrolled_schema()
    new["properties"]["village"] = {"type": "string"}
    assert breaking_changes(_enrolled_schema(), new) == []
