"""One measured job in its own process (`python -m bench.worker JOB ARGS_JSON`); prints one JSON line.

Both sides of a pair run this way, so each pays the same process, interpreter and event-loop costs."""
from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
import uuid


def peak_rss_mib() -> float:
    """This process's own peak resident memory: VmHWM belongs to the address space exec gave it. (`ru_maxrss` does
    not: Linux carries it over exec, so a worker spawned by a big parent reported the parent's peak.)"""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    ru = resource.getrusage(resource.RUSAGE_SELF)  # not Linux: the best there is
    return ru.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


def usage() -> dict:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu_s": ru.ru_utime + ru.ru_stime, "peak_rss_mib": peak_rss_mib()}


async def drain(a: dict) -> dict:
    """Raw limit of reading: aiokafka getmany over every topic, fresh group, from the beginning."""
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(*a["topics"], bootstrap_servers=a["bootstrap"], group_id=f"bench-drain-{uuid.uuid4()}",
                                auto_offset_reset="earliest", enable_auto_commit=False,
                                max_partition_fetch_bytes=4 * 1024 * 1024, fetch_max_bytes=64 * 1024 * 1024)
    started = time.perf_counter()
    await consumer.start()
    seen = 0
    try:
        while seen < a["expected"]:
            batches = await consumer.getmany(timeout_ms=1000, max_records=10_000)
            seen += sum(len(v) for v in batches.values())
            if time.perf_counter() - started > a.get("timeout", 1800):
                raise TimeoutError(f"drained {seen} of {a['expected']}")
        await consumer.commit()
    finally:
        await consumer.stop()
    return {"elapsed": time.perf_counter() - started, "count": seen}


ROWS_DDL = """CREATE TABLE IF NOT EXISTS bench_rows (id uuid PRIMARY KEY, batch_id uuid, participant_id uuid,
  cooperative_id uuid, district_code varchar(8), sector varchar(40), gender varchar(1), status varchar(20),
  version int);
CREATE INDEX IF NOT EXISTS ix_bench_rows_bp ON bench_rows (batch_id, participant_id)"""


async def copy(a: dict) -> dict:
    """Raw limit of writing: asyncpg COPY of as many rows (one per event), shaped like reporting's enrolments."""
    import asyncpg

    conn = await asyncpg.connect(a["db"])
    try:
        await conn.execute(ROWS_DDL)
        batch = uuid.uuid4()
        rows = [(uuid.uuid4(), batch, uuid.uuid4(), uuid.uuid4(), "64.02", "pertanian", "LP"[i % 2], "enrolled", 1)
                for i in range(a["n"])]
        started = time.perf_counter()
        async with conn.transaction():
            await conn.copy_records_to_table("bench_rows", records=rows)
        return {"elapsed": time.perf_counter() - started, "count": len(rows)}
    finally:
        await conn.close()


async def consume(a: dict) -> dict:
    """Ours: the reporting service's consumer (FastStream batch subscriber + inbox + projections) into PostgreSQL."""
    from sqlalchemy import text

    from services.reporting.bootstrap import bootstrap
    from services.reporting.config import ReportingSettings
    from shared.db import migrate

    settings = ReportingSettings(database_url=a["db"], kafka_bootstrap=a["bootstrap"], topic_prefix=a["prefix"])
    runtime = bootstrap(settings)
    await migrate(runtime.migrations, settings.database_url)
    started = time.perf_counter()
    await runtime.start(migrate_db=False, run_relay=False)
    applied = 0
    try:
        while applied < a["expected"]:
            await asyncio.sleep(0.2)
            async with runtime.engine.connect() as conn:
                applied = await conn.scalar(text("SELECT (SELECT count(*) FROM inbox) + "
                                                 "(SELECT count(*) FROM dead_letters)"))
            if time.perf_counter() - started > a.get("timeout", 1800):
                raise TimeoutError(f"applied {applied} of {a['expected']}")
        elapsed = time.perf_counter() - started
        async with runtime.engine.connect() as conn:
            parked = await conn.scalar(text("SELECT count(*) FROM dead_letters"))
    finally:
        await runtime.stop()
    return {"elapsed": elapsed, "count": applied, "parked": parked}


async def rebuild(a: dict) -> dict:
    """Ours: `sipelkop reporting rebuild` (its service function): replay every topic into a new generation."""
    from services.reporting.bootstrap import rebuild_projections
    from services.reporting.config import ReportingSettings

    settings = ReportingSettings(database_url=a["db"], kafka_bootstrap=a["bootstrap"], topic_prefix=a["prefix"])
    started = time.perf_counter()
    result = await rebuild_projections(settings, grace_s=0)
    return {"elapsed": time.perf_counter() - started, "count": result.events_read, "parked": result.parked,
            "replay_s": result.replay_seconds}


