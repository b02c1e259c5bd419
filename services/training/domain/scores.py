"""Pre-test and post-test scores, without I/O: what a valid score is (0–100, at most one decimal), how one is written
in Bahasa ("62,5"), and a batch's learning results (averages, gain, share improved, distribution by range)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

LOWEST, HIGHEST = Decimal(0), Decimal(100)
TENTH = Decimal("0.1")
# The ranges the report shows (a score of 59,9 is in 0–59).
RANGES = (("0–59", Decimal(0)), ("60–69", Decimal(60)), ("70–79", Decimal(70)), ("80–89", Decimal(80)),
          ("90–100", Decimal(90)))


class ScoreProblem(ValueError):
    """A value that is not a score; the message (Bahasa) says why, for the field it came from."""


def parse_score(value) -> Decimal | None:
    """A score as typed on a page, in a sheet or sent as JSON: 75, 62.5, "62,5" (Indonesian decimal comma).
    Empty is None (no score). Refuses anything but 0–100 with at most one decimal."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ScoreProblem("harus berupa angka, mis. 75 atau 62,5")
    try:
        # A float's repr is what was typed (62.35, not the binary 62.3499...): two decimals stay two.
        score = value if isinstance(value, Decimal) else Decimal(
            value.strip().replace(",", ".") if isinstance(value, str) else repr(value))
    except InvalidOperation:
        raise ScoreProblem("harus berupa angka, mis. 75 atau 62,5") from None
    if not score.is_finite():
        raise ScoreProblem("harus berupa angka, mis. 75 atau 62,5")
    if not (LOWEST <= score <= HIGHEST):
        raise ScoreProblem("harus antara 0 dan 100")
    if score != score.quantize(TENTH):
        raise ScoreProblem("paling banyak satu angka di belakang koma")
    return score.quantize(TENTH)


def written(score: Decimal | float | None) -> str:
    """55,0 · 100,0 (one decimal, Indonesian comma); an absent score as a dash."""
    if score is None:
        return "–"
    return f"{Decimal(str(score)).quantize(TENTH, ROUND_HALF_UP)}".replace(".", ",")


def tenths(score: Decimal | None) -> int | None:
    """Stored as whole tenths: exact on every database (SQLite has no decimal type)."""
    return None if score is None else int(score * 10)


def from_tenths(value: int | None) -> Decimal | None:
    return None if value is None else (Decimal(value) / 10).quantize(TENTH)


def range_of(score: Decimal) -> str:
    label = RANGES[0][0]
    for name, floor in RANGES:
        if score >= floor:
            label = name
    return label


@dataclass(frozen=True)
class ParticipantResult:
    participant_id: uuid.UUID
    full_name: str
    cooperative_name: str
    pre_test: Decimal | None
    post_test: Decimal | None

    @property
    def gain(self) -> Decimal | None:
        """Post − pre, when both were taken."""
        return None if self.pre_test is None or self.post_test is None else self.post_test - self.pre_test


@dataclass(frozen=True)
class BatchResults:
    """A batch's learning results. Averages are over the participants who have that score (the gain's over those
    with both), rounded to two decimals; None when nobody has one. `share_improved` is a fraction (0–1) of those
    with both scores whose post-test is higher than their pre-test."""

    participants: tuple[ParticipantResult, ...]
    roster_size: int
    with_pre: int
    with_post: int
    with_both: int
    improved: int
    average_pre: Decimal | None
    average_post: Decimal | None
    average_gain: Decimal | None
    share_improved: float | None
    pre_distribution: dict[str, int]  # range label -> participants, in RANGES order
    post_distribution: dict[str, int]


def _average(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _distribution(values: list[Decimal]) -> dict[str, int]:
    counts = {name: 0 for name, _ in RANGES}
    for value in values:
        counts[range_of(value)] += 1
    return counts


def batch_results(participants: list[ParticipantResult]) -> BatchResults:
    pre = [p.pre_test for p in participants if p.pre_test is not None]
    post = [p.post_test for p in participants if p.post_test is not None]
    gains = [p.gain for p in participants if p.gain is not None]
    improved = sum(1 for g in gains if g > 0)
    return BatchResults(participants=tuple(participants), roster_size=len(participants), with_pre=len(pre),
                        with_post=len(post), with_both=len(gains), improved=improved, average_pre=_average(pre),
                        average_post=_average(post), average_gain=_average(gains),
                        share_improved=improved / len(gains) if gains else None,
                        pre_distribution=_distribution(pre), post_distribution=_distribution(post))
