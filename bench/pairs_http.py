"""Pairs through the HTTP API of running services: enrolment write, end-to-end freshness, attendance marking."""
from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from bench import events, stack
from bench.common import Context, Figure, Row, fill_topics, spread
from bench.http_client import Client
from shared.clock import business_today
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


async def _closed(ctx: Context, server, label: str, requests: list, seconds: float) -> dict:
    """One closed-loop load on `server` (the service or its fair app), with the server's CPU over it."""
    cpu0 = server.cpu_seconds()
    load = await ctx.loadgen({"mode": "closed", "base_url": server.url, "token": stack.token(),
                              "clients": ctx.sizes.clients, "duration": seconds, "requests": requests}, label)
    load["server_cpu_s"] = server.cpu_seconds() - cpu0
    load["rate"] = load["count"] / load["elapsed"]
    return load


def _cpu_per_request(loads: list[dict]) -> str:
    values = [1000 * x["server_cpu_s"] / x["count"] for x in loads if x["count"]]
    return spread(values, ".1f") + " ms" if values else "–"


def _latencies(loads: list[dict]) -> str:
    return "p50 " + spread([1000 * x["p50"] for x in loads if x["p50"]]) + " ms / p99 " + \
        spread([1000 * x["p99"] for x in loads if x["p99"]]) + " ms"


async def enrolment_and_freshness(ctx: Context) -> list[Row]:
    s, infra, prefix, runs = ctx.sizes, ctx.infra, ctx.prefix("e"), ctx.sizes.runs
    await ensure_topics(infra.bootstrap, prefix)
    # Batches reach registration as training's events; far apart in time so one person may join all of them.
    # Every run of every side gets batches of its own (the same seats free, the same overlap reads).
    ours_sets = [[uuid.uuid4() for _ in range(s.clients)] for _ in range(runs)]
    fair_sets = [[uuid.uuid4() for _ in range(s.clients)] for _ in range(runs)]
    fresh_sets = [[uuid.uuid4() for _ in range(8)] for _ in range(runs)]
    ids = [b for sets in (ours_sets, fair_sets, fresh_sets) for batch_set in sets for b in batch_set]
    start = business_today() + timedelta(days=7)
    await fill_topics(infra.bootstrap, prefix, [
        events.batch_scheduled(b, start=start + timedelta(days=2 * k), code=f"BENCH-{k:03d}") for k, b in enumerate(ids)])
    db = await ctx.service_database("registration")
    registration = await asyncio.to_thread(stack.start, "registration", bootstrap=infra.bootstrap, db=db,
                                           prefix=prefix, log_dir=ctx.work_dir)
    admin = stack.token()
    client = Client(registration.url, admin, size=8)
    fair_app = None
    try:
        await _wait(lambda: _answers(client, "/api/v1/batches"), what="registration's tables")
        await _wait(lambda: _count_batches(client, len(ids)), timeout=300, what="batches in registration")
        people = await _seed_people(client, s.participants)
        fair_app = await asyncio.to_thread(stack.start_fair, "enrol", db=db, prefix=prefix, log_dir=ctx.work_dir)
        ours, fair, limit = [], [], []
        for k in range(runs):
            ours.append(await _closed(ctx, registration, f"enrol-{k}",
                                      _enrolments([str(b) for b in ours_sets[k]], people), s.enrol_seconds))
            fair.append(await _closed(ctx, fair_app, f"enrol-fair-{k}",
                                      _enrolments([str(b) for b in fair_sets[k]], people), s.enrol_seconds))
            limit.append(await ctx.job("sql_writes", db=await infra.new_database("rawenrol"), kind="enrol",
                                       connections=s.clients, duration=s.enrol_seconds))
        errors = [e for x in ours + fair for e in x["errors"]]
        write = Row.throughput(
            "enrolment write", [x["rate"] for x in ours], [x["rate"] for x in fair],
            [x["count"] / x["elapsed"] for x in limit], "enrolments/s",
            f"{s.clients} clients, {spread([x['count'] for x in ours])} per run of {s.enrol_seconds:.0f} s; "
            f"**service CPU per enrolment {_cpu_per_request(ours)}** (fair app {_cpu_per_request(fair)}); "
            f"ours {_latencies(ours)}, fair {_latencies(fair)}; raw SQL p50 "
            f"{spread([1000 * x['p50'] for x in limit if x['p50']])} ms; statuses {_statuses(ours)} (fair "
            f"{_statuses(fair)}); load generator CPU {spread([x['loadgen_cpu_s'] for x in ours], '.1f')} s"
            + (f"; first error {errors[0]}" if errors else ""))

        total = sum(x["count"] for x in ours + fair)
        reporting = await asyncio.to_thread(stack.start, "reporting", bootstrap=infra.bootstrap,
                                            db=await ctx.service_database("reporting"), prefix=prefix,
                                            log_dir=ctx.work_dir)
        viewer = stack.token("viewer", "bench-viewer")
        fresh = []
        try:
            reader = Client(reporting.url, viewer, size=1)
            await _wait(lambda: _answers(reader, "/api/v1/reports/summary"), what="reporting's tables")
            await _wait(lambda: _counted(reader, total), timeout=300, what="reporting to catch up")
            reader.close()
            for k in range(runs):
                fresh.append(await ctx.loadgen({
                    "mode": "freshness", "base_url": registration.url, "token": admin, "reporting_url": reporting.url,
                    "reporting_token": viewer, "rate": s.fresh_rate, "duration": s.fresh_seconds, "poll_s": 0.1,
                    "requests": _enrolments([str(b) for b in fresh_sets[k]], people), "bootstrap": infra.bootstrap,
                    "topic": prefix + ENROLLMENT_TOPIC, "partitions": DEFAULT_PARTITIONS}, f"freshness-{k}"))
        finally:
            await asyncio.to_thread(reporting.stop)
    finally:
        client.close()
        if fair_app is not None:
            await asyncio.to_thread(fair_app.stop)
        await asyncio.to_thread(registration.stop)
    misses = sum(x["misses"] for x in fresh)
    freshness = Row("end-to-end freshness", "s p95", "p95 ≤ 0.25 s, no misses",
                    Figure([x["p95"] for x in fresh if x["p95"] is not None]), Figure([]),
                    Figure([x["raw_p95"] for x in fresh if x["raw_p95"] is not None]), lower_is_better=True,
                    detail=f"{spread([x['count'] for x in fresh])} enrolments per run at "
                           f"{spread([x['rate'] for x in fresh])}/s; p50 {spread([x['p50'] or 0 for x in fresh], '.2f')}"
                           f" s, p99 {spread([x['p99'] or 0 for x in fresh], '.2f')} s; **never visible: {misses}** "
                           f"(raw consumer missed {sum(x['raw_misses'] for x in fresh)}); limit: the same "
                           f"enrolments' arrival at a raw aiokafka consumer; summary polled every 0.1 s; fair "
                           f"baseline not built yet (bench/README.md)")
    p95 = freshness.ours.median
    freshness.met = None if p95 is None else (p95 <= 0.25 and misses == 0)
    freshness.fails_run = misses > 0 or not fresh
    return [write, freshness]


