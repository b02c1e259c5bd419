"""Reading reporting's topics outside a consumer group: a full replay (how far behind the live group is:
shared/messaging/gauges.py, as for every consumer)."""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

log = logging.getLogger("sipelkop.reporting.topics")


async def _partitions(admin: AIOKafkaAdminClient, topics: list[str]) -> list[TopicPartition]:
    """Every partition of `topics` (a topic not created yet has none)."""
    described = await admin.describe_topics(topics)
    return [TopicPartition(d["topic"], p["partition"]) for d in described if not d["error_code"]
            for p in sorted(d["partitions"], key=lambda p: p["partition"])]


class TopicReplay:
    """Reads every partition of `topics` from the beginning, without a consumer group, up to the end offsets
    seen at the start of each pass; a rebuild calls `read_to_end` until it is caught up."""

    def __init__(self, bootstrap: str, topics: list[str], *, batch: int = 2000, options: dict | None = None):
        self._bootstrap, self._options = bootstrap, options or {}
        self._consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                          auto_offset_reset="earliest", max_poll_records=batch,
                                          fetch_max_bytes=32 * 1024 * 1024, **self._options)
        self._topics = topics
        self._partitions: list[TopicPartition] = []

    async def start(self) -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap, request_timeout_ms=10_000, **self._options)
        await admin.start()
        try:
            self._partitions = await _partitions(admin, self._topics)
        finally:
            await admin.close()
        await self._consumer.start()
        self._consumer.assign(self._partitions)
        if self._partitions:
            await self._consumer.seek_to_beginning(*self._partitions)

    async def read_to_end(self, apply: Callable[[list], Awaitable[None]]) -> int:
        """Apply every record up to the current end offsets; returns how many were read."""
        if not self._partitions:
            return 0
        ends = await self._consumer.end_offsets(self._partitions)
        todo = {tp for tp, end in ends.items() if await self._consumer.position(tp) < end}
        read = 0
        while todo:
            batches = await self._consumer.getmany(*todo, timeout_ms=1000)
            # Records past the end snapshot are applied too: the position has moved past them already.
            records = [r for tp in batches for r in batches[tp]]
            if records:
                await apply(records)
                read += len(records)
            for tp in list(todo):
                if await self._consumer.position(tp) >= ends[tp]:
                    todo.discard(tp)
        return read

    async def stop(self) -> None:
        await self._consumer.stop()