async def relay(a: dict) -> dict:
    """Ours: OutboxRelay publishing a pre-filled outbox until it is empty."""
    from prometheus_client import CollectorRegistry
    from sqlalchemy import MetaData, text

    from shared.db import create_engine
    from shared.messaging.relay import OutboxRelay
    from shared.messaging.tables import messaging_tables

    engine = create_engine(a["db"])
    outbox = OutboxRelay(engine=engine, tables=messaging_tables(MetaData()), bootstrap=a["bootstrap"],
                         service="bench", registry=CollectorRegistry(), batch_size=a["batch_size"],
                         interval=a["interval"])
    await outbox._ensure_producer()  # connecting is not publishing
    started = time.perf_counter()
    sent = 0
    try:
        while True:
            n = await outbox.publish_once()
            sent += n
            if n == 0:
                async with engine.connect() as conn:
                    if not await conn.scalar(text("SELECT count(*) FROM outbox WHERE published_at IS NULL")):
                        break
        elapsed = time.perf_counter() - started
    finally:
        await outbox._close_producer()
        await engine.dispose()
    return {"elapsed": elapsed, "count": sent}


async def fair_relay(a: dict) -> dict:
    """Fair: the relay's round with the least machinery (asyncpg, no ORM, no metrics): the same advisory lock and
    synchronous_commit, the same SELECT of `batch_size` rows, the same producer settings, waiting for every ack,
    the same `UPDATE … WHERE seq = ANY($1)` and COMMIT, round after round until the outbox is empty."""
    from datetime import UTC, datetime

    import asyncpg

    from shared.messaging.relay import new_producer

    conn = await asyncpg.connect(a["db"])
    producer = new_producer(a["bootstrap"])
    await producer.start()
    sent = 0
    try:
        started = time.perf_counter()
        while True:
            async with conn.transaction():
                if not await conn.fetchval("SELECT pg_try_advisory_xact_lock($1) "
                                           "AND set_config('synchronous_commit', 'off', true) = 'off'", 4242):
                    continue
                rows = await conn.fetch("SELECT seq, topic, key, payload FROM outbox WHERE published_at IS NULL "
                                        "ORDER BY seq LIMIT $1", a["batch_size"])
                if not rows:
                    break
                futures = [await producer.send(r["topic"], r["payload"].encode(), key=r["key"].encode()) for r in rows]
                await asyncio.gather(*futures)
                await conn.execute("UPDATE outbox SET published_at = $1 WHERE seq = ANY($2)", datetime.now(UTC),
                                   [r["seq"] for r in rows])
            sent += len(rows)
        elapsed = time.perf_counter() - started
    finally:
        await producer.stop()
        await conn.close()
    return {"elapsed": elapsed, "count": sent}


async def produce(a: dict) -> dict:
    """Raw limit of publishing: the same payloads, read beforehand, sent by one aiokafka producer (same acks)."""
    import asyncpg

    from shared.messaging.relay import new_producer

    conn = await asyncpg.connect(a["db"])
    rows = await conn.fetch("SELECT topic, key, payload FROM outbox ORDER BY seq")
    await conn.close()
    messages = [(a["raw_prefix"] + r["topic"][len(a["prefix"]):], r["key"].encode(), r["payload"].encode())
                for r in rows]
    producer = new_producer(a["bootstrap"])
    await producer.start()
    try:
        started = time.perf_counter()
        futures = [await producer.send(topic, value, key=key) for topic, key, value in messages]
        await asyncio.gather(*futures)
        elapsed = time.perf_counter() - started
    finally:
        await producer.stop()
    return {"elapsed": elapsed, "count": len(messages)}


async def sql_writes(a: dict) -> dict:
    from bench.baselines import run_sql_writes

    return await run_sql_writes(a)


async def hold(a: dict) -> dict:
    """For the RSS accounting's test: hold `mib` MiB, then report."""
    ballast = bytearray(a["mib"] * 1024 * 1024)
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1  # touch every page: resident, not just reserved
    return {"held_mib": len(ballast) // (1024 * 1024)}


JOBS = {"drain": drain, "copy": copy, "consume": consume, "rebuild": rebuild, "relay": relay, "produce": produce,
        "sql_writes": sql_writes, "fair_relay": fair_relay, "hold": hold}


def main() -> int:
    import logging

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    job, args = sys.argv[1], json.loads(sys.argv[2])
    result = asyncio.run(JOBS[job](args))
    print(json.dumps({**result, **usage()}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
