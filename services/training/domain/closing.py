"""Closing a batch by DAK component: the lines' rules and the honorarium proposed from the agenda. No I/O."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shared.budget import HONORARIUM, OTHER, Component


@dataclass(frozen=True)
class CloseLine:
    component: str
    planned: int
    realised: int


def line_problems(lines: list[CloseLine], components: Iterable[Component]) -> list[tuple[str, str]]:
    """(field, message in Bahasa) for each line that cannot be booked: a component not in the list, one given
    twice, a negative amount. Empty when every line can be booked."""
    known = {c.code for c in components}
    problems, seen = [], set()
    for i, line in enumerate(lines):
        if line.component not in known:
            problems.append((f"components.{i}.component",
                             f"komponen “{line.component}” tidak ada dalam daftar komponen anggaran"))
        elif line.component in seen:
            problems.append((f"components.{i}.component", f"komponen “{line.component}” disebut dua kali"))
        seen.add(line.component)
        for name in ("planned", "realised"):
            if getattr(line, name) < 0:
                problems.append((f"components.{i}.{name}", "tidak boleh negatif"))
    return problems


def kept(lines: list[CloseLine], components: Iterable[Component]) -> list[CloseLine]:
    """The lines worth keeping, in the list's order: a line with nothing planned and nothing realised says nothing."""
    order = {c.code: i for i, c in enumerate(components)}
    return sorted((line for line in lines if line.planned or line.realised), key=lambda line: order[line.component])


def from_total(realised_cost: int, planned_budget: int) -> list[CloseLine]:
    """A plain realised cost (the API before components): one line "lainnya" against the batch's whole plan."""
    return [CloseLine(OTHER, planned_budget, realised_cost)]


def honorarium(sessions: Iterable[tuple[int, int | None]]) -> int:
    """JP x the narasumber's rate per JP, summed over (jp, rate) of the agenda's sessions; a session without a
    narasumber (rate None) adds nothing."""
    return sum(jp * rate for jp, rate in sessions if rate)


def proposal(components: Iterable[Component], *, honor: int, planned_budget: int) -> list[CloseLine]:
    """The closing form's first lines: the honorarium planned and realised as the agenda says, the rest of the
    batch's planned budget under "lainnya" (until staff break it down), every other line empty."""
    lines = []
    for c in components:
        if c.code == HONORARIUM:
            lines.append(CloseLine(c.code, honor, honor))
        elif c.code == OTHER:
            lines.append(CloseLine(c.code, max(planned_budget - honor, 0), 0))
        else:
            lines.append(CloseLine(c.code, 0, 0))
    return lines
