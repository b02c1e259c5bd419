"""One measured job in its own process (`python -m bench.worker JOB ARGS_JSON`); prints one JSON line.

Both sides of a pair run this way, so each pays the same process, interpreter and event-loop costs."""
from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
import uuid


def usage() -> dict:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu_s": ru.ru_utime + ru.ru_stime, "peak_rss_mib": ru.ru_maxrss / 1024}


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
    from services.reporting.bootstrap import MIGRATIONS
    from services.reporting.config import ReportingSettings
    from services.reporting.entrypoints.consumers import HANDLERS
    from services.reporting.service_layer.rebuild import rebuild as rebuild_projections

    settings = ReportingSettings(database_url=a["db"], kafka_bootstrap=a["bootstrap"], topic_prefix=a["prefix"])
    started = time.perf_counter()
    result = await rebuild_projections(settings, migrations=MIGRATIONS, handlers=HANDLERS, grace_s=0)
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


JOBS = {"drain": drain, "copy": copy, "consume": consume, "rebuild": rebuild, "relay": relay, "produce": produce,
        "sql_writes": sql_writes}


def main() -> int:
    import logging

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    job, args = sys.argv[1], json.loads(sys.argv[2])
    result = asyncio.run(JOBS[job](args))
    print(json.dumps({**result, **usage()}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
