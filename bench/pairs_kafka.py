"""Pairs that need no HTTP: reporting ingest, outbox relay, rebuild."""
from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import asyncpg

from bench import events
from bench.common import Context, Row, fill_topics, spread
from bench.infra import sa_url
from shared.events.catalogue import ALL_TOPICS
from shared.messaging.broker import ensure_topics


async def ingest(ctx: Context) -> Row:
    """Reporting's consumer draining a pre-filled topic set of mixed events; limit: min(raw getmany, raw COPY)."""
    n = ctx.sizes.ingest_events
    ours, limit, drains, copies, cpu, parked = [], [], [], [], [], 0
    for _ in range(ctx.sizes.runs):
        # Topics of its own per run: the consumer's group is named after the prefix and starts where it left off.
        prefix = ctx.prefix("i")
        await ensure_topics(ctx.infra.bootstrap, prefix)
        await fill_topics(ctx.infra.bootstrap, prefix, events.mixed(n))
        run = await ctx.job("consume", db=sa_url(await ctx.service_database("reporting")),
                            bootstrap=ctx.infra.bootstrap, prefix=prefix, expected=n)
        drain = await ctx.job("drain", bootstrap=ctx.infra.bootstrap, topics=[prefix + t for t in ALL_TOPICS],
                              expected=n)
        copy = await ctx.job("copy", db=await ctx.infra.new_database("copy"), n=n)
        ours.append(n / run["elapsed"])
        drains.append(n / drain["elapsed"])
        copies.append(n / copy["elapsed"])
        limit.append(min(drains[-1], copies[-1]))
        cpu.append(run["cpu_s"])
        parked = max(parked, run["parked"])
    return Row.throughput("reporting ingest", ours, [], limit, "events/s",
                          f"{n:,} mixed events; raw getmany {spread(drains)}/s, raw COPY {spread(copies)}/s; "
                          f"parked {parked}; consumer CPU {spread(cpu, '.1f')} s; fair baseline not built yet "
                          f"(bench/README.md)")


async def _outbox_db(ctx: Context, prefix: str, n: int) -> str:
    from sqlalchemy import MetaData

    from shared.db import create_engine
    from shared.messaging.tables import messaging_tables

    db = await ctx.infra.new_database("outbox")
    engine = create_engine(sa_url(db))
    metadata = MetaData()
    messaging_tables(metadata)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    await engine.dispose()
    now = datetime.now(UTC)
    rows = []
    for i in range(n):
        topic, key, payload = events.participant_enrolled(uuid.uuid4(), i)
        rows.append((json.loads(payload)["id"], "sipelkop.registration.participant.enrolled.v1", prefix + topic, key,
                     payload.decode(), now))
    conn = await asyncpg.connect(db)
    try:
        await conn.copy_records_to_table("outbox", records=rows, columns=[
            "event_id", "event_type", "topic", "key", "payload", "created_at"])
        await conn.execute("ANALYZE outbox")
    finally:
        await conn.close()
    return db


async def relay(ctx: Context) -> Row:
    """OutboxRelay emptying a pre-filled outbox; fair: its round in bare asyncpg + aiokafka; limit: one raw producer
    sending the same payloads, read beforehand."""
    from shared.settings import ServiceSettings

    n, settings = ctx.sizes.relay_rows, ServiceSettings()
    ours, fair, limit, cpu, fair_cpu = [], [], [], [], []
    for _ in range(ctx.sizes.runs):
        prefix, fair_prefix, raw_prefix = ctx.prefix("o"), ctx.prefix("f"), ctx.prefix("p")
        for p in (prefix, fair_prefix, raw_prefix):
            await ensure_topics(ctx.infra.bootstrap, p)
        db, fair_db = await _outbox_db(ctx, prefix, n), await _outbox_db(ctx, fair_prefix, n)
        run = await ctx.job("relay", db=sa_url(db), bootstrap=ctx.infra.bootstrap,
                            batch_size=settings.relay_batch_size, interval=settings.relay_interval_s)
        bare = await ctx.job("fair_relay", db=fair_db, bootstrap=ctx.infra.bootstrap,
                             batch_size=settings.relay_batch_size)
        raw = await ctx.job("produce", db=db, bootstrap=ctx.infra.bootstrap, prefix=prefix, raw_prefix=raw_prefix)
        ours.append(n / run["elapsed"])
        fair.append(n / bare["elapsed"])
        limit.append(n / raw["elapsed"])
        cpu.append(run["cpu_s"])
        fair_cpu.append(bare["cpu_s"])
    return Row.throughput("outbox relay", ours, fair, limit, "events/s",
                          f"{n:,} rows of ~{len(events.participant_enrolled(uuid.uuid4(), 0)[2])} B; relay batch "
                          f"{settings.relay_batch_size}; relay CPU {spread(cpu, '.1f')} s, fair "
                          f"{spread(fair_cpu, '.1f')} s")


def rebuild_available() -> bool:
    try:
        from services.reporting.bootstrap import rebuild_projections  # noqa: F401
    except ImportError:
        return False
    return True


async def rebuild(ctx: Context) -> Row:
    """A full replay of every topic into an empty projection store: time and peak memory (the rebuild's own
    process: bench/worker.py peak_rss_mib); limit: a raw drain of the same topics."""
    n, prefix = ctx.sizes.rebuild_events, ctx.prefix("r")
    await ensure_topics(ctx.infra.bootstrap, prefix)
    await fill_topics(ctx.infra.bootstrap, prefix, events.mixed(n, seed=11))
    how = "`sipelkop reporting rebuild` (its service function, grace 0), migrations included"
    if not rebuild_available():
        raise RuntimeError("no `sipelkop reporting rebuild` found")
    ours, limit, rss, drain_rss, seconds = [], [], [], [], []
    for _ in range(ctx.sizes.runs):
        db = await ctx.infra.new_database("rebuild")
        ctx.infra.forget_later(db.rsplit("/", 1)[1] + "_g1")  # the generation the rebuild creates beside it
        run = await ctx.job("rebuild", db=sa_url(db), bootstrap=ctx.infra.bootstrap, prefix=prefix)
        drain = await ctx.job("drain", bootstrap=ctx.infra.bootstrap, topics=[prefix + t for t in ALL_TOPICS],
                              expected=n)
        if run["count"] < n:
            raise RuntimeError(f"the rebuild read {run['count']} of {n} events")
        ours.append(n / run["elapsed"])
        limit.append(n / drain["elapsed"])
        rss.append(run["peak_rss_mib"])
        drain_rss.append(drain["peak_rss_mib"])
        seconds.append(run["elapsed"])
    row = Row.throughput("rebuild", ours, [], limit, "events/s",
                         f"{n:,} events in {spread(seconds, '.1f')} s; peak RSS of the rebuild's own process "
                         f"{spread(rss)} MiB (raw drain's {spread(drain_rss)} MiB); {how}; fair baseline not built "
                         f"yet (bench/README.md)", goal_text="≥ 0.5 of fair, RSS ≤ 512 MiB")
    row.met = False if max(rss) > 512 else row.met
    return row
