"""Write the JSON Schema snapshot of every event contract (run after a deliberate, compatible change)."""
from __future__ import annotations

import json
from pathlib import Path

from shared.events.base import EVENT_TYPES
from shared.events import catalogue  # noqa: F401  (registers every contract)

SNAPSHOTS = Path(__file__).parent / "snapshots"


def current() -> dict[str, dict]:
    return {name: cls.model_json_schema() for name, cls in sorted(EVENT_TYPES.items())}


def write() -> None:
    SNAPSHOTS.mkdir(exist_ok=True)
    for name, schema in current().items():
        (SNAPSHOTS / f"{name}.json").write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    write()
