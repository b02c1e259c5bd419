"""The domain topics are created to keep every event, by age and by size, whatever the broker's defaults:
reporting's rebuild and `sipelkop kafka recover` need the full history."""
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from shared.events.catalogue import ALL_TOPICS


async def test_every_domain_topic_keeps_its_events_forever(kafka, topic_prefix):
    kafka.prepare(topic_prefix)  # ensure_topics, as `sipelkop up` and the services create them
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap, **kafka.options("admin"))
    await admin.start()
    try:
        answers = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, topic_prefix + t) for t in ALL_TOPICS])
    finally:
        await admin.close()
    configs = {}
    for answer in answers:
        for _error, _message, _type, name, entries in answer.resources:
            configs[name] = {entry[0]: entry[1] for entry in entries}
    assert set(configs) == {topic_prefix + t for t in ALL_TOPICS}
    for name, config in configs.items():
        assert (config["retention.ms"], config["retention.bytes"], config["cleanup.policy"]) == ("-1", "-1", "delete"), name
