"""Pairs that need no HTTP: reporting ingest, outbox relay, rebuild."""
from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import asyncpg

from bench import events
from bench.common import Context, Row, fill_topics
from bench.infra import sa_url
from shared.events.catalogue import ALL_TOPICS
from shared.messaging.broker import ensure_topics


async def ingest(ctx: Context) -> Row:
    """Reporting's consumer draining a pre-filled topic set of mixed events, vs raw getmany / raw COPY."""
    n, prefix = ctx.sizes.ingest_events, ctx.prefix("i")
    await ensure_topics(ctx.infra.bootstrap, prefix)
    await fill_topics(ctx.infra.bootstrap, prefix, events.mixed(n))
    drain = await ctx.job("drain", bootstrap=ctx.infra.bootstrap, topics=[prefix + t for t in ALL_TOPICS], expected=n)
    copy = await ctx.job("copy", db=await ctx.infra.new_database("copy"), n=n)
    ours = await ctx.job("consume", db=sa_url(await ctx.service_database("reporting")), bootstrap=ctx.infra.bootstrap,
                         prefix=prefix, expected=n)
    raw_drain, raw_copy = n / drain["elapsed"], n / copy["elapsed"]
    return Row.throughput("reporting ingest", n / ours["elapsed"], min(raw_drain, raw_copy), "events/s",
                          f"{n:,} mixed events; raw getmany {raw_drain:,.0f}/s, raw COPY {raw_copy:,.0f}/s; "
                          f"parked {ours['parked']}; consumer CPU {ours['cpu_s']:.0f} s")


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
    """OutboxRelay emptying a pre-filled outbox, vs one raw producer sending the same payloads."""
    from shared.settings import ServiceSettings

    n, prefix, raw_prefix = ctx.sizes.relay_rows, ctx.prefix("o"), ctx.prefix("p")
    settings = ServiceSettings()
    for p in (prefix, raw_prefix):
        await ensure_topics(ctx.infra.bootstrap, p)
    db = await _outbox_db(ctx, prefix, n)
    raw = await ctx.job("produce", db=db, bootstrap=ctx.infra.bootstrap, prefix=prefix, raw_prefix=raw_prefix)
    ours = await ctx.job("relay", db=sa_url(db), bootstrap=ctx.infra.bootstrap,
                         batch_size=settings.relay_batch_size, interval=settings.relay_interval_s)
    return Row.throughput("outbox relay", n / ours["elapsed"], n / raw["elapsed"], "events/s",
                          f"{n:,} rows of ~{len(events.participant_enrolled(uuid.uuid4(), 0)[2])} B; relay batch "
                          f"{settings.relay_batch_size}; relay CPU {ours['cpu_s']:.0f} s, raw {raw['cpu_s']:.0f} s")


def rebuild_available() -> bool:
    try:
        from services.reporting.service_layer.rebuild import rebuild  # noqa: F401
    except ImportError:
        return False
    return True


async def rebuild(ctx: Context) -> Row:
    """A full replay of every topic into an empty projection store: time and peak memory, vs a raw drain."""
    n, prefix = ctx.sizes.rebuild_events, ctx.prefix("r")
    await ensure_topics(ctx.infra.bootstrap, prefix)
    await fill_topics(ctx.infra.bootstrap, prefix, events.mixed(n, seed=11))
    drain = await ctx.job("drain", bootstrap=ctx.infra.bootstrap, topics=[prefix + t for t in ALL_TOPICS], expected=n)
    ours, how = None, "no `sipelkop reporting rebuild` found"
    if rebuild_available():
        db = await ctx.infra.new_database("rebuild")
        ctx.infra.forget_later(db.rsplit("/", 1)[1] + "_g1")  # the generation the rebuild creates beside it
        try:
            ours = await ctx.job("rebuild", db=sa_url(db), bootstrap=ctx.infra.bootstrap, prefix=prefix)
            how = "`sipelkop reporting rebuild` (its service function, grace 0), migrations included"
        except RuntimeError as exc:
            how = f"`sipelkop reporting rebuild` failed ({str(exc).strip().splitlines()[-1][:160]})"
    if ours is None:
        ours = await ctx.job("consume", db=sa_url(await ctx.service_database("reporting")),
                             bootstrap=ctx.infra.bootstrap, prefix=prefix, expected=n)
        how += "; measured instead: the reporting consumer, fresh group, fresh database"
    row = Row.throughput("rebuild", n / ours["elapsed"], n / drain["elapsed"], "events/s",
                         f"{ours['count']:,} events in {ours['elapsed']:.0f} s (raw drain {drain['elapsed']:.0f} s); "
                         f"peak RSS {ours['peak_rss_mib']:.0f} MiB (raw {drain['peak_rss_mib']:.0f} MiB); {how}",
                         extra_ok=ours["peak_rss_mib"] <= 512)
    row.goal = "≥ 0.5, RSS ≤ 512 MiB"
    return row
