"""Poison on every topic a service consumes is parked with its reason; the consumers go on with healthy traffic."""
import json
import uuid

from aiokafka import AIOKafkaProducer

from shared.events.envelope import Envelope
from shared.events.registration import CooperativeRegistered
from tests.fixtures import factories
from tests.fixtures.services import wait_for

SERVICES = ("registration", "training", "reporting")



def poison_kinds() -> dict[str, bytes]:
    unknown = Envelope(type="sipelkop.registration.cooperative.exploded.v9", source="/x", subject="s",
                       aggregate_version=1, data={})
    bad_schema = Envelope.wrap(CooperativeRegistered(
        cooperative_id=uuid.uuid4(), name="K", registration_number="1", district_code="64.02", kind="jasa",
        sector="jasa", active=True, members_male=1, members_female=1), source="/x", subject="s", aggregate_version=1)
    bad = bad_schema.model_dump(mode="json")
    bad["data"]["members_male"] = "banyak"
    return {
        "malformed": b'{"specversion": "1.0", "id": ',
        "unknown_type": unknown.model_dump_json().encode(),
        "wrong_schema": json.dumps(bad).encode(),
        "oversized": b'{"pad": "' + b"x" * 700_000 + b'"}',
    }


async def test_poison_is_parked_on_every_consumed_topic_and_traffic_flows_on(stack, kafka, topic_prefix):
    consumed = {}
    for name in SERVICES:
        doc = stack.client(name, "admin").get("/asyncapi.json").json()
        consumed[name] = sorted({ch["bindings"]["kafka"]["topic"] for key, ch in doc["channels"].items()
                                 if not key.endswith(":publish")}
                                | {t for key, ch in doc["channels"].items() if not key.endswith(":publish")
                                   for t in ch.get("description", "").split("Topics: ")[-1].split(", ")
                                   if t.startswith(topic_prefix)})
    topics = sorted({t for ts in consumed.values() for t in ts})
    assert len(topics) >= 6, topics

    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap, max_request_size=2_000_000, **kafka.options("admin"))
    await producer.start()
    try:
        for topic in topics:
            for kind, raw in poison_kinds().items():
                await producer.send_and_wait(topic, raw, key=kind.encode())
    finally:
        await producer.stop()

    expected = {name: len(ts) * len(poison_kinds()) for name, ts in consumed.items()}
    for name in SERVICES:
        admin = stack.client(name, "admin")
        letters = wait_for(lambda: (l := admin.get("/api/v1/ops/dead-letters", params={"limit": 1000}).json())
                           and len(l) >= expected[name] and l, message=f"{name} parks its poison")
        assert len(letters) == expected[name]
        reasons = " ".join(l["error"] for l in letters)
        for words in ("JSON", "tidak dikenal", "tidak sah", "terlalu besar"):
            assert words in reasons, (name, words)

    # Healthy traffic after the poison still flows end to end.
    officer = stack.client("registration", "district_officer", "64.02")
    assert officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02")).status_code == 201
    batch = stack.client("training", "admin").post("/api/v1/batches", json=factories.batch()).json()
    wait_for(lambda: any(b["id"] == batch["id"] for b in officer.get("/api/v1/batches").json()),
             message="registration still consumes")
    viewer = stack.client("reporting", "viewer")
    wait_for(lambda: viewer.get("/api/v1/reports/summary").json()["events_applied"] == 2,
             message="reporting still consumes")
