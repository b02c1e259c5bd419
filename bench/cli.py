"""`sipelkop bench`: starts (or reuses) a broker and PostgreSQL, runs every pair back to back, prints the table
and writes it to bench/results/latest.md."""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import traceback
from dataclasses import fields, replace
from pathlib import Path

from bench.common import QUICK, Context, Row, Sizes

PAIRS = ("ingest", "relay", "enrolment", "rebuild", "attendance")
RESULTS = Path(__file__).parent / "results" / "latest.md"
# What a failed pair still puts in the table, so every row always appears.
ROWS_OF = {"ingest": [("reporting ingest", "≥ 0.5 of fair")], "relay": [("outbox relay", "≥ 0.5 of fair")],
           "enrolment": [("enrolment write", "≥ 0.5 of fair"), ("end-to-end freshness", "p95 ≤ 0.25 s, no misses")],
           "rebuild": [("rebuild", "≥ 0.5 of fair, RSS ≤ 512 MiB")],
           "attendance": [("attendance marking", "≥ 0.5 of fair")]}


def register(sub) -> None:
    p = sub.add_parser("bench", help="tolok ukur: tiap jalur sibuk sebagai rasio terhadap batas mentahnya, "
                                     "dalam satu kali jalan",
                       description=__doc__)
    p.add_argument("--quick", action="store_true",
                   help="ukuran kecil (hitungan detik): memeriksa perangkat ukurnya, bukan kecepatannya")
    p.add_argument("--kafka-bootstrap", default=os.environ.get("SIPELKOP_BENCH_KAFKA_BOOTSTRAP"),
                   help="pakai broker ini (bawaan: menyalakan broker lokal)")
    p.add_argument("--pg-admin-url", default=os.environ.get("SIPELKOP_BENCH_PG_ADMIN_URL"),
                   help="postgresql://user:pw@host:port/postgres yang boleh CREATE DATABASE (bawaan: menyalakan satu)")
    p.add_argument("--only", help=f"sebagian saja, dipisah koma, dari {','.join(PAIRS)}")
    p.add_argument("--output", type=Path, default=None, help=f"ke mana tabel ditulis (bawaan {RESULTS})")
    p.add_argument("--profile", action="store_true",
                   help="layanan dijalankan di bawah cProfile; fungsi teratasnya dicetak di akhir (angkanya lebih "
                        "lambat: jangan dipakai untuk tabel)")
    for f in fields(Sizes):
        p.add_argument(f"--{f.name.replace('_', '-')}", type=type(f.default), default=None, dest=f"size_{f.name}",
                       help=f"ukuran uji {f.name.replace('_', ' ')} (bawaan {f.default})")
    p.set_defaults(func=run)


def run(args) -> int:
    sizes = QUICK if args.quick else Sizes()
    sizes = replace(sizes, **{f.name: getattr(args, f"size_{f.name}") for f in fields(Sizes)
                              if getattr(args, f"size_{f.name}", None) is not None})
    pairs = [p.strip() for p in args.only.split(",")] if args.only else list(PAIRS)
    output = args.output or RESULTS
    import logging

    from bench.infra import infra

    # Producing right after creating topics makes aiokafka log retried NotLeader errors; they are harmless.
    logging.getLogger("aiokafka").setLevel(logging.ERROR)
    if args.profile:
        from bench.stack import PROFILE_ENV

        os.environ[PROFILE_ENV] = "1"
    started = time.monotonic()
    with infra(args.kafka_bootstrap, args.pg_admin_url) as inf:
        return asyncio.run(main(inf, sizes, pairs, output, args.quick, started))


def server_line() -> str:
    """What uvicorn runs the services on: its 'auto' loop and parser take uvloop and httptools when installed."""
    import importlib.util

    import uvicorn

    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return f"uvicorn {uvicorn.__version__}, one worker, loop {loop}, HTTP parser {http}"


async def main(inf, sizes: Sizes, pairs: list[str], output: Path, quick: bool, started: float) -> int:
    from bench import pairs_http, pairs_kafka
    from bench.infra import run_dir
    from bench.report import document
    from shared.messaging.broker import DEFAULT_PARTITIONS, MAX_BATCH
    from shared.messaging.relay import PRODUCER_SETTINGS
    from shared.settings import ServiceSettings

    run_pair = {"ingest": pairs_kafka.ingest, "relay": pairs_kafka.relay,
                "enrolment": pairs_http.enrolment_and_freshness, "rebuild": pairs_kafka.rebuild,
                "attendance": pairs_http.attendance}
    work_dir = run_dir("logs")
    print(f"bench: logs in {work_dir}", flush=True)
    ctx = Context(infra=inf, sizes=sizes, work_dir=work_dir)
    pg = await inf.pg_settings()
    svc = ServiceSettings()
    settings = {
        "mode": "quick" if quick else "full",
        "sizes": ", ".join(f"{f.name}={getattr(sizes, f.name)}" for f in fields(Sizes)),
        "producer (relay and raw)": ", ".join(f"{k}={v}" for k, v in PRODUCER_SETTINGS.items()),
        "topics": f"{DEFAULT_PARTITIONS} partitions each",
        "consumer": f"FastStream batch subscriber, max_records={MAX_BATCH}",
        "relay": f"batch {svc.relay_batch_size}, poll {svc.relay_interval_s} s",
        "HTTP server (services and fair apps)": server_line(),
        "PostgreSQL": f"{pg['server_version'].split()[0]}, synchronous_commit={pg['synchronous_commit']}, "
                      f"fsync={pg['fsync']}, shared_buffers={pg['shared_buffers']}",
        "infrastructure": "; ".join(inf.started) or "given broker and server (shared with other work)",
    }
    rows: list[Row] = []
    failed = False
    for name in pairs:
        t0 = time.monotonic()
        print(f"bench: {name} ...", flush=True)
        try:
            result = await run_pair[name](ctx)
            rows += result if isinstance(result, list) else [result]
        except Exception as exc:
            failed = True
            traceback.print_exc()
            rows += [Row(path, "", goal, detail=f"failed: {type(exc).__name__}: {str(exc)[:300]}")
                     for path, goal in ROWS_OF[name]]
        print(f"bench: {name} took {time.monotonic() - t0:.0f} s", flush=True)
    await inf.drop_databases()
    text = document(rows, settings, ctx.notes, time.monotonic() - started)
    print(text, flush=True)
    if os.environ.get("SIPELKOP_BENCH_PROFILE"):
        from bench.profile import report

        (work_dir / "profiles.md").write_text(profiles := report(work_dir))
        print(profiles, flush=True)
        output = work_dir / "latest.md"  # profiled figures are not the bench's figures
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    return 1 if failed or any(r.fails_run for r in rows) else 0


if __name__ == "__main__":
    p = argparse.ArgumentParser(prog="bench")
    register(p.add_subparsers(dest="command", required=True))
    args = p.parse_args(["bench", *sys.argv[1:]])
    sys.exit(args.func(args))
