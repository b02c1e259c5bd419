"""Events of a batch's learning results and its participants' evaluation, published by the training service.

Neither carries a name, a free comment or anything a person could be recognised by: scores travel by participant
id (reporting joins them to the enrolment's district and sector), the evaluation as means and counts per item.
A narasumber appears by code, and by display name only when they agreed to be named in reports.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from shared.events.base import MAX_ROSTER, Contract, DomainEvent, topic_name

SCORE_TOPIC = topic_name("training", "score")
EVALUATION_TOPIC = topic_name("training", "evaluation")

Score = Field(default=None, ge=0, le=100, multiple_of=0.1)


class ParticipantScore(Contract):
    participant_id: uuid.UUID
    pre_test: float | None = Score
    post_test: float | None = Score


class ScoresRecorded(DomainEvent):
    """The batch's whole score sheet as it stands after a save or an import: every participant with a score,
    either score absent when not yet taken. The aggregate is the batch's score sheet (subject = batch id); a newer
    version replaces the sheet, so a participant missing from it has no score any more."""

    type: ClassVar[str] = "sipelkop.training.scores.recorded.v1"
    topic: ClassVar[str] = SCORE_TOPIC

    batch_id: uuid.UUID
    scores: list[ParticipantScore] = Field(max_length=MAX_ROSTER)
    recorded_at: datetime


EvaluationSection = Literal["penyelenggaraan", "sarana", "materi", "narasumber"]


class ItemResult(Contract):
    """One questionnaire item on the 1–5 scale: the mean of the answers given and how many gave one."""

    section: EvaluationSection
    item: str = Field(min_length=1, max_length=40)  # the template's item code, e.g. "P1"
    label: str = Field(min_length=1, max_length=300)  # the question as asked, Bahasa Indonesia
    mean: float = Field(ge=1, le=5)
    answers: int = Field(ge=1)


class NarasumberResult(Contract):
    narasumber_id: uuid.UUID
    code: str = Field(min_length=1, max_length=40)  # shown when the narasumber did not agree to be named
    display_name: str | None = Field(default=None, max_length=200)  # only with the narasumber's consent
    mean: float = Field(ge=1, le=5)
    answers: int = Field(ge=1)
    items: list[ItemResult] = Field(max_length=100)


class EvaluationSummarised(DomainEvent):
    """A batch's evaluation results as they stand after an answer: no answer, comment or respondent on the wire.
    The aggregate is the batch's evaluation (subject = batch id); a newer version replaces the results."""

    type: ClassVar[str] = "sipelkop.training.evaluation.summarised.v1"
    topic: ClassVar[str] = EVALUATION_TOPIC

    batch_id: uuid.UUID
    respondents: int = Field(ge=0)  # questionnaires answered
    invited: int = Field(ge=0)  # participants who attended at least one session (may answer)
    items: list[ItemResult] = Field(max_length=200)  # the sections other than narasumber
    narasumber: list[NarasumberResult] = Field(max_length=100)
    summarised_at: datetime
