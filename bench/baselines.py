"""Raw asyncpg write limits: the rows a request writes (enrolment + outbox; 30 marks + outbox), nothing else."""
from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime

import asyncpg

# Shaped like registration's enrollments / training's attendance_marks and the shared outbox (same indexes),
# without foreign keys: the baseline writes what a request must write, and nothing it must first read.
DDL = """
CREATE TABLE IF NOT EXISTS bench_outbox (seq bigserial PRIMARY KEY, event_id varchar(36) NOT NULL UNIQUE,
  event_type varchar(200) NOT NULL, topic varchar(200) NOT NULL, key varchar(200) NOT NULL, payload text NOT NULL,
  created_at timestamptz NOT NULL, published_at timestamptz, attempts int NOT NULL DEFAULT 0, last_error text);
CREATE INDEX IF NOT EXISTS ix_bench_outbox_unpublished ON bench_outbox (published_at, seq);
CREATE TABLE IF NOT EXISTS bench_enrollments (id uuid PRIMARY KEY, batch_id uuid NOT NULL,
  participant_id uuid NOT NULL, district_code varchar(8) NOT NULL, status varchar(20) NOT NULL, waitlist_seq int,
  version int NOT NULL, created_at timestamptz NOT NULL, created_by varchar(120) NOT NULL,
  updated_at timestamptz, updated_by varchar(120), cancel_reason varchar(300));
CREATE INDEX IF NOT EXISTS ix_bench_enrollments_participant ON bench_enrollments (participant_id);
CREATE INDEX IF NOT EXISTS ix_bench_enrollments_batch_status ON bench_enrollments (batch_id, status);
CREATE TABLE IF NOT EXISTS bench_attendance (session_id uuid NOT NULL, participant_id uuid NOT NULL,
  status varchar(12) NOT NULL, note varchar(300), recorded_by varchar(120) NOT NULL,
  recorded_at timestamptz NOT NULL, received_at timestamptz NOT NULL, PRIMARY KEY (session_id, participant_id));
"""
OUTBOX = ("INSERT INTO bench_outbox (event_id, event_type, topic, key, payload, created_at) "
          "VALUES ($1, $2, $3, $4, $5, $6)")
ENROL = ("INSERT INTO bench_enrollments (id, batch_id, participant_id, district_code, status, version, created_at, "
         "created_by) VALUES ($1, $2, $3, '64.02', 'enrolled', 1, $4, 'bench')")
MARKS = ("INSERT INTO bench_attendance (session_id, participant_id, status, note, recorded_by, recorded_at, "
         "received_at) SELECT $1, p, 'hadir', NULL, 'bench', $2, $2 FROM unnest($3::uuid[]) AS p")
PAYLOAD = json.dumps({"data": {"note": "x" * 600}})  # about the size of a ParticipantEnrolled envelope


async def _enrol(conn: asyncpg.Connection) -> None:
    now, enrolment = datetime.now(UTC), uuid.uuid4()
    async with conn.transaction():
        await conn.execute(ENROL, enrolment, uuid.uuid4(), uuid.uuid4(), now)
        await conn.execute(OUTBOX, str(uuid.uuid4()), "sipelkop.registration.participant.enrolled.v1",
                           "bench.enrollment", str(enrolment), PAYLOAD, now)


async def _attendance(conn: asyncpg.Connection) -> None:
    now, session = datetime.now(UTC), uuid.uuid4()
    async with conn.transaction():
        await conn.execute(MARKS, session, now, [uuid.uuid4() for _ in range(30)])
        await conn.execute(OUTBOX, str(uuid.uuid4()), "sipelkop.training.attendance.recorded.v1",
                           "bench.session", f"{session}:1", PAYLOAD * 4, now)


async def run_sql_writes(a: dict) -> dict:
    """`connections` clients, each running one transaction after another for `duration` seconds."""
    pool = await asyncpg.create_pool(a["db"], min_size=a["connections"], max_size=a["connections"])
    async with pool.acquire() as conn:
        await conn.execute(DDL)
    write = {"enrol": _enrol, "attendance": _attendance}[a["kind"]]
    latencies: list[float] = []
    limit = a.get("max_count") or 10**9
    deadline = time.perf_counter() + a["duration"]

    async def client() -> None:
        async with pool.acquire() as conn:
            while time.perf_counter() < deadline and len(latencies) < limit:
                t0 = time.perf_counter()
                await write(conn)
                latencies.append(time.perf_counter() - t0)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(a["connections"])))
    elapsed = time.perf_counter() - started
    await pool.close()
    latencies.sort()
    return {"elapsed": elapsed, "count": len(latencies), "p50": pct(latencies, 50), "p99": pct(latencies, 99)}


def pct(sorted_values: list[float], p: float) -> float | None:
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(round(p / 100 * (len(sorted_values) - 1))))]
