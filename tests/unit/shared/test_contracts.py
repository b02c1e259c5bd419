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


# Formats whose validation already bounds the text (a UUID, an ISO date or time); enums and constants are bounded
# by their values.
BOUNDED_FORMATS = {"uuid", "date", "date-time", "time"}


def unbounded(schema, path: str = "") -> list[str]:
    """Every string without maxLength, array without maxItems and map without maxProperties in a JSON Schema."""
    found = []
    if isinstance(schema, list):
        for n, sub in enumerate(schema):
            found += unbounded(sub, f"{path}|{n}")
        return found
    if not isinstance(schema, dict):
        return found
    kind = schema.get("type")
    if kind == "string" and "maxLength" not in schema and schema.get("format") not in BOUNDED_FORMATS \
            and "enum" not in schema and "const" not in schema:
        found.append(f"{path}: string without maxLength")
    if kind == "array" and "maxItems" not in schema:
        found.append(f"{path}: array without maxItems")
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict) and "maxProperties" not in schema:
        found.append(f"{path}: map without maxProperties")
    for key, value in schema.items():
        if key in ("properties", "$defs"):
            for name, sub in value.items():
                found += unbounded(sub, f"{path}.{name}")
        elif key in ("items", "additionalProperties", "propertyNames", "anyOf", "oneOf", "allOf"):
            found += unbounded(value, f"{path}{'[]' if key == 'items' else '.' + key}")
    return found


@pytest.mark.parametrize("event_type", sorted(STORED))
def test_every_string_and_list_of_a_contract_is_bounded(event_type):
    """A forged event cannot make a consumer hold megabytes in one field; the stored snapshot says so too."""
    assert unbounded(current()[event_type]) == []
    assert unbounded(STORED[event_type]) == []


def test_the_bound_check_finds_an_unbounded_field():
    schema = copy.deepcopy(STORED["sipelkop.registration.participant.enrolled.v1"])
    del schema["properties"]["full_name"]["maxLength"]
    schema["properties"]["tags"] = {"type": "array", "items": {"type": "string", "maxLength": 5}}
    assert unbounded(schema) == [".full_name: string without maxLength", ".tags: array without maxItems"]
