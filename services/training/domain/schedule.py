"""One session per day of a batch, and how the sessions follow when the batch's dates move."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from shared.errors import Conflict, field_error


@dataclass(frozen=True)
class SessionSlot:
    """What rescheduling needs to know of an existing session."""

    number: int
    date: date
    has_marks: bool
    completed: bool


@dataclass(frozen=True)
class Reschedule:
    moved: dict[int, date]  # session number -> its new date
    added: list[tuple[int, date]]
    removed: list[int]


def session_dates(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def reschedule(existing: list[SessionSlot], start: date, end: date) -> Reschedule:
    """Session n stays day n of the batch. A session that already holds attendance may not move or vanish:
    its marks belong to the day they were taken."""
    wanted = dict(enumerate(session_dates(start, end), start=1))
    moved, removed = {}, []
    for slot in existing:
        new_date = wanted.get(slot.number)
        if new_date == slot.date:
            continue
        if slot.has_marks or slot.completed:
            what = "dihapus" if new_date is None else "dipindah"
            raise Conflict(f"Sesi {slot.number} ({slot.date:%d-%m-%Y}) sudah memiliki kehadiran; tidak dapat {what}.",
                           fields=[field_error("start_date", f"sesi {slot.number} sudah memiliki kehadiran"),
                                   field_error("end_date", f"sesi {slot.number} sudah memiliki kehadiran")])
        if new_date is None:
            removed.append(slot.number)
        else:
            moved[slot.number] = new_date
    have = {slot.number for slot in existing}
    added = [(n, d) for n, d in wanted.items() if n not in have]
    return Reschedule(moved=moved, added=added, removed=sorted(removed))
