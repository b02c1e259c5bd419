"""What reporting keeps of an event's payload where it is more than copying fields: a UMK owner's business is no
cooperative, marks that count as present, budget lines, score sheets and evaluation summaries as stored."""
from __future__ import annotations

import uuid

from shared.events.evaluation import EvaluationSummarised, ScoresRecorded
from shared.events.registration import UMK_CATEGORY as UMK
from shared.events.training import BatchClosed

PRESENT = {"hadir", "terlambat"}  # the default completion rule's "present"


def cooperative_of(event) -> uuid.UUID | None:
    """The cooperative an event's participant belongs to; a UMK owner's business (events carry its id in the
    cooperative's place) is none, so it never counts among the cooperatives trained."""
    return None if event.category == UMK else event.cooperative_id


def budget_lines(event: BatchClosed) -> list[dict] | None:
    """The closing's lines as stored: None when the event carries none (an older producer)."""
    lines = getattr(event, "components", None)
    return None if lines is None else [line.model_dump() for line in lines]


def score_values(event: ScoresRecorded) -> dict:
    """The sheet as stored: by participant id, nothing else about the person."""
    return {"scores": [s.model_dump(mode="json") for s in event.scores], "recorded_at": event.recorded_at}


def evaluation_values(event: EvaluationSummarised) -> dict:
    return {"respondents": event.respondents, "invited": event.invited,
            "items": [i.model_dump(mode="json") for i in event.items],
            "narasumber": [n.model_dump(mode="json") for n in event.narasumber],
            "summarised_at": event.summarised_at}
