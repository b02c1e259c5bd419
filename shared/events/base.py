"""Base class and registry of event contracts: each event knows its type name, topic and aggregate."""
from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict

EVENT_TYPES: dict[str, type["DomainEvent"]] = {}


class Contract(BaseModel):
    """A part of an event contract.

    Extra fields are ignored so that a consumer keeps working when a producer
    adds a field in a new minor version (the snapshot test forbids the reverse).
    """

    model_config = ConfigDict(frozen=True, extra="ignore")


class DomainEvent(Contract):
    """A fact that happened, past tense, immutable."""

    # e.g. "sipelkop.registration.participant.enrolled.v1"
    type: ClassVar[str]
    # Topic per producing service and aggregate; the key is the aggregate id.
    topic: ClassVar[str]
    minor_version: ClassVar[int] = 0

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "type" in cls.__dict__:
            if cls.type in EVENT_TYPES:
                raise TypeError(f"duplicate event type {cls.type}")
            EVENT_TYPES[cls.type] = cls


def event_class_for(event_type: str) -> type[DomainEvent] | None:
    """The contract class of an event type name, or None when unknown."""
    return EVENT_TYPES.get(event_type)


def topic_name(service: str, aggregate: str) -> str:
    return f"sipelkop.{service}.{aggregate}"
