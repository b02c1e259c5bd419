"""Learning figures from pre/post-test sheets: averages, gain (post − pre, only participants with both scores) and
the share that improved, for any grouping of participants (batch, kabupaten/kota, sector, programme)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass
class LearningTally:
    pre: list[float] = field(default_factory=list)
    post: list[float] = field(default_factory=list)
    gains: list[float] = field(default_factory=list)

    def add(self, pre: float | None, post: float | None) -> None:
        if pre is not None:
            self.pre.append(pre)
        if post is not None:
            self.post.append(post)
        if pre is not None and post is not None:
            self.gains.append(post - pre)

    def figures(self) -> dict:
        improved = sum(1 for g in self.gains if g > 0)
        return {"participants_with_pre": len(self.pre), "participants_with_post": len(self.post),
                "participants_with_both": len(self.gains),
                "average_pre": _mean(self.pre), "average_post": _mean(self.post),
                "average_gain": _mean(self.gains), "participants_improved": improved,
                "improved_share": round(improved / len(self.gains), 4) if self.gains else None}


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def group_scores(scores: Iterable[tuple[object, dict]], key: Callable[[object, dict], object]) -> dict:
    """{group: LearningTally} for (batch_id, score) pairs; `key` names a score's group (None: left out)."""
    groups: dict = defaultdict(LearningTally)
    for batch_id, score in scores:
        group = key(batch_id, score)
        if group is not None:
            groups[group].add(score.get("pre_test"), score.get("post_test"))
    return dict(groups)
