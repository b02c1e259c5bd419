"""The CloudEvents-style envelope around every event on the wire."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from shared.events.base import DomainEvent

SPEC_VERSION = "1.0"


class Envelope(BaseModel):
    model_config = ConfigDict(extra="ignore")

    specversion: str = SPEC_VERSION
    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: str = Field(min_length=1, max_length=200)
    source: str = Field(min_length=1, max_length=200)
    time: AwareDatetime = Field(default_factory=lambda: datetime.now(UTC))
    # The aggregate id; also the Kafka message key so one entity's events stay in order.
    subject: str = Field(min_length=1, max_length=200)
    # Per-aggregate version: consumers drop events older than what they hold.
    aggregate_version: int = Field(ge=1)
    minor_version: int = Field(default=0, ge=0)
    correlation_id: str | None = None
    causation_id: str | None = None
    datacontenttype: str = "application/json"
    data: dict[str, Any]

    @field_validator("time")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @classmethod
    def wrap(
        cls,
        event: DomainEvent,
        *,
        source: str,
        subject: str,
        aggregate_version: int,
        correlation_id: str | None = None,
        causation_id: str | None = None,
    ) -> "Envelope":
        return cls(
            type=event.type,
            source=source,
            subject=subject,
            aggregate_version=aggregate_version,
            minor_version=event.minor_version,
            correlation_id=correlation_id,
            causation_id=causation_id,
            data=event.model_dump(mode="json"),
        )
