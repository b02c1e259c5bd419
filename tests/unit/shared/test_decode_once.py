"""A message off the wire is read once: one pydantic pass over the raw bytes gives the envelope and its contract
(no json.loads, then the envelope, then the payload again), and poison is refused with the reasons it always had."""
import json
import uuid

import pytest

from shared.events import catalogue
from shared.events.catalogue import PoisonEvent, decode
from shared.events.envelope import Envelope
from shared.events.training import BatchCancelled, BatchScheduled
from tests.unit.shared.test_inbox import batch_event, capacities, record


class CountingWire:
    """The catalogue's TypeAdapter, counting how often it reads a message."""

    def __init__(self, wire):
        self.wire, self.reads = wire, 0

    def validate_json(self, raw):
        self.reads += 1
        return self.wire.validate_json(raw)


@pytest.fixture
def wire(monkeypatch):
    counting = CountingWire(catalogue._WIRE)
    monkeypatch.setattr(catalogue, "_WIRE", counting)

    def second_reading(*args, **kwargs):
        raise AssertionError("a message was validated a second time")

    # What the reading in steps called for every message: none of it may run for a good one.
    monkeypatch.setattr(catalogue, "Envelope", type("Forbidden", (), {"model_validate": second_reading,
                                                                      "model_validate_json": second_reading}))
    for cls in (BatchScheduled, BatchCancelled):
        monkeypatch.setattr(cls, "model_validate", classmethod(second_reading))
    return counting


async def test_the_consumer_reads_each_message_once_and_applies_the_batch(runtime, wire):
    first, second, third = (batch_event(uuid.uuid4()) for _ in range(3))
    await runtime.consumer.handle_records([record(first, 0), record(second, 1), record(third, 2), record(first, 0)])
    assert wire.reads == 4  # one per message, the redelivered one included
    assert await capacities(runtime) == [30, 30, 30]
    assert runtime.consumer.metrics.duplicates._value.get() == 1


def test_one_reading_gives_the_envelope_and_its_contract(wire):
    batch_id = uuid.uuid4()
    envelope, event = decode(batch_event(batch_id, version=4))
    assert wire.reads == 1
    assert isinstance(envelope, Envelope) and envelope.aggregate_version == 4 and envelope.subject == str(batch_id)
    assert isinstance(event, BatchScheduled) and event.batch_id == batch_id and event.capacity == 30
    assert envelope.time.utcoffset().total_seconds() == 0


def cancelled(**overrides) -> bytes:
    env = Envelope.wrap(BatchCancelled(batch_id=uuid.uuid4(), reason="banjir"), source="/sipelkop/training",
                        subject="b1", aggregate_version=2)
    doc = env.model_dump(mode="json")
    for field, value in overrides.items():
        if value is None:
            doc.pop(field)
        else:
            doc[field] = value
    return json.dumps(doc).encode()


# The reasons the reading in steps gave (json.loads, the envelope, the type, the payload), checked against it.
@pytest.mark.parametrize("raw, reason", [
    (b"", "bukan JSON yang sah"),
    (b'{"a": "\xff"}', "bukan JSON yang sah"),  # not UTF-8
    (b'"an envelope"', "amplop tidak sah: (root)"),
    (cancelled(type=None), "amplop tidak sah: type: Field required"),
    (cancelled(type="x" * 300), "amplop tidak sah: type: String should have at most 200 characters"),
    (cancelled(data="banjir"), "amplop tidak sah: data"),
    (cancelled(data=None), "amplop tidak sah: data: Field required"),
    (cancelled(time="2026-01-01T08:00:00"), "amplop tidak sah: time: Input should have timezone info"),
    # The envelope is judged before the type and the payload.
    (cancelled(type="sipelkop.training.batch.exploded.v1", aggregate_version=0),
     "amplop tidak sah: aggregate_version"),
    (cancelled(aggregate_version=0, data={"batch_id": "x"}), "amplop tidak sah: aggregate_version"),
    (cancelled(type="sipelkop.training.batch.exploded.v1"), "jenis event tidak dikenal: sipelkop.training.batch.exploded.v1"),
    # A payload's fields are named as in the payload, not under the envelope.
    (cancelled(data={"batch_id": str(uuid.uuid4())}),
     "isi event sipelkop.training.batch.cancelled.v1 tidak sah: reason: Field required"),
])
def test_poison_keeps_its_reason(raw, reason):
    with pytest.raises(PoisonEvent) as refused:
        decode(raw)
    assert str(refused.value).startswith(reason), str(refused.value)


async def test_poison_is_parked_with_its_reason_and_the_rest_applied(runtime):
    good = batch_event(uuid.uuid4())
    wrong = json.loads(batch_event(uuid.uuid4()))
    wrong["data"]["capacity"] = "tiga puluh"
    await runtime.consumer.handle_records([record(json.dumps(wrong).encode(), 1), record(good, 2)])
    assert await capacities(runtime) == [30]
    [letter] = await runtime.dead_letters.list()
    assert letter["offset"] == 1
    assert letter["error"].startswith("isi event sipelkop.training.batch.scheduled.v1 tidak sah: capacity:")
