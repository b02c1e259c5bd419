"""Base class and registry of event contracts: each event knows its type name, topic and aggregate."""
from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field

EVENT_TYPES: dict[str, type["DomainEvent"]] = {}

# Every string and list of a contract is bounded (tests/unit/shared/test_contracts.py checks the schemas): a
# forged event cannot make a consumer hold megabytes in one field. The bounds are the producers' own column
# widths or wider, so no event a service ever published is refused on a replay.
Name = Annotated[str, Field(max_length=200)]  # names, titles, venues
Code = Annotated[str, Field(max_length=60)]  # codes, kinds, sectors, positions, grades, certificate numbers
DistrictCode = Annotated[str, Field(max_length=8)]  # Kemendagri, "64.02"
Actor = Annotated[str, Field(max_length=200)]  # an account id at identity
Text = Annotated[str, Field(max_length=2000)]  # reasons and notes people type
MAX_ROSTER = 1000  # participants of one batch (training refuses a capacity above 1000)
MAX_DISTRICTS = 100  # the province has ten regencies and cities


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
