"""The audit trail: every change is recorded by the use case that makes it, in the same transaction."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, insert, select

from services.registration.adapters.orm import AuditEntry
from shared.auth import Principal

# Personal data is never copied into the trail: an admin sees that it changed, not the value.
PERSONAL = {"nik", "phone", "email", "birth_date"}


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} of the fields that changed."""
    changes = {}
    for key, new in after.items():
        old = before.get(key)
        if old != new:
            changes[key] = "(diubah)" if key in PERSONAL else [_plain(old), _plain(new)]
    return changes


def _plain(value):
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def entry(principal: Principal, *, action: str, entity: str, entity_id, district_code: str | None,
          changes: dict | None = None, note: str | None = None, at: datetime | None = None) -> dict:
    return {"at": at or datetime.now(UTC), "actor": principal.subject, "actor_name": principal.name or None,
            "role": principal.role.value,
            "action": action, "entity": entity, "entity_id": str(entity_id), "district_code": district_code,
            "changes": changes or {}, "note": note}


def record(session, principal: Principal, **kwargs) -> None:
    """Add one entry to the session; it commits (or rolls back) with the change it describes."""
    session.add(AuditEntry(**entry(principal, **kwargs)))


async def record_many(session, entries: list[dict]) -> None:
    if entries:
        await session.execute(insert(AuditEntry), entries)


async def list_entries(session, *, entity: str | None = None, entity_id: str | None = None,
                       actor: str | None = None, district: str | None = None, page: int = 1,
                       page_size: int = 50) -> tuple[list[AuditEntry], int]:
    query = select(AuditEntry)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if district:
        query = query.where(AuditEntry.district_code == district)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(query.order_by(AuditEntry.id.desc()).offset((page - 1) * page_size).limit(page_size))
    return list(rows.all()), total


def to_read(e: AuditEntry) -> dict:
    return {"id": e.id, "at": e.at, "actor": e.actor, "actor_name": e.actor_name, "role": e.role, "action": e.action, "entity": e.entity,
            "entity_id": e.entity_id, "district_code": e.district_code, "changes": e.changes, "note": e.note}
