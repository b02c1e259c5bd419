"""What a tally counts, without I/O: the enrolments by status and the completion decisions by outcome, each split
by sex (L men, P women; any other value counts in the total only)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Tally:
    enrolled: int = 0
    enrolled_men: int = 0
    enrolled_women: int = 0
    waitlisted: int = 0
    cancelled: int = 0
    attending: int = 0
    present_marks: int = 0
    marks: int = 0
    completed: int = 0
    completed_men: int = 0
    completed_women: int = 0
    not_completed: int = 0
    cooperatives_trained: int = 0
    cooperatives_real_sector: int = 0
    extra: dict = field(default_factory=dict)

    def count_enrolments(self, status: str, gender: str | None, n: int) -> None:
        """`n` enrolments whose current status is `status` (enrolled, waitlisted, anything else is cancelled)."""
        if status == "enrolled":
            self.enrolled += n
            self.enrolled_men += n if gender == "L" else 0
            self.enrolled_women += n if gender == "P" else 0
        elif status == "waitlisted":
            self.waitlisted += n
        else:
            self.cancelled += n

    def count_decisions(self, completed: bool, gender: str | None, n: int) -> None:
        """`n` completion decisions with the outcome `completed`."""
        if completed:
            self.completed += n
            self.completed_men += n if gender == "L" else 0
            self.completed_women += n if gender == "P" else 0
        else:
            self.not_completed += n
