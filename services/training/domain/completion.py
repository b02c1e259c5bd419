"""Attendance statuses and the completion rule of a batch, without I/O."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from services.training.domain.scores import written

STATUSES = ("hadir", "terlambat", "izin", "sakit", "alpa")
PRESENT = frozenset({"hadir", "terlambat"})


@dataclass(frozen=True)
class CompletionRule:
    """Default: present (hadir or terlambat) at every session; a batch may set a minimum percentage instead, of its
    sessions or of its JP (a session of 3 JP then weighs three times one of 1 JP). A batch may also require a
    minimum post-test score (none by default): then a participant without a post-test does not complete."""

    min_percent: int = 100
    by: str = "sessions"
    min_post_test: int | None = None

    def decide(self, present: int, total: int, post_test: Decimal | None = None) -> tuple[bool, str | None]:
        """`present` and `total` count sessions, or JP when the rule is by JP. The reason names every condition
        that failed, joined by "; "."""
        failed = [problem for problem in (self._attendance(present, total), self._score(post_test)) if problem]
        return (False, "; ".join(failed)) if failed else (True, None)

    def _attendance(self, present: int, total: int) -> str | None:
        unit = "JP" if self.by == "jp" else "sesi"
        if total <= 0:
            return "angkatan tanpa sesi"
        percent = 100 * present / total
        if percent + 1e-9 >= self.min_percent:
            return None
        if self.min_percent >= 100:
            every = "seluruh JP" if self.by == "jp" else "semua sesi"
            return f"hadir {present} dari {total} {unit}; wajib hadir di {every}"
        return f"hadir {present} dari {total} {unit} ({percent:.0f}%); minimal {self.min_percent}%"

    def _score(self, post_test: Decimal | None) -> str | None:
        if self.min_post_test is None:
            return None
        if post_test is None:
            return f"belum ada nilai post-test (minimal {self.min_post_test})"
        if post_test < self.min_post_test:
            return f"nilai post-test {written(post_test)} di bawah minimal {self.min_post_test}"
        return None


def tally(statuses: list[str]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for status in statuses:
        counts[status] += 1
    return counts
