"""EvaluationSummarised leaves training through the outbox relay and reaches its Kafka topic, keyed by batch: the
means and counts, the narasumber by code, no respondent, name or comment."""
import asyncio
import json

from aiokafka import AIOKafkaConsumer

from shared.events.evaluation import EVALUATION_TOPIC
from tests.integration.training.test_evaluation import evaluated_batch, links
from tests.integration.training.test_scores_topic import relaying  # noqa: F401 (the fixture)


async def test_the_results_reach_the_topic_without_names_or_comments(relaying, kafka):  # noqa: F811
    batch, people, named, coded = await evaluated_batch(relaying, participants=3, absent=1)
    public = relaying.client(None)
    for n, url in enumerate(list((await links(relaying, batch)).values())):
        answered = await public.post(url, data={"q_P1": str(3 + n), f"q_N2@{coded['id']}": "4",
                                                "comment": f"Komentar rahasia {n}"})
        assert answered.status_code == 200
    consumer = AIOKafkaConsumer(relaying.prefix + EVALUATION_TOPIC, bootstrap_servers=kafka.bootstrap,
                                auto_offset_reset="earliest", group_id=None, **kafka.options("admin"))
    await consumer.start()
    try:
        messages = [await asyncio.wait_for(consumer.getone(), timeout=60) for _ in range(2)]
    finally:
        await consumer.stop()
    assert {m.key.decode() for m in messages} == {batch["id"]}
    last = json.loads(messages[-1].value)
    assert (last["type"], last["aggregate_version"]) == ("sipelkop.training.evaluation.summarised.v1", 2)
    assert (last["data"]["respondents"], last["data"]["invited"]) == (2, 2)
    assert [(i["item"], i["mean"], i["answers"]) for i in last["data"]["items"]] == [("P1", 3.5, 2)]
    assert [(n["code"], n["display_name"], n["mean"]) for n in last["data"]["narasumber"]] == [("NS-77", None, 4.0)]
    raw = b"".join(m.value for m in messages).decode()
    assert "Komentar rahasia" not in raw and coded["name"] not in raw
    assert not any(p["full_name"] in raw or p["cooperative_name"] in raw for p in people)
