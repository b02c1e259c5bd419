"""Every topic of the installation as JSON lines, and back: messages with key, value, headers, partition, offset
and timestamp, read and written with aiokafka; consumer groups' committed offsets too.

One line per message (UTF-8 JSON; each partition's lines in offset order, partitions interleaved; bytes in base64
so nothing is altered):
  {"partition": 0, "offset": 41, "timestamp": 1764750000123, "timestamp_type": 0,
   "key": "<base64>" | null, "value": "<base64>" | null, "headers": [["name", "<base64>"], ...]}
timestamp is milliseconds since the epoch (timestamp_type 0: producer's create time, 1: broker's append time)."""
from __future__ import annotations

import base64
import json
from bisect import bisect_left
from collections.abc import Callable
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import OffsetAndMetadata

DOMAIN = "sipelkop."


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode()


def _bytes(text: str | None) -> bytes | None:
    return None if text is None else base64.b64decode(text)


def event_id(value: bytes | None) -> str | None:
    try:
        return str(json.loads(value)["id"])
    except (TypeError, ValueError, KeyError):
        return None  # not one of our envelopes (poison kept as it was)


class Topics:
    def __init__(self, bootstrap: str, prefix: str, options: dict):
        self.bootstrap, self.prefix, self.options = bootstrap, prefix, options

    def _admin(self) -> AIOKafkaAdminClient:
        return AIOKafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=15_000, **self.options)

    async def layout(self) -> dict[str, int]:
        """The installation's topics (prefix + sipelkop.*) and their partition counts."""
        admin = self._admin()
        await admin.start()
        try:
            names = sorted(t for t in await admin.list_topics() if t.startswith(self.prefix + DOMAIN))
            described = await admin.describe_topics(names) if names else []
            return dict(sorted((d["topic"], len(d["partitions"])) for d in described if not d.get("error_code")))
        finally:
            await admin.close()

    async def end_offsets(self, layout: dict[str, int]) -> dict[str, dict[int, int]]:
        if not layout:
            return {}
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, **self.options)
        await _start(consumer)
        try:
            tps = [TopicPartition(t, p) for t, n in layout.items() for p in range(n)]
            ends = await consumer.end_offsets(tps) if tps else {}
            return {t: {p: ends[TopicPartition(t, p)] for p in range(n)} for t, n in layout.items()}
        finally:
            await consumer.stop()

    async def group_offsets(self) -> dict[str, dict[str, dict[str, int]]]:
        """Committed offsets of every consumer group on the installation's topics: {group: {topic: {p: offset}}}."""
        admin = self._admin()
        await admin.start()
        try:
            groups = {}
            for entry in await admin.list_consumer_groups():
                group = entry[0]
                if not group.startswith(self.prefix):
                    continue
                committed = await admin.list_consumer_group_offsets(group)
                ours = {tp: o for tp, o in committed.items()
                        if tp.topic.startswith(self.prefix + DOMAIN) and o.offset >= 0}
                for tp, o in sorted(ours.items()):
                    groups.setdefault(group, {}).setdefault(tp.topic, {})[str(tp.partition)] = o.offset
            return groups
        finally:
            await admin.close()

    async def export(self, topic: str, partitions: int, ends: dict[int, int], target: Path,
                     keep: Callable[[bytes | None, int], bool]) -> dict:
        """Write the topic's messages up to `ends` into `target`; `keep(value, timestamp)` may leave some out
        (events of writes the database copy does not hold). Returns counts."""
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False,
                                    auto_offset_reset="earliest", max_partition_fetch_bytes=8 * 1024 * 1024,
                                    **self.options)
        await _start(consumer)
        written = left_out = 0
        out = open(target, "w")
        try:
            waiting = {TopicPartition(topic, p) for p in range(partitions) if ends.get(p, 0) > 0}
            if waiting:
                consumer.assign(list(waiting))
                await consumer.seek_to_beginning(*waiting)
            while waiting:
                batch = await consumer.getmany(*waiting, timeout_ms=1000, max_records=5000)
                for tp, records in batch.items():
                    for r in records:
                        if r.offset >= ends[tp.partition]:
                            continue
                        if not keep(r.value, r.timestamp):
                            left_out += 1
                            continue
                        out.write(json.dumps({
                            "partition": tp.partition, "offset": r.offset, "timestamp": r.timestamp,
                            "timestamp_type": r.timestamp_type, "key": _b64(r.key), "value": _b64(r.value),
                            "headers": [[k, _b64(v)] for k, v in (r.headers or ())]}) + "\n")
                        written += 1
                for tp in list(waiting):
                    if await consumer.position(tp) >= ends[tp.partition]:
                        waiting.discard(tp)
        finally:
            out.close()
            await consumer.stop()
        return {"messages": written, "left_out": left_out}

    async def holding_data(self) -> list[str]:
        layout = await self.layout()
        ends = await self.end_offsets(layout)
        return [t for t, by_partition in ends.items() if any(by_partition.values())]

    async def delete(self, topics: list[str]) -> None:
        import asyncio

        if not topics:
            return
        admin = self._admin()
        await admin.start()
        try:
            await admin.delete_topics(topics)
        finally:
            await admin.close()
        for _ in range(120):  # deletion finishes in the background; creating the same name too early fails
            if not set(topics) & set(await self.layout()):
                return
            await asyncio.sleep(0.5)
        raise RuntimeError(f"topik belum terhapus: {', '.join(topics)}")

    async def create(self, topic: str, partitions: int, replication: int) -> None:
        from shared.messaging.broker import ensure_topics

        # The services' own topic settings (retention forever), at the backup's partition count.
        await ensure_topics(self.bootstrap, "", (topic,), partitions=partitions, replication=replication,
                            options=self.options)

    async def refill(self, topic: str, source: Path) -> dict[int, list[int]]:
        """Produce the file's messages to `topic`, each to its partition, in order, with key, headers and
        timestamp. Returns, per partition, the original offsets in the order they were written (the new offset
        of the i-th is i on an empty topic)."""
        from shared.messaging.relay import PRODUCER_SETTINGS

        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, **PRODUCER_SETTINGS, **self.options)
        await producer.start()
        originals: dict[int, list[int]] = {}
        try:
            pending = []
            with open(source) as f:
                for line in f:
                    m = json.loads(line)
                    pending.append(await producer.send(
                        topic, _bytes(m["value"]), key=_bytes(m["key"]), partition=m["partition"],
                        timestamp_ms=m["timestamp"], headers=[(k, _bytes(v)) for k, v in m["headers"]] or None))
                    originals.setdefault(m["partition"], []).append(m["offset"])
                    if len(pending) >= 2000:
                        await _landed(pending, originals)
                        pending = []
            await _landed(pending, originals)
        finally:
            await producer.stop()
        return originals

    async def commit(self, groups: dict, originals: dict[str, dict[int, list[int]]]) -> None:
        """Put each group's committed offsets back, translated to the refilled topics' offsets."""
        for group, topics in groups.items():
            offsets = {}
            for topic, by_partition in topics.items():
                for partition, offset in by_partition.items():
                    kept = originals.get(topic, {}).get(int(partition), [])
                    offsets[TopicPartition(topic, int(partition))] = OffsetAndMetadata(bisect_left(kept, offset), "")
            if not offsets:
                continue
            consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, group_id=group, enable_auto_commit=False,
                                        **self.options)
            await _start(consumer)
            try:
                consumer.assign(list(offsets))
                await consumer.commit(offsets)
            finally:
                await consumer.stop()


async def _landed(pending: list, originals: dict[int, list[int]]) -> None:
    import asyncio

    for meta in await asyncio.gather(*pending):
        # Offsets of an empty topic start at 0 and follow the order sent (idempotent producer, one partition
        # each): the i-th message written lands at offset i, which commit() relies on.
        if meta.offset >= len(originals[meta.partition]):
            raise RuntimeError(f"{meta.topic}[{meta.partition}]: offset {meta.offset} tidak terduga (topik tidak "
                               "kosong?)")


async def _start(consumer: AIOKafkaConsumer) -> None:
    import asyncio

    await consumer.start()
    # Let the consumer's own background task begin: stopped before its first step, aiokafka's stop() raises
    # CancelledError (a consumer over empty partitions stops at once).
    await asyncio.sleep(0)