def _statuses(loads: list[dict]) -> dict:
    total: dict[str, int] = {}
    for x in loads:
        for status, n in x["statuses"].items():
            total[status] = total.get(status, 0) + n
    return total


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
    s, infra, prefix, runs = ctx.sizes, ctx.infra, ctx.prefix("a"), ctx.sizes.runs
    await ensure_topics(infra.bootstrap, prefix)
    db = await ctx.service_database("training")
    training = await asyncio.to_thread(stack.start, "training", bootstrap=infra.bootstrap, db=db, prefix=prefix,
                                       log_dir=ctx.work_dir)
    admin = stack.token()
    client = Client(training.url, admin, size=8)
    fair_app = None
    try:
        await _wait(lambda: _answers(client, "/api/v1/batches"), what="training's tables")
        start = business_today() + timedelta(days=7)
        end = start + timedelta(days=59)
        # Batches of their own for every run of both sides: each session is marked once.
        batches = [(await client.json("POST", "/api/v1/batches", {
            "code": f"BENCH-A{k:03d}", "title": "Digitalisasi Usaha Koperasi", "venue": "Samarinda",
            "start_date": start.isoformat(), "end_date": end.isoformat(), "capacity": 30,
            "eligible_districts": [DISTRICT]}))["id"] for k in range(2 * runs * s.attendance_batches)]
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

        def requests(part: list[str]) -> list:
            return [["PUT", f"/api/v1/batches/{b}/sessions/{no}/attendance",
                     {"recorded_at": marked_at, "marks": [{"participant_id": p, "status": "hadir" if i % 7 else "izin"}
                                                          for i, p in enumerate(rosters[b])]}]
                    for no in range(1, 61) for b in part]

        n = s.attendance_batches
        fair_app = await asyncio.to_thread(stack.start_fair, "attendance", db=db, prefix=prefix, log_dir=ctx.work_dir)
        ours, fair, limit = [], [], []
        for k in range(runs):
            ours.append(await _closed(ctx, training, f"attendance-{k}", requests(batches[2 * k * n:(2 * k + 1) * n]),
                                      s.attendance_seconds))
            fair.append(await _closed(ctx, fair_app, f"attendance-fair-{k}",
                                      requests(batches[(2 * k + 1) * n:(2 * k + 2) * n]), s.attendance_seconds))
            limit.append(await ctx.job("sql_writes", db=await infra.new_database("rawatt"), kind="attendance",
                                       connections=s.clients, duration=s.attendance_seconds))
    finally:
        client.close()
        if fair_app is not None:
            await asyncio.to_thread(fair_app.stop)
        await asyncio.to_thread(training.stop)
    errors = [e for x in ours + fair for e in x["errors"]]
    return Row.throughput(
        "attendance marking", [x["rate"] for x in ours], [x["rate"] for x in fair],
        [x["count"] / x["elapsed"] for x in limit], "sessions/s",
        f"30 marks per session, {s.clients} clients, {spread([x['count'] for x in ours])} sessions per run (at most "
        f"{60 * n}); service CPU per session {_cpu_per_request(ours)} (fair app {_cpu_per_request(fair)}); ours "
        f"{_latencies(ours)}, fair {_latencies(fair)}; statuses {_statuses(ours)} (fair {_statuses(fair)})"
        + (f"; first error {errors[0]}" if errors else ""))
