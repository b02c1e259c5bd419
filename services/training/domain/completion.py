"""Attendance statuses and the completion rule of a batch, without I/O."""
from __future__ import annotations

from dataclasses import dataclass

STATUSES = ("hadir", "terlambat", "izin", "sakit", "alpa")
PRESENT = frozenset({"hadir", "terlambat"})


BASES = ("sessions", "jp")  # what the percentage counts: sessions attended, or JP (lesson hours) attended


@dataclass(frozen=True)
class CompletionRule:
    """Default: present (hadir or terlambat) at every session; a batch may set a minimum percentage instead, of its
    sessions or of its JP (a session of 3 JP then weighs three times one of 1 JP)."""

    min_percent: int = 100
    by: str = "sessions"

    def decide(self, present: int, total: int) -> tuple[bool, str | None]:
        """`present` and `total` count sessions, or JP when the rule is by JP."""
        unit = "JP" if self.by == "jp" else "sesi"
        if total <= 0:
            return False, "angkatan tanpa sesi"
        percent = 100 * present / total
        if percent + 1e-9 >= self.min_percent:
            return True, None
        if self.min_percent >= 100:
            every = "seluruh JP" if self.by == "jp" else "semua sesi"
            return False, f"hadir {present} dari {total} {unit}; wajib hadir di {every}"
        return False, f"hadir {present} dari {total} {unit} ({percent:.0f}%); minimal {self.min_percent}%"


def tally(statuses: list[str]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for status in statuses:
        counts[status] += 1
    return counts
