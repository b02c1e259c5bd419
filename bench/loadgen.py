"""The load generator, a process of its own (`python -m bench.loadgen SPEC.json`): it drives the HTTP API and
reports what it measured and how much CPU it took itself (it shares the machine with what it measures)."""
from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from collections import Counter

from bench.baselines import pct
from bench.http_client import Client


def cpu_seconds() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


async def closed_loop(spec: dict) -> dict:
    """`clients` callers, each sending its next request as soon as the last one answered."""
    client = Client(spec["base_url"], spec["token"], size=spec["clients"])
    requests = spec["requests"]
    statuses: Counter = Counter()
    latencies: list[float] = []
    errors: list[str] = []
    cursor = iter(range(len(requests)))
    deadline = time.perf_counter() + spec["duration"]

    async def caller() -> None:
        for i in cursor:
            if time.perf_counter() > deadline:
                return
            method, path, body = requests[i]
            t0 = time.perf_counter()
            status, payload = await client.call(method, path, body)
            statuses[status] += 1
            if status in (200, 201):
                latencies.append(time.perf_counter() - t0)
            elif len(errors) < 3:
                errors.append(f"{status} {payload[:300]!r}")

    started = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(spec["clients"])))
    elapsed = time.perf_counter() - started
    client.close()
    latencies.sort()
    return {"elapsed": elapsed, "count": len(latencies), "statuses": dict(statuses), "errors": errors,
            "p50": pct(latencies, 50), "p99": pct(latencies, 99)}


async def freshness(spec: dict) -> dict:
    """Enrol at a steady rate; per enrolment, the time from its 201 to the summary counting it, and to a raw
    consumer on the same topic receiving its event."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    writer = Client(spec["base_url"], spec["token"], size=32)
    reader = Client(spec["reporting_url"], spec["reporting_token"], size=2)
    consumer = AIOKafkaConsumer(bootstrap_servers=spec["bootstrap"], enable_auto_commit=False)
    await consumer.start()
    partitions = [TopicPartition(spec["topic"], p) for p in consumer.partitions_for_topic(spec["topic"]) or []] \
        or [TopicPartition(spec["topic"], p) for p in range(spec.get("partitions", 6))]
    consumer.assign(partitions)
    await consumer.seek_to_end(*partitions)
    for tp in partitions:
        await consumer.position(tp)
    received: dict[str, float] = {}
    answered: dict[str, float] = {}
    seen: list[tuple[float, int]] = []
    statuses: Counter = Counter()
    stop = asyncio.Event()

    async def counted() -> int:
        summary = await reader.json("GET", "/api/v1/reports/summary")
        return summary["participants_enrolled"] + summary["participants_waitlisted"]

    async def raw_consumer() -> None:
        while not stop.is_set():
            for records in (await consumer.getmany(timeout_ms=50)).values():
                now = time.perf_counter()
                for record in records:
                    received.setdefault(json.loads(record.value)["data"]["enrollment_id"], now)

    async def poller(baseline: int) -> None:
        while not stop.is_set():
            n = await counted() - baseline
            seen.append((time.perf_counter(), n))  # the answer's time: a count is known once it arrives
            await asyncio.sleep(spec["poll_s"])

    async def enrol(method: str, path: str, body: dict) -> None:
        status, payload = await writer.call(method, path, body)
        statuses[status] += 1
        if status == 201:
            answered[json.loads(payload)["id"]] = time.perf_counter()

    baseline = await counted()
    tasks = [asyncio.create_task(raw_consumer()), asyncio.create_task(poller(baseline))]
    total = int(spec["rate"] * spec["duration"])
    started = time.perf_counter()
    sends = []
    for i, (method, path, body) in enumerate(spec["requests"][:total]):
        delay = started + i / spec["rate"] - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        sends.append(asyncio.create_task(enrol(method, path, body)))
    await asyncio.gather(*sends)
    sent_for = time.perf_counter() - started
    deadline = time.perf_counter() + spec.get("settle_s", 60)
    while time.perf_counter() < deadline and not (
            seen and seen[-1][1] >= len(answered) and all(k in received for k in answered)):
        await asyncio.sleep(0.1)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    await consumer.stop()
    writer.close()
    reader.close()
    lags, misses = visibility_lags(sorted(answered.values()), seen)
    raw = sorted(max(0.0, received[key] - t201) for key, t201 in answered.items() if key in received)
    return {"count": len(answered), "rate": len(answered) / sent_for, "statuses": dict(statuses),
            "counted": len(lags), "misses": misses, "raw_received": len(raw), "raw_misses": len(answered) - len(raw),
            **{f"p{p}": pct(lags, p) for p in (50, 95, 99)}, **{f"raw_p{p}": pct(raw, p) for p in (50, 95, 99)}}


def visibility_lags(answered: list[float], seen: list[tuple[float, int]]) -> tuple[list[float], int]:
    """Per enrolment (the times of their 201s, sorted), the time until the summary first counted it: the k-th
    answered is visible at the first answer at or after its 201 that counts k or more. Returns the sorted lags and
    how many never became visible (misses: counted against the row, never dropped)."""
    lags = []
    for k, t201 in enumerate(answered, start=1):
        visible = next((t for t, n in seen if n >= k and t >= t201), None)
        if visible is not None:
            lags.append(visible - t201)
    return sorted(lags), len(answered) - len(lags)


def main() -> int:
    spec = json.loads(open(sys.argv[1]).read())
    result = asyncio.run({"closed": closed_loop, "freshness": freshness}[spec["mode"]](spec))
    print(json.dumps({**result, "loadgen_cpu_s": cpu_seconds()}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
