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
from dataclasses import dataclass

from prometheus_client import CollectorRegistry

from services.reporting.adapters.kafka_topics import TopicReplay
from shared.messaging.broker import kafka_options
from services.reporting.adapters.orm import messaging
from services.reporting.adapters.store import (create_store_database, drop_store_database, read_generation,
                                               store_url, write_generation)
from shared.db import create_engine, migrate, session_factory
from shared.messaging.dead_letters import DeadLetterStore
from shared.messaging.inbox import EventConsumer
from services.reporting.service_layer.batch_apply import apply_batch
from shared.unit_of_work import UnitOfWork

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


async def rebuild(settings, *, migrations, handlers: dict, grace_s: float | None = None,
                  progress=lambda read, seconds: None) -> RebuildResult:
    started = time.monotonic()
    control_engine = create_engine(settings.database_url)
    control = session_factory(control_engine)
    await migrate(migrations, settings.database_url)
    previous = await read_generation(control)
    generation = previous + 1
    url = store_url(settings.database_url, generation, settings.store_url_template)
    await create_store_database(url)
    await migrate(migrations, url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    dead_letters = DeadLetterStore(sessions, messaging)
    consumer = EventConsumer(
        name="reporting-rebuild", dead_letters=dead_letters, handlers=handlers, registry=CollectorRegistry(),
        topic_prefix=settings.topic_prefix, batch_handler=apply_batch,
        version_margin=settings.event_version_margin,
        uow_factory=lambda: UnitOfWork(sessions, messaging, source="/sipelkop/reporting",
                                      topic_prefix=settings.topic_prefix))
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
        await control_engine.dispose()
    if previous >= 2:
        # The generation before the previous one: nobody reads it any more. The previous one is kept as a
        # fallback (move the pointer back by hand if the new one is wrong).
        await drop_store_database(store_url(settings.database_url, previous - 1, settings.store_url_template))
    return RebuildResult(generation=generation, previous_generation=previous, events_read=read,
                         parked=int(consumer.metrics.parked._value.get()),
                         replay_seconds=round(replayed_at - started, 2),
                         total_seconds=round(time.monotonic() - started, 2))

