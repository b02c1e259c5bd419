"""Response bodies of the participants' evaluation (issue 15)."""
from __future__ import annotations

import uuid

from pydantic import BaseModel


class ItemRead(BaseModel):
    code: str
    label: str
    mean: float | None  # 1–5, two decimals; None when nobody answered it
    answers: int


class SectionRead(BaseModel):
    section: str
    title: str
    mean: float | None
    answers: int
    items: list[ItemRead]


class NarasumberRead(BaseModel):
    narasumber_id: uuid.UUID
    code: str
    name: str
    named_in_reports: bool
    mean: float | None
    answers: int  # item answers about this narasumber
    items: list[ItemRead]


class LearningRead(BaseModel):
    roster_size: int
    with_pre: int
    with_post: int
    with_both: int
    improved: int
    average_pre: float | None
    average_post: float | None
    average_gain: float | None
    share_improved: float | None  # 0–1, of those with both scores
    pre_distribution: dict[str, int]
    post_distribution: dict[str, int]


class EvaluationRead(BaseModel):
    """A batch's results: the participants' evaluation (anonymous) and the pre/post-test results."""

    batch_id: uuid.UUID
    batch_code: str
    batch_title: str
    invited: int  # participants with a link (attended at least one session)
    respondents: int
    response_rate: float | None  # 0–1
    sections: list[SectionRead]
    narasumber_mean: float | None
    narasumber_answers: int
    narasumber: list[NarasumberRead]
    comments: list[str]
    scores: LearningRead
