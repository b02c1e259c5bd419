"""Response bodies of the reporting API."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class Summary(BaseModel):
    fiscal_year: int | None
    participants_enrolled: int
    participants_waitlisted: int
    participants_completed: int
    participants_not_completed: int
    completion_rate: float | None
    sessions_completed: int
    attendance_rate: float | None
    cooperatives_trained: int
    target_cooperatives: int
    progress: float | None
    data_as_of: datetime | None
    events_applied: int
