"""Pairs through the HTTP API of running services: enrolment write, end-to-end freshness, attendance marking."""
from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta

from bench import events, stack
from bench.common import Context, Row, fill_topics
from bench.http_client import Client
from shared.events.registration import ENROLLMENT_TOPIC
from shared.messaging.broker import DEFAULT_PARTITIONS, ensure_topics

DISTRICT = "64.02"


def _nik(i: int) -> str:
    # Region 640201, birth day 01..28 (+40 for women), 07-90, then a serial unique in the run.
    return f"640201{1 + i % 28 + (40 if i % 2 else 0):02d}0790{i + 1:04d}"


async def _seed_people(client: Client, participants: int) -> list[str]:
    """Cooperatives and participants through the API (not measured): ten participants per cooperative."""
    sem = asyncio.Semaphore(8)

    async def cooperative(k: int) -> str:
        async with sem:
            body = {"name": f"Koperasi Bench {k}", "registration_number": f"64{k:010d}", "district_code": DISTRICT,
                    "kind": "produsen", "sector": "pertanian", "members_male": 20, "members_female": 15}
            return (await client.json("POST", "/api/v1/cooperatives", body))["id"]

    async def participant(i: int, coop: str) -> str:
        async with sem:
            body = {"nik": _nik(i), "full_name": f"Peserta Bench {i}", "position": "ketua",
                    "phone": f"0812-3456-{i % 10000:04d}", "cooperative_id": coop}
            return (await client.json("POST", "/api/v1/participants", body))["id"]

    coops = await asyncio.gather(*(cooperative(k) for k in range((participants + 9) // 10)))
    return list(await asyncio.gather(*(participant(i, coops[i // 10]) for i in range(participants))))


def _enrolments(batches: list[str], people: list[str]) -> list:
    """Round robin over batches, so the requests in flight hold different batch locks (as districts would)."""
    stride = max(1, len(people) // len(batches))
    return [["POST", "/api/v1/enrollments", {"batch_id": b, "participant_id": people[(k * stride + j) % len(people)]}]
            for j in range(len(people)) for k, b in enumerate(batches)]


async def _wait(predicate, timeout: float = 120, what: str = "condition") -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if await predicate():
            return
        await asyncio.sleep(0.3)
    raise TimeoutError(f"bench setup: timed out waiting for {what}")


async def enrolment_and_freshness(ctx: Context) -> list[Row]:
    s, infra, prefix = ctx.sizes, ctx.infra, ctx.prefix("e")
    await ensure_topics(infra.bootstrap, prefix)
    # Batches reach registration as training's events; far apart in time so one person may join all of them.
    write_batches, fresh_batches = s.clients, 8
    ids = [uuid.uuid4() for _ in range(write_batches + fresh_batches)]
    start = date.today() + timedelta(days=7)
    await fill_topics(infra.bootstrap, prefix, [
        events.batch_scheduled(b, start=start + timedelta(days=2 * k), code=f"BENCH-{k:03d}") for k, b in enumerate(ids)])
    registration = await asyncio.to_thread(stack.start, "registration", bootstrap=infra.bootstrap,
                                           db=await ctx.service_database("registration"), prefix=prefix, log_dir=ctx.work_dir)
    admin = stack.token()
    client = Client(registration.url, admin, size=8)
    try:
        await _wait(lambda: _answers(client, "/api/v1/batches"), what="registration's tables")
        await _wait(lambda: _count_batches(client, len(ids)), what="batches in registration")
        people = await _seed_people(client, s.participants)
        batches = [str(b) for b in ids]
        cpu0 = registration.cpu_seconds()
        load = await ctx.loadgen({"mode": "closed", "base_url": registration.url, "token": admin,
                                  "clients": s.clients, "duration": s.enrol_seconds,
                                  "requests": _enrolments(batches[:write_batches], people)}, "enrol")
        service_cpu = registration.cpu_seconds() - cpu0
        raw = await ctx.job("sql_writes", db=await infra.new_database("rawenrol"), kind="enrol",
                            connections=s.clients, duration=s.enrol_seconds)
        write = Row.throughput(
            "enrolment write", load["count"] / load["elapsed"], raw["count"] / raw["elapsed"], "enrolments/s",
            f"{s.clients} clients, {load['count']:,} in {load['elapsed']:.0f} s, p50 {ms(load['p50'])} / p99 "
            f"{ms(load['p99'])} (raw p50 {ms(raw['p50'])} / p99 {ms(raw['p99'])}); statuses {load['statuses']}; "
            f"service CPU {service_cpu:.0f} s, load generator CPU {load['loadgen_cpu_s']:.1f} s"
            + (f"; first error {load['errors'][0]}" if load["errors"] else ""))

        reporting = await asyncio.to_thread(stack.start, "reporting", bootstrap=infra.bootstrap,
                                            db=await ctx.service_database("reporting"), prefix=prefix, log_dir=ctx.work_dir)
        viewer = stack.token("viewer", "bench-viewer")
        try:
            reader = Client(reporting.url, viewer, size=1)
            await _wait(lambda: _answers(reader, "/api/v1/reports/summary"), what="reporting's tables")
            await _wait(lambda: _counted(reader, load["count"]), timeout=300, what="reporting to catch up")
            reader.close()
            fresh = await ctx.loadgen({
                "mode": "freshness", "base_url": registration.url, "token": admin, "reporting_url": reporting.url,
                "reporting_token": viewer, "rate": s.fresh_rate, "duration": s.fresh_seconds, "poll_s": 0.1,
                "requests": _enrolments(batches[write_batches:], people), "bootstrap": infra.bootstrap,
                "topic": prefix + ENROLLMENT_TOPIC, "partitions": DEFAULT_PARTITIONS}, "freshness")
        finally:
            await asyncio.to_thread(reporting.stop)
    finally:
        client.close()
        await asyncio.to_thread(registration.stop)
    p95, raw95 = fresh["p95"], fresh["raw_p95"]
    freshness = Row("end-to-end freshness", p95, raw95, "s (p95)", "p95 ≤ 1 s",
                    p95 / raw95 if p95 and raw95 else None, None if p95 is None else p95 <= 1.0,
                    f"{fresh['count']:,} enrolments at {fresh['rate']:.0f}/s; p50/p95/p99 {sec(fresh['p50'])} / "
                    f"{sec(fresh['p95'])} / {sec(fresh['p99'])}; raw consumer {sec(fresh['raw_p50'])} / "
                    f"{sec(fresh['raw_p95'])} / {sec(fresh['raw_p99'])}; summary polled every 0.1 s; "
                    f"load generator CPU {fresh['loadgen_cpu_s']:.1f} s")
    return [write, freshness]


async def _answers(client: Client, path: str) -> bool:
    """/readyz may say ready before the migrations ran (seen on training): wait for a real read to work."""
    status, _ = await client.call("GET", path)
    return status == 200


async def _count_batches(client: Client, n: int) -> bool:
    return len(await client.json("GET", "/api/v1/batches")) >= n


async def _counted(reader: Client, n: int) -> bool:
    summary = await reader.json("GET", "/api/v1/reports/summary")
    return summary["participants_enrolled"] + summary["participants_waitlisted"] >= n


async def attendance(ctx: Context) -> Row:
    s, infra, prefix = ctx.sizes, ctx.infra, ctx.prefix("a")
    await ensure_topics(infra.bootstrap, prefix)
    training = await asyncio.to_thread(stack.start, "training", bootstrap=infra.bootstrap,
                                       db=await ctx.service_database("training"), prefix=prefix, log_dir=ctx.work_dir)
    admin = stack.token()
    client = Client(training.url, admin, size=8)
    try:
        await _wait(lambda: _answers(client, "/api/v1/batches"), what="training's tables")
        start = date.today() + timedelta(days=7)
        end = start + timedelta(days=59)
        batches = [(await client.json("POST", "/api/v1/batches", {
            "code": f"BENCH-A{k:03d}", "title": "Digitalisasi Usaha Koperasi", "venue": "Samarinda",
            "start_date": start.isoformat(), "end_date": end.isoformat(), "capacity": 30,
            "eligible_districts": [DISTRICT]}))["id"] for k in range(s.attendance_batches)]
        # Rosters arrive as registration's events, 30 per batch.
        await fill_topics(infra.bootstrap, prefix, [events.participant_enrolled(uuid.UUID(b), 30 * k + i)
                                                    for k, b in enumerate(batches) for i in range(30)])
        rosters: dict[str, list[str]] = {}

        async def all_rosters() -> bool:
            for b in batches:
                if len(rosters.get(b, [])) < 30:
                    rosters[b] = [e["participant_id"] for e in
                                  await client.json("GET", f"/api/v1/batches/{b}/roster")]
                    if len(rosters[b]) < 30:
                        return False
            return True

        await _wait(all_rosters, timeout=300, what="rosters in training")
        marked_at = f"{end.isoformat()}T09:00:00+08:00"
        requests = [["PUT", f"/api/v1/batches/{b}/sessions/{no}/attendance",
                     {"recorded_at": marked_at, "marks": [{"participant_id": p, "status": "hadir" if i % 7 else "izin"}
                                                          for i, p in enumerate(rosters[b])]}]
                    for no in range(1, 61) for b in batches]
        cpu0 = training.cpu_seconds()
        load = await ctx.loadgen({"mode": "closed", "base_url": training.url, "token": admin, "clients": s.clients,
                                  "duration": s.attendance_seconds, "requests": requests}, "attendance")
        service_cpu = training.cpu_seconds() - cpu0
    finally:
        client.close()
        await asyncio.to_thread(training.stop)
    raw = await ctx.job("sql_writes", db=await infra.new_database("rawatt"), kind="attendance",
                        connections=s.clients, duration=s.attendance_seconds)
    return Row.throughput(
        "attendance marking", load["count"] / load["elapsed"], raw["count"] / raw["elapsed"], "sessions/s",
        f"30 marks per session, {s.clients} clients, {load['count']:,} sessions in {load['elapsed']:.0f} s, p50 "
        f"{ms(load['p50'])} / p99 {ms(load['p99'])} (raw p50 {ms(raw['p50'])}); statuses {load['statuses']}; "
        f"service CPU {service_cpu:.0f} s, load generator CPU {load['loadgen_cpu_s']:.1f} s"
        + (f"; first error {load['errors'][0]}" if load["errors"] else ""))


def ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.0f} ms"


def sec(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds:.2f} s"
