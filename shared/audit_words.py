"""What every service's audit page needs to turn a row into words: who (a name, never an account id), their role in
words, and the before/after of a changed field ({field: [old, new]}, the shape every audit trail stores)."""
from __future__ import annotations

import uuid

from shared.roles import ROLE_NAMES, Role

UNKNOWN_ACTOR = "akun tidak dikenal"


def actor(actor_name: str | None) -> str:
    return actor_name or UNKNOWN_ACTOR


def role_name(role: str | None) -> str:
    try:
        return ROLE_NAMES[Role(role)]
    except ValueError:
        return ""


def old_value(changes: dict | None, key: str):
    change = (changes or {}).get(key)
    return change[0] if isinstance(change, (list, tuple)) and len(change) == 2 else None


def new_value(changes: dict | None, key: str):
    change = (changes or {}).get(key)
    return change[1] if isinstance(change, (list, tuple)) and len(change) == 2 else None


def uuids(values) -> list[uuid.UUID]:
    """The values that are ids (for looking up names in one query); anything else is skipped."""
    out = set()
    for value in values:
        try:
            out.add(uuid.UUID(str(value)))
        except (TypeError, ValueError):
            continue
    return list(out)
