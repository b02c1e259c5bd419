"""A batch's agenda (jadwal acara): sessions with a day, start and end time (WITA), materi, narasumber and JP.

Rules only, no I/O: a session's own shape, no two sessions of a batch at the same time, no narasumber in two places
at once, and where the sessions go when the batch's dates move."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from shared.errors import Conflict, Invalid, field_error

JP_MINUTES = 45  # one jam pelajaran: the government training convention (TRAINING_JP_MINUTES)
DEFAULT_START, DEFAULT_END = time(8, 0), time(16, 0)  # the day of a batch created without an agenda


@dataclass(frozen=True)
class Slot:
    """A session as the rules see it; `number` is None for one not yet stored."""

    number: int | None
    date: date
    start: time
    end: time
    jp: int
    trainer_id: uuid.UUID | None = None
    has_marks: bool = False


def minutes(start: time, end: time) -> int:
    return (datetime.combine(date.min, end) - datetime.combine(date.min, start)).seconds // 60 if end > start else 0


def derived_jp(start: time, end: time, jp_minutes: int = JP_MINUTES) -> int:
    """Whole lesson hours in the session: 08:00-09:30 is 2 JP, 09:45-12:00 is 3 JP."""
    return minutes(start, end) // jp_minutes


def _dmy(day: date) -> str:
    return f"{day:%d-%m-%Y}"


def slot_problems(slot: Slot, batch_start: date, batch_end: date, prefix: str = "") -> list[dict]:
    """The field errors of one session on its own (empty when it is well formed)."""
    problems = []
    if slot.end <= slot.start:
        problems.append(field_error(f"{prefix}end_time", "jam selesai harus setelah jam mulai"))
    if not batch_start <= slot.date <= batch_end:
        problems.append(field_error(f"{prefix}date", f"di luar tanggal angkatan ({_dmy(batch_start)} s.d. "
                                                      f"{_dmy(batch_end)})"))
    if slot.jp <= 0:
        problems.append(field_error(f"{prefix}jp", "JP harus lebih dari 0 (sesi kurang dari satu JP: isi JP)"))
    return problems


def check_slot(slot: Slot, batch_start: date, batch_end: date) -> None:
    if problems := slot_problems(slot, batch_start, batch_end):
        raise Invalid("Sesi tidak sah: " + "; ".join(p["message"] for p in problems), fields=problems)


def overlaps(a: Slot, b: Slot) -> bool:
    """Same day and the times intersect; one ending at 09:30 and the next starting at 09:30 do not."""
    return a.date == b.date and a.start < b.end and b.start < a.end


def _when(slot: Slot) -> str:
    return f"{_dmy(slot.date)} {slot.start:%H:%M}-{slot.end:%H:%M}"


def check_no_overlap(slot: Slot, others: list[Slot], field_prefix: str = "") -> None:
    """Refuse a session that runs at the same time as another session of its batch."""
    for other in others:
        if other.number is not None and other.number == slot.number:
            continue
        if overlaps(slot, other):
            label = f"sesi {other.number}" if other.number is not None else "sesi lain"
            raise Conflict(f"Sesi bertabrakan dengan {label} ({_when(other)}).",
                           fields=[field_error(f"{field_prefix}start_time", f"bertabrakan dengan {label} "
                                                                            f"({_when(other)})")])


def check_agenda(slots: list[Slot], batch_start: date, batch_end: date) -> None:
    """A whole agenda sent at once (a new batch's `sessions`): each well formed, none at the same time."""
    problems = [p for i, s in enumerate(slots) for p in slot_problems(s, batch_start, batch_end, f"sessions.{i}.")]
    if problems:
        raise Invalid("Jadwal sesi tidak sah: " + "; ".join(f"{p['field']}: {p['message']}" for p in problems[:3]),
                      fields=problems)
    for i, slot in enumerate(slots):
        for j, other in enumerate(slots[:i]):
            if overlaps(slot, other):
                raise Conflict(f"Sesi ke-{i + 1} bertabrakan dengan sesi ke-{j + 1} ({_when(other)}).",
                               fields=[field_error(f"sessions.{i}.start_time",
                                                   f"bertabrakan dengan sesi ke-{j + 1} ({_when(other)})")])


@dataclass(frozen=True)
class Booking:
    """A session the narasumber already teaches, in any batch that still runs."""

    batch_code: str
    slot: Slot


def check_trainer_free(slot: Slot, bookings: list[Booking], field: str = "trainer_id") -> None:
    """A narasumber cannot teach two sessions at the same time, in this batch or another."""
    for booking in bookings:
        if overlaps(slot, booking.slot):
            what = f"sesi {booking.slot.number} angkatan {booking.batch_code} ({_when(booking.slot)})"
            raise Conflict(f"Narasumber sudah mengajar pada waktu itu: {what}.",
                           fields=[field_error(field, f"sudah mengajar {what}")])


def next_number(existing: list[int]) -> int:
    """A session keeps its number for good (URLs, events, marks kept on a phone): a new one takes the number after
    the highest. Only a removed session's number can come back, and a session is removed only before attendance."""
    return max(existing, default=0) + 1


def default_agenda(start: date, end: date, jp_minutes: int = JP_MINUTES) -> list[Slot]:
    """One session per day, 08:00-16:00 WITA: what a batch created without an agenda gets (session n = day n)."""
    jp = derived_jp(DEFAULT_START, DEFAULT_END, jp_minutes)
    return [Slot(n, start + timedelta(days=n - 1), DEFAULT_START, DEFAULT_END, jp)
            for n in range(1, (end - start).days + 2)]


def shift_agenda(slots: list[Slot], old_start: date, new_start: date, new_end: date) -> dict[int, date]:
    """A built agenda moves with the batch's first day (every session keeps its day of the batch); a session with
    attendance keeps its date, and none may fall outside the new dates. Returns number -> new date of those moved."""
    delta = new_start - old_start
    moved = {}
    for slot in slots:
        day = slot.date + delta
        if day != slot.date and slot.has_marks:
            raise Conflict(f"Sesi {slot.number} ({_dmy(slot.date)}) sudah memiliki kehadiran; tidak dapat dipindah.",
                           fields=[field_error("start_date", f"sesi {slot.number} sudah memiliki kehadiran")])
        if not new_start <= day <= new_end:
            raise Conflict(f"Sesi {slot.number} ({_dmy(day)}) akan berada di luar tanggal angkatan; ubah atau hapus "
                           "sesinya dulu.",
                           fields=[field_error("end_date", f"sesi {slot.number} di luar tanggal angkatan")])
        if day != slot.date:
            moved[slot.number] = day
    return moved


def total_jp(slots: list[Slot]) -> int:
    return sum(s.jp for s in slots)
