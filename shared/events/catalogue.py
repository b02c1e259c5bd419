"""Every event contract and topic, and the one way to read an event off the wire."""
from __future__ import annotations

import json

from pydantic import ValidationError

from shared.events import evaluation, identity, registration, training  # noqa: F401  (registers the contracts)
from shared.events.base import EVENT_TYPES, DomainEvent
from shared.events.envelope import Envelope

ALL_TOPICS: tuple[str, ...] = tuple(sorted({cls.topic for cls in EVENT_TYPES.values()}))

# Oversized payloads are poison, not data: the largest real event (a 200-person
# attendance sheet) is a few tens of KiB.
MAX_EVENT_BYTES = 512 * 1024


class PoisonEvent(Exception):
    """An event that can never be applied: malformed, unknown or invalid. Parked, never retried."""


def decode(raw: bytes | None) -> tuple[Envelope, DomainEvent]:
    """Parse and validate an envelope and its payload; raise PoisonEvent with the reason."""
    if raw is None:
        raise PoisonEvent("pesan kosong (tombstone)")
    if len(raw) > MAX_EVENT_BYTES:
        raise PoisonEvent(f"pesan terlalu besar: {len(raw)} byte > {MAX_EVENT_BYTES}")
    try:
        doc = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PoisonEvent(f"bukan JSON yang sah: {exc}") from exc
    try:
        envelope = Envelope.model_validate(doc)
    except ValidationError as exc:
        raise PoisonEvent(f"amplop tidak sah: {_summary(exc)}") from exc
    cls = EVENT_TYPES.get(envelope.type)
    if cls is None:
        raise PoisonEvent(f"jenis event tidak dikenal: {envelope.type}")
    try:
        event = cls.model_validate(envelope.data)
    except ValidationError as exc:
        raise PoisonEvent(f"isi event {envelope.type} tidak sah: {_summary(exc)}") from exc
    return envelope, event


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


def _summary(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}" for err in exc.errors()[:5]
    )
