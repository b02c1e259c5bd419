import json
import uuid

import pytest

from shared.events.catalogue import MAX_EVENT_BYTES, PoisonEvent, decode
from shared.events.envelope import Envelope
from shared.events.training import BatchCancelled


def envelope_bytes(**overrides) -> bytes:
    env = Envelope.wrap(BatchCancelled(batch_id=uuid.uuid4(), reason="banjir"), source="/sipelkop/training",
                        subject="b1", aggregate_version=2)
    doc = env.model_dump(mode="json") | overrides
    return json.dumps(doc).encode()


def test_a_good_event_decodes_to_its_contract():
    envelope, event = decode(envelope_bytes())
    assert isinstance(event, BatchCancelled) and event.reason == "banjir" and envelope.aggregate_version == 2
    assert envelope.time.utcoffset().total_seconds() == 0


def test_a_newer_minor_version_with_extra_fields_still_decodes():
    raw = json.loads(envelope_bytes())
    raw["data"]["new_field"] = "x"
    raw["minor_version"] = 3
    assert decode(json.dumps(raw).encode())[1].reason == "banjir"


@pytest.mark.parametrize("raw, reason", [
    (b"{not json", "JSON"),
    (None, "kosong"),
    (b"[1,2]", "amplop"),
    (envelope_bytes(type="sipelkop.training.batch.exploded.v1"), "tidak dikenal"),
    (envelope_bytes(data={"batch_id": "not-a-uuid"}), "isi event"),
    (b" " * (MAX_EVENT_BYTES + 1), "terlalu besar"),
])
def test_poison_is_recognised_with_its_reason(raw, reason):
    with pytest.raises(PoisonEvent, match=reason):
        decode(raw)
