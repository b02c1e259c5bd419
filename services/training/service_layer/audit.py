"""The audit trail: every change is recorded by the use case that makes it, in the same transaction (as in
registration). Attendance re-markings already have their own trail (attendance_corrections); `list_entries` reads
both as one, so the audit page shows them side by side without copying them."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import Enum

from sqlalchemy import false, func, literal, select, union_all

from services.training.adapters.orm import AttendanceCorrection, AuditEntry, Session
from shared.auth import Principal

# Never copied into the trail: an admin sees that a narasumber's NIK, NPWP, bank account or phone changed, not the
# value.
PERSONAL = {"nik", "npwp", "bank_account", "phone"}
CHANGED = "(diubah)"


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} of the fields that changed."""
    changes = {}
    for key, new in after.items():
        old = before.get(key)
        if old != new:
            changes[key] = CHANGED if key in PERSONAL else [_plain(old), _plain(new)]
    return changes


def snapshot(row, fields) -> dict:
    """The fields of a row before it changes, to diff against afterwards."""
    return {key: getattr(row, key) for key in fields}


def _plain(value):
    if isinstance(value, Enum):
        value = value.value
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


def session_key(batch_id, number: int) -> str:
    """A session of the agenda as the API names it (batch and number): still readable after it is deleted."""
    return f"{batch_id}/{number}"


def record(session, principal: Principal, *, action: str, entity: str, entity_id, changes: dict | None = None,
           note: str | None = None) -> None:
    """Add one entry to the session; it commits (or rolls back) with the change it describes."""
    session.add(AuditEntry(at=datetime.now(UTC), actor=principal.subject, actor_name=principal.name or None,
                           role=principal.role.value, action=action, entity=entity, entity_id=str(entity_id),
                           changes=changes or {}, note=note))


@dataclass
class Entry:
    """One line of the trail, from audit_log or from attendance_corrections (entity "attendance")."""

    at: datetime
    actor: str
    actor_name: str | None
    role: str | None
    action: str
    entity: str
    entity_id: str
    changes: dict
    note: str | None = None
    participant_id: str | None = None  # whose attendance was corrected


def _of(e: AuditEntry) -> Entry:
    return Entry(e.at, e.actor, e.actor_name, e.role, e.action, e.entity, e.entity_id, e.changes or {}, e.note)


def _of_correction(c: AttendanceCorrection, batch_id: uuid.UUID, number: int) -> Entry:
    return Entry(c.corrected_at, c.corrected_by, c.corrected_by_name, None, "corrected", "attendance",
                 session_key(batch_id, number),
                 {"status": [c.previous_status, c.new_status]}, c.new_note, str(c.participant_id))


async def list_entries(session, *, entity: str | None = None, entity_id: str | None = None,
                       actor: str | None = None, page: int = 1, page_size: int = 50) -> tuple[list[Entry], int]:
    """Newest first, both trails in one page: the database orders and cuts the union, then the page's rows load."""
    own = select(AuditEntry.at.label("at"), literal("audit").label("trail"), AuditEntry.id.label("id"))
    if entity:
        own = own.where(AuditEntry.entity == entity)
    if entity_id:
        own = own.where(AuditEntry.entity_id == entity_id)
    if actor:
        own = own.where(AuditEntry.actor == actor)
    marks = (select(AttendanceCorrection.corrected_at.label("at"), literal("attendance").label("trail"),
                    AttendanceCorrection.id.label("id"))
             .join(Session, Session.id == AttendanceCorrection.session_id))
    if entity and entity != "attendance":
        marks = marks.where(false())
    if entity_id:
        batch_id, _, number = entity_id.partition("/")
        try:
            marks = marks.where(Session.batch_id == uuid.UUID(batch_id), Session.number == int(number))
        except ValueError:
            marks = marks.where(false())
    if actor:
        marks = marks.where(AttendanceCorrection.corrected_by == actor)
    both = union_all(own, marks).subquery()
    total = await session.scalar(select(func.count()).select_from(both))
    picked = (await session.execute(select(both.c.trail, both.c.id).order_by(both.c.at.desc(), both.c.id.desc())
                                    .offset((page - 1) * page_size).limit(page_size))).all()
    own_ids = [i for trail, i in picked if trail == "audit"]
    mark_ids = [i for trail, i in picked if trail == "attendance"]
    loaded = {("audit", e.id): _of(e) for e in (await session.scalars(
        select(AuditEntry).where(AuditEntry.id.in_(own_ids)))).all()} if own_ids else {}
    if mark_ids:
        loaded.update({("attendance", c.id): _of_correction(c, b, n) for c, b, n in (await session.execute(
            select(AttendanceCorrection, Session.batch_id, Session.number)
            .join(Session, Session.id == AttendanceCorrection.session_id)
            .where(AttendanceCorrection.id.in_(mark_ids)))).all()})
    return [loaded[(trail, i)] for trail, i in picked], total


def to_read(e: Entry) -> dict:
    return {"at": e.at, "actor": e.actor, "actor_name": e.actor_name, "role": e.role, "action": e.action,
            "entity": e.entity, "entity_id": e.entity_id, "changes": e.changes, "note": e.note,
            "participant_id": e.participant_id}
