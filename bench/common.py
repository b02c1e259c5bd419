"""What every pair shares: the run's context, a table row, and running a measured job in its own process."""
from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from bench.infra import Infra

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Sizes:
    """Full-mode sizes: what fits in 15 minutes on the shared 2-core machine (the issue asks 200,000 / 100,000 /
    1,000,000 events; at the consumer's present rate those alone would take well over an hour)."""

    ingest_events: int = 30_000
    relay_rows: int = 100_000
    rebuild_events: int = 60_000
    clients: int = 32
    participants: int = 300
    enrol_seconds: float = 20.0
    fresh_rate: float = 100.0
    fresh_seconds: float = 20.0
    attendance_batches: int = 20
    attendance_seconds: float = 20.0
    runs: int = 3  # each row's sides run this many times, alternating; the table gives medians and min–max


QUICK = Sizes(ingest_events=2_000, relay_rows=2_000, rebuild_events=3_000, clients=8, participants=24,
              enrol_seconds=2.0, fresh_rate=10.0, fresh_seconds=2.0, attendance_batches=1, attendance_seconds=2.0,
              runs=3)


def spread(values: list[float], fmt: str = ",.0f") -> str:
    """`median (min–max)` of a detail's runs."""
    return f"{statistics.median(values):{fmt}} ({min(values):{fmt}}–{max(values):{fmt}})" if values else "–"


@dataclass
class Figure:
    """One side of a row over its runs: the median, and the spread (min–max) it came from."""

    runs: list[float]

    @property
    def median(self) -> float | None:
        return statistics.median(self.runs) if self.runs else None

    @property
    def spread(self) -> tuple[float, float] | None:
        return (min(self.runs), max(self.runs)) if self.runs else None


@dataclass
class Row:
    """A path with our figure and its two baselines from the same run: *fair* (the same work with the least
    machinery) and *limit* (what the hardware allows for the job). Ratios are ours ÷ baseline for throughputs and
    baseline ÷ ours for times (`lower_is_better`), so 1.0 means as good as the baseline either way."""

    path: str
    unit: str
    goal: str
    ours: Figure = field(default_factory=lambda: Figure([]))
    fair: Figure = field(default_factory=lambda: Figure([]))
    limit: Figure = field(default_factory=lambda: Figure([]))
    lower_is_better: bool = False
    met: bool | None = None
    detail: str = ""
    fails_run: bool = False  # the measurement itself is wrong (e.g. enrolments never seen): the run exits non-zero

    def ratio(self, baseline: Figure) -> float | None:
        ours, base = self.ours.median, baseline.median
        if not ours or not base:
            return None
        return base / ours if self.lower_is_better else ours / base

    @classmethod
    def throughput(cls, path: str, ours: list[float], fair: list[float], limit: list[float], unit: str,
                   detail: str = "", goal: float = 0.5, extra_ok: bool = True, goal_text: str | None = None) -> "Row":
        row = cls(path, unit, goal_text or f"≥ {goal} of fair", Figure(ours), Figure(fair), Figure(limit),
                  detail=detail)
        ratio = row.ratio(row.fair)
        row.met = None if ratio is None else (ratio >= goal and extra_ok)
        return row


@dataclass
class Context:
    infra: Infra
    sizes: Sizes
    work_dir: Path
    notes: list[str] = field(default_factory=list)

    def prefix(self, what: str) -> str:
        return f"bench{uuid.uuid4().hex[:6]}{what}."

    async def service_database(self, service: str) -> str:
        """A fresh database at the service's newest schema (plain postgresql:// URL)."""
        from bench.schema import prepare_database

        url = await self.infra.new_database(service[:4])
        await prepare_database(service, url)
        return url

    async def job(self, name: str, **args) -> dict:
        """Run bench.worker JOB in a fresh interpreter and return its JSON answer (`bench --profile`: under
        cProfile, its profile beside the services', as `job-NAME-N.prof`)."""
        profiled = []
        if os.environ.get("SIPELKOP_BENCH_PROFILE"):
            runs = len(list(self.work_dir.glob(f"job-{name}-*.prof")))
            profiled = ["-m", "cProfile", "-o", str(self.work_dir / f"job-{name}-{runs}.prof")]
        return await run_python([*profiled, "-m", "bench.worker", name, json.dumps(args)],
                                self.work_dir / f"{name}.log")

    async def loadgen(self, spec: dict, label: str) -> dict:
        path = self.work_dir / f"loadgen-{label}.json"
        path.write_text(json.dumps(spec))
        return await run_python(["-m", "bench.loadgen", str(path)], self.work_dir / f"loadgen-{label}.log")


async def run_python(argv: list[str], log: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open(log, "ab") as err:
        proc = await asyncio.create_subprocess_exec(sys.executable, *argv, cwd=ROOT, env=env,
                                                    stdout=asyncio.subprocess.PIPE, stderr=err)
        out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])} failed ({proc.returncode}):\n{log.read_text()[-3000:]}")
    return json.loads(out.decode().strip().splitlines()[-1])


async def fill_topics(bootstrap: str, prefix: str, events, chunk: int = 20_000) -> int:
    """Pre-fill topics (not measured): one producer, futures awaited in chunks."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks=1, linger_ms=20, max_batch_size=1024 * 1024)
    await producer.start()
    n = 0
    try:
        futures = []
        for topic, key, value in events:
            futures.append(await producer.send(prefix + topic, value, key=key.encode()))
            n += 1
            if len(futures) >= chunk:
                await asyncio.gather(*futures)
                futures = []
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return n
