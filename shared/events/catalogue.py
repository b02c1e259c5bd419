"""Every event contract and topic, and the one way to read an event off the wire."""
from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, TypeAdapter, ValidationError, create_model

from shared.events import evaluation, identity, registration, training  # noqa: F401  (registers the contracts)
from shared.events.base import EVENT_TYPES, DomainEvent
from shared.events.envelope import Envelope

ALL_TOPICS: tuple[str, ...] = tuple(sorted({cls.topic for cls in EVENT_TYPES.values()}))

# Oversized payloads are poison, not data: the largest real event (a 200-person
# attendance sheet) is a few tens of KiB.
MAX_EVENT_BYTES = 512 * 1024


class PoisonEvent(Exception):
    """An event that can never be applied: malformed, unknown or invalid. Parked, never retried."""


def _typed_envelope(cls: type[DomainEvent]) -> type[Envelope]:
    """The envelope of one event type: its `type` a literal (the union's tag), its `data` the contract itself."""
    return create_model(f"{cls.__name__}Envelope", __base__=Envelope, type=(Literal[cls.type], ...), data=(cls, ...))


# Every envelope with its payload, told apart by `type`: one pass of pydantic-core over the raw bytes parses the
# JSON and validates the envelope and its contract, instead of json.loads, then the envelope, then the payload.
_WIRE = TypeAdapter(Annotated[Union[tuple(_typed_envelope(cls) for cls in EVENT_TYPES.values())],
                              Field(discriminator="type")])


def decode(raw: bytes | None) -> tuple[Envelope, DomainEvent]:
    """Parse and validate an envelope and its payload in one pass; raise PoisonEvent with the reason."""
    if raw is None:
        raise PoisonEvent("pesan kosong (tombstone)")
    if len(raw) > MAX_EVENT_BYTES:
        raise PoisonEvent(f"pesan terlalu besar: {len(raw)} byte > {MAX_EVENT_BYTES}")
    try:
        envelope = _WIRE.validate_json(raw)
    except ValidationError as exc:
        raise _refusal(raw, exc) from exc
    return envelope, envelope.data


def _refusal(raw: bytes, exc: ValidationError) -> PoisonEvent:
    """The reason for a refused message, worded and ordered as the reading in steps gave it: not JSON, then the
    envelope, then an unknown type, then the payload (only poison comes here, so reading it again costs nothing)."""
    errors = exc.errors()
    if any(err["type"] == "json_invalid" for err in errors):
        return PoisonEvent(f"bukan JSON yang sah: {errors[0]['msg']}")
    try:
        envelope = Envelope.model_validate_json(raw)
    except ValidationError as envelope_exc:
        return PoisonEvent(f"amplop tidak sah: {_summary(envelope_exc.errors())}")
    if envelope.type not in EVENT_TYPES:
        return PoisonEvent(f"jenis event tidak dikenal: {envelope.type}")
    # The envelope alone is valid: what failed is in `data` (locations: the tag, "data", then the field).
    return PoisonEvent(f"isi event {envelope.type} tidak sah: "
                       f"{_summary([{**err, 'loc': err['loc'][2:]} for err in errors])}")


def check_origin(envelope: Envelope, event: DomainEvent, topic: str) -> None:
    """Raise PoisonEvent unless the event's type belongs to `topic` (without the deployment's prefix) and its
    source is the service that owns that topic (`sipelkop.<service>.<thing>` is written by `/sipelkop/<service>`
    alone): a producer allowed on one topic cannot pass its event off as another service's."""
    if event.topic != topic:
        raise PoisonEvent(f"jenis event {envelope.type} bukan milik topik {topic} (seharusnya {event.topic})")
    owner = topic.split(".")[1] if topic.count(".") >= 2 else ""
    if envelope.source != f"/sipelkop/{owner}":
        raise PoisonEvent(f"sumber event {envelope.source[:100]!r} bukan layanan pemilik topik {topic} "
                          f"(/sipelkop/{owner})")


def _summary(errors: list) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}" for err in errors[:5])
