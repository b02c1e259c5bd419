"""Measure a rebuild: publish N synthetic events (the seed scenario repeated) under a fresh topic prefix on a
running broker, then rebuild reporting's projections from them and print the time and peak memory.

    python -m bench.reporting_rebuild --events 1000000 --bootstrap 127.0.0.1:19092 \
        [--database-url postgresql+asyncpg://...]   # default: an SQLite file in a temporary directory

Publishing runs in a child process so that the peak RSS printed is the rebuild's own.
"""
from __future__ import annotations

import argparse
import asyncio
import resource
import subprocess
import sys
import tempfile
import time
import uuid


async def publish(bootstrap: str, prefix: str, events: int) -> int:
    from aiokafka import AIOKafkaProducer

    from bench.synthetic import bulk
    from shared.messaging.broker import ensure_topics

    await ensure_topics(bootstrap, prefix)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20, max_batch_size=512 * 1024,
                                compression_type=None)
    await producer.start()
    sent = 0
    try:
        for record in bulk(events, prefix=prefix):
            await producer.send(record.topic, record.value, key=record.key)
            sent += 1
            if sent % 100_000 == 0:
                print(f"  published {sent:,}", file=sys.stderr, flush=True)
        await producer.flush()
    finally:
        await producer.stop()
    return sent


async def measure(bootstrap: str, prefix: str, database_url: str) -> None:
    from services.reporting.bootstrap import rebuild_projections
    from services.reporting.config import ReportingSettings
    from services.reporting.service_layer import reports
    from shared.db import create_engine, session_factory

    settings = ReportingSettings(database_url=database_url, kafka_bootstrap=bootstrap, topic_prefix=prefix)

    def progress(read, seconds, state={"next": 0}):
        if read >= state["next"]:
            print(f"  applied {read:>10,}  {seconds:7.1f} s", file=sys.stderr, flush=True)
            state["next"] = read + 100_000

    result = await rebuild_projections(settings, grace_s=0, progress=progress)
    engine = create_engine(settings.database_url.replace("reporting.db", f"reporting.g{result.generation}.db")
                           if database_url.startswith("sqlite") else
                           database_url + f"_g{result.generation}")
    started = time.monotonic()
    async with session_factory(engine)() as session:
        summary = await reports.summary(session, fiscal_year=None, programme_id=None, default_target=600)
    query_s = time.monotonic() - started
    await engine.dispose()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"events read {result.events_read:,}; replay {result.replay_seconds} s "
          f"({result.events_read / max(result.replay_seconds, 0.001):,.0f} events/s); peak RSS {peak_mib:,.0f} MiB; "
          f"parked {result.parked}; summary query {query_s:.2f} s: {summary['participants_enrolled']:,} enrolled, "
          f"{summary['participants_completed']:,} completed, {summary['cooperatives_trained']:,} cooperatives")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--prefix", default="", help="reuse topics already published under this prefix")
    parser.add_argument("--publish-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.publish_only:
        started = time.monotonic()
        sent = asyncio.run(publish(args.bootstrap, args.prefix, args.events))
        print(f"published {sent:,} events in {time.monotonic() - started:.1f} s", file=sys.stderr)
        return 0
    prefix = args.prefix
    if not prefix:
        prefix = f"bench{uuid.uuid4().hex[:8]}."
        subprocess.run([sys.executable, "-m", "bench.reporting_rebuild", "--publish-only", "--events",
                        str(args.events), "--bootstrap", args.bootstrap, "--prefix", prefix], check=True)
    url = args.database_url or f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='sipelkop-bench-')}/reporting.db"
    print(f"rebuilding topics {prefix}* into {url.split('@')[-1]}", file=sys.stderr)
    asyncio.run(measure(args.bootstrap, prefix, url))
    return 0


if __name__ == "__main__":
    sys.exit(main())
