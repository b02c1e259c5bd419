"""ScoresRecorded leaves training through the outbox relay and reaches its Kafka topic: the whole sheet, by
participant id, without a name."""
import asyncio
import json
import uuid

import pytest
from aiokafka import AIOKafkaConsumer

from services.training.bootstrap import create_training_app
from services.training.config import TrainingSettings
from shared.events.evaluation import SCORE_TOPIC
from tests.integration.training.conftest import PUBLIC_URL, TrainingService, scheduled


@pytest.fixture
async def relaying(pg_url, kafka):
    prefix = f"s{uuid.uuid4().hex[:8]}."
    kafka.prepare(prefix)  # with SASL: the prefix's ACLs and topics
    settings = TrainingSettings(database_url=pg_url, env="test", public_base_url=PUBLIC_URL,
                                **kafka.settings("training"), topic_prefix=prefix)
    app = create_training_app(settings, start_background=False, handlers={})
    await app.state.runtime.start(run_relay=True, run_consumers=False)
    service = TrainingService(app)
    service.prefix = prefix
    yield service
    await app.state.runtime.stop()


async def test_the_sheet_reaches_the_topic_without_names(relaying, kafka):
    batch, people = await scheduled(relaying, participants=3)
    saved = await relaying.client("trainer", "pelatih-1").put(f"/api/v1/batches/{batch['id']}/scores", json={
        "scores": [{"participant_id": p["participant_id"], "pre_test": 50, "post_test": 70.5} for p in people]})
    assert saved.status_code == 200, saved.text
    consumer = AIOKafkaConsumer(relaying.prefix + SCORE_TOPIC, bootstrap_servers=kafka.bootstrap,
                                auto_offset_reset="earliest", group_id=None, **kafka.options("admin"))
    await consumer.start()
    try:
        message = await asyncio.wait_for(consumer.getone(), timeout=60)
    finally:
        await consumer.stop()
    assert message.key.decode() == batch["id"]
    envelope = json.loads(message.value)
    assert envelope["type"] == "sipelkop.training.scores.recorded.v1" and envelope["aggregate_version"] == 1
    assert sorted(s["participant_id"] for s in envelope["data"]["scores"]) == sorted(
        p["participant_id"] for p in people)
    assert {(s["pre_test"], s["post_test"]) for s in envelope["data"]["scores"]} == {(50.0, 70.5)}
    raw = message.value.decode()
    assert not any(p["full_name"] in raw or p["cooperative_name"] in raw for p in people)
