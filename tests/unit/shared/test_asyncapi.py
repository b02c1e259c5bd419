"""Each service serves an AsyncAPI document naming every event it publishes and consumes."""
import importlib

import pytest

from shared.events.base import EVENT_TYPES


@pytest.mark.parametrize("service", ["registration", "training", "reporting"])
def test_asyncapi_lists_published_and_consumed_events(service):
    runtime = importlib.import_module(f"services.{service}.bootstrap").bootstrap()
    doc = runtime.asyncapi()
    text = str(doc)
    published = [t for t in EVENT_TYPES if t.split(".")[1] == service]
    consumed = [cls.type for cls in runtime.consumer.handlers] if runtime.consumer else []
    assert doc["asyncapi"].startswith("2.6")
    for event_type in published:
        assert f"{event_type}:publish" in doc["channels"], event_type
    for event_type in consumed:
        assert event_type in text, event_type
    if service == "reporting":
        assert not published and len(consumed) >= 10
