"""Attendance statuses and the completion rule of a batch, without I/O."""
from __future__ import annotations

from dataclasses import dataclass

STATUSES = ("hadir", "terlambat", "izin", "sakit", "alpa")
PRESENT = frozenset({"hadir", "terlambat"})


@dataclass(frozen=True)
class CompletionRule:
    """Default: present (hadir or terlambat) at every session; a batch may set a minimum percentage instead."""

    min_percent: int = 100

    def decide(self, sessions_present: int, sessions_total: int) -> tuple[bool, str | None]:
        if sessions_total <= 0:
            return False, "angkatan tanpa sesi"
        percent = 100 * sessions_present / sessions_total
        if percent + 1e-9 >= self.min_percent:
            return True, None
        if self.min_percent >= 100:
            return False, f"hadir {sessions_present} dari {sessions_total} sesi; wajib hadir di semua sesi"
        return False, (f"hadir {sessions_present} dari {sessions_total} sesi ({percent:.0f}%); "
                       f"minimal {self.min_percent}%")


def tally(statuses: list[str]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for status in statuses:
        counts[status] += 1
    return counts
