"""Rebuild: replay every topic from the beginning into a fresh generation of the projection store, catch up,
move the live pointer, and keep applying for a grace period while running instances switch over.

Why no event is lost: an event published before the grace period ends is read by the rebuild; one published
after it is applied by the live consumer, which by then writes to the new generation (its group offsets are
unchanged). Events seen by both are recorded in the new store's inbox once; versions drop older ones.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import async_sessionmaker

from services.reporting.adapters.kafka_topics import TopicReplay
from services.reporting.adapters.store import (create_store_database, drop_store_database, read_generation,
                                               store_url, write_generation)
from shared.db import create_engine, migrate, session_factory
from shared.messaging.broker import kafka_options
from shared.messaging.inbox import EventConsumer

log = logging.getLogger("sipelkop.reporting.rebuild")
CAUGHT_UP = 100  # a catch-up pass reading fewer events than this is close enough to switch


@dataclass
class RebuildResult:
    generation: int
    previous_generation: int
    events_read: int
    parked: int
    replay_seconds: float
    total_seconds: float


async def rebuild(settings, *, control: async_sessionmaker, migrations,
                  consumer_for: Callable[[async_sessionmaker], EventConsumer], grace_s: float | None = None,
                  progress=lambda read, seconds: None) -> RebuildResult:
    """Replay into generation N+1 and switch; `control` reaches the configured database (the pointer),
    `consumer_for(sessions)` gives the consumer that applies into the new generation (the composition root's)."""
    started = time.monotonic()
    await migrate(migrations, settings.database_url)
    previous = await read_generation(control)
    generation = previous + 1
    url = store_url(settings.database_url, generation, settings.store_url_template)
    await create_store_database(url)
    await migrate(migrations, url)
    # The new generation's engine is made here, not in the composition root: its database is named after the
    # pointer read just above and exists only from the line before.
    engine = create_engine(url)
    consumer = consumer_for(session_factory(engine))
    replay = TopicReplay(settings.kafka_bootstrap, consumer.topics, options=kafka_options(settings))
    read = 0

    async def apply(records):
        nonlocal read
        await consumer.handle_records(records)
        read += len(records)
        progress(read, time.monotonic() - started)

    try:
        await replay.start()
        while await replay.read_to_end(apply) >= CAUGHT_UP:
            pass  # events kept arriving during the pass: another one
        replayed_at = time.monotonic()
        await write_generation(control, generation)
        log.info("generation %d is live after %d events", generation, read)
        # Instances poll the pointer every store_poll_s; until they all have switched, some of them still
        # apply new events to the old generation only, so keep reading those into the new one.
        deadline = time.monotonic() + (grace_s if grace_s is not None else 3 * settings.store_poll_s + 5)
        while time.monotonic() < deadline:
            await replay.read_to_end(apply)
            await asyncio.sleep(0.5)
    finally:
        await replay.stop()
        await engine.dispose()
    if previous >= 2:
        # The generation before the previous one: nobody reads it any more. The previous one is kept as a
        # fallback (move the pointer back by hand if the new one is wrong).
        await drop_store_database(store_url(settings.database_url, previous - 1, settings.store_url_template))
    return RebuildResult(generation=generation, previous_generation=previous, events_read=read,
                         parked=int(consumer.metrics.parked._value.get()),
                         replay_seconds=round(replayed_at - started, 2),
                         total_seconds=round(time.monotonic() - started, 2))

