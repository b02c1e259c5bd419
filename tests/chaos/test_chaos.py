"""Chaos: district officers enrol and trainers mark attendance through the HTTP APIs while every service is
SIGKILLed at random (seeded) moments, Kafka restarts once and PostgreSQL crashes once. Afterwards every figure in
reporting equals the ground truth read from registration and training through their APIs: nothing lost, nothing
doubled.

The load behaves like a patient client on a bad network: it repeats a request until it gets an answer, and takes the
answers of natural idempotency for success (the same registration number again: 409, the same NIK again: the
existing person, the same nomination again: 409, a session closed already: 409)."""
from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

from tests.fixtures import factories
from tests.fixtures.services import start_stack, wait_for

SEED = int(os.environ.get("SIPELKOP_CHAOS_SEED", "20230704"))
UNITS = int(os.environ.get("SIPELKOP_CHAOS_UNITS", "36"))  # each: a cooperative, a manager, a nomination
KILLS_PER_SERVICE = int(os.environ.get("SIPELKOP_CHAOS_KILLS", "2"))
DISTRICTS = ("64.02", "64.08", "64.09")
SERVICES = ("registration", "training", "reporting")
TRAINER = "pelatih-chaos"
SESSIONS = 2
MARKS_PER_REQUEST = 3
RETRY = {502, 503, 504}
STATUSES = ["hadir"] * 15 + ["terlambat"] * 2 + ["izin", "sakit", "alpa"]


@dataclass
class Load:
    """The client side: every request repeated until answered; what it was told is kept for the final count."""

    stack: object
    batches: list[dict]
    rng: random.Random
    planned: int = 0
    done: int = 0
    accepted: int = 0
    retries: int = 0
    server_errors: list[str] = field(default_factory=list)
    enrolled: dict[str, list[str]] = field(default_factory=dict)  # batch id -> participant ids
    error: BaseException | None = None

    def call(self, client: httpx.Client, method: str, url: str, ok=(200, 201), **kwargs) -> httpx.Response:
        deadline = time.monotonic() + 300
        while True:
            try:
                answer = client.request(method, url, **kwargs)
                if answer.status_code >= 500 and answer.status_code not in RETRY:
                    # Not an outage answer: a bug. Kept for the verdict, and retried (the request is idempotent).
                    self.server_errors.append(f"{method} {url} -> {answer.status_code} {answer.text[:200]}")
                elif answer.status_code not in RETRY:
                    if answer.status_code in ok:
                        self.accepted += 1
                    return answer
            except httpx.TransportError:
                pass  # the service is being killed or restarted
            self.retries += 1
            assert time.monotonic() < deadline, f"{method} {url} never answered"
            time.sleep(0.25)

    def step(self) -> None:
        self.done += 1

    def run(self) -> None:
        try:
            self._enrol()
            for batch in self.batches:
                self._deliver(batch)
        except BaseException as exc:  # reported by the main thread
            self.error = exc

    def _enrol(self) -> None:
        officers = {d: self.stack.client("registration", "district_officer", d) for d in DISTRICTS}
        for i in range(UNITS):
            district = DISTRICTS[i % len(DISTRICTS)]
            officer, batch = officers[district], self.batches[i % len(self.batches)]
            body = factories.cooperative(district)  # made once: a retry sends the very same request
            made = self.call(officer, "POST", "/api/v1/cooperatives", json=body, ok=(201, 409))
            self.step()
            if made.status_code == 201:
                cooperative_id = made.json()["id"]
            else:  # accepted before the answer was lost: the same registration number is refused, so look it up
                found = self.call(officer, "GET", "/api/v1/cooperatives", ok=(),
                                  params={"q": body["registration_number"]}).json()["items"]
                [cooperative_id] = [c["id"] for c in found if c["registration_number"] == body["registration_number"]]
            person = self.call(officer, "POST", "/api/v1/participants", ok=(200, 201),
                               json=factories.participant(cooperative_id, district))
            self.step()
            assert person.status_code in (200, 201), person.text
            participant_id = person.json()["id"]
            nominated = self.call(officer, "POST", "/api/v1/enrollments", ok=(201, 409),
                                  json={"batch_id": batch["id"], "participant_id": participant_id})
            self.step()
            if nominated.status_code == 409:  # the nomination went through before the answer was lost
                mine = self.call(officer, "GET", "/api/v1/enrollments", ok=(),
                                 params={"batch_id": batch["id"], "participant_id": participant_id}).json()
                assert len(mine) == 1, (nominated.text, mine)
                nominated_status = mine[0]["status"]
            else:
                assert nominated.status_code == 201, nominated.text
                nominated_status = nominated.json()["status"]
            assert nominated_status == "enrolled", nominated_status
            self.enrolled.setdefault(batch["id"], []).append(participant_id)

    def _deliver(self, batch: dict) -> None:
        trainer = self.stack.client("training", "trainer", subject=TRAINER)
        expected = set(self.enrolled.get(batch["id"], []))
        deadline = time.monotonic() + 300
        while {e["participant_id"] for e in self.call(trainer, "GET", f"/api/v1/batches/{batch['id']}/roster",
                                                      ok=()).json()} != expected:
            assert time.monotonic() < deadline, "roster never filled"
            time.sleep(0.5)
        for no in range(1, SESSIONS + 1):
            day = batch["sessions"][no - 1]["date"]
            people = sorted(expected)
            # A few participants per request, as a trainer's tablet sends them: a repeated mark changes nothing.
            for i in range(0, len(people), MARKS_PER_REQUEST):
                marks = [{"participant_id": p, "status": self.rng.choice(STATUSES)}
                         for p in people[i:i + MARKS_PER_REQUEST]]
                marked = self.call(trainer, "PUT", f"/api/v1/batches/{batch['id']}/sessions/{no}/attendance",
                                   json={"marks": marks, "recorded_at": f"{day}T09:00:00+08:00"})
                assert marked.status_code == 200, marked.text
                self.step()
            closed = self.call(trainer, "POST", f"/api/v1/batches/{batch['id']}/sessions/{no}/complete",
                               ok=(200, 409))
            assert closed.status_code in (200, 409), closed.text
            self.step()


def chaos_plan(rng: random.Random) -> list[tuple[float, str]]:
    """(share of the load done, what to break): each service killed KILLS_PER_SERVICE times, Kafka and PostgreSQL once."""
    events = [f"kill {s}" for s in SERVICES for _ in range(KILLS_PER_SERVICE)] + ["restart kafka", "crash postgres"]
    return sorted((rng.uniform(0.05, 0.9), e) for e in events)


def test_figures_survive_kills_broker_restart_and_database_crash(own_kafka, own_postgres, topic_prefix, tmp_path):
    rng = random.Random(SEED)
    urls = {}
    for name in SERVICES:
        own_postgres.create_database(name)
        urls[name] = own_postgres.url(name)
    stack = start_stack(kafka_bootstrap=own_kafka.bootstrap, database_urls=urls, topic_prefix=topic_prefix,
                        log_dir=tmp_path)
    try:
        _run(stack, own_kafka, own_postgres, rng, tmp_path)
    finally:
        stack.stop()


def _run(stack, kafka, postgres, rng, tmp_path) -> None:
    admin = {name: stack.client(name, "admin") for name in SERVICES}
    batches = []
    for start_in in (10, 20):
        made = admin["training"].post("/api/v1/batches", json=factories.batch(
            start_in_days=start_in, days=SESSIONS, capacity=500, trainers=[TRAINER]))
        assert made.status_code == 201, made.text
        batches.append(made.json())
    officer = stack.client("registration", "district_officer", DISTRICTS[0])
    wait_for(lambda: {b["id"] for b in batches} <= {b["id"] for b in officer.get("/api/v1/batches").json()},
             timeout=120, message="batches in registration")

    load = Load(stack, batches, random.Random(rng.random()))
    sizes = [len(range(k, UNITS, len(batches))) for k in range(len(batches))]
    load.planned = UNITS * 3 + sum(SESSIONS * (1 + -(-n // MARKS_PER_REQUEST)) for n in sizes)
    writer = threading.Thread(target=load.run, name="chaos-load", daemon=True)
    started = time.monotonic()
    writer.start()
    kills = Counter()
    for share, what in chaos_plan(rng):
        while writer.is_alive() and load.done < share * load.planned:
            time.sleep(0.05)
        down_for = rng.uniform(0.2, 2.0)
        if what.startswith("kill "):
            service = stack[what.removeprefix("kill ")]
            service.kill()
            time.sleep(down_for)
            service.start(timeout=120)
        elif what == "restart kafka":
            kafka.stop()
            time.sleep(down_for)
            kafka.start(timeout=120)
        else:
            postgres.kill()
            time.sleep(down_for)
            postgres.start()
        kills[what] += 1
        print(f"  chaos {time.monotonic() - started:6.1f}s at {load.done}/{load.planned}: {what} "
              f"(down {down_for:.1f}s)", flush=True)
    writer.join(600)
    assert not writer.is_alive(), "the load did not finish"
    if load.error:
        raise load.error
    assert load.done == load.planned
    assert not load.server_errors, load.server_errors

    truth = ground_truth(stack, batches)
    # No write lost or doubled at the source either: one cooperative and one nomination per unit.
    assert truth["cooperatives"] == UNITS
    assert truth["enrolled"] == UNITS == sum(truth["roster"].values())
    assert truth["sessions_completed"] == len(batches) * SESSIONS
    viewer = stack.client("reporting", "viewer")

    def differences() -> dict:
        return compare(truth, reported(viewer))

    try:
        wait_for(lambda: not differences(), timeout=300, interval=1, message="reporting equal to the ground truth")
    except AssertionError:
        pass  # the differences are printed and asserted below
    diff = differences()
    summary = viewer.get("/api/v1/reports/summary").json()
    for name in SERVICES:  # nothing was parked: a crash is not a reason to give an event up
        assert admin[name].get("/api/v1/ops/dead-letters").json() == [], name
    assert all(stack[name].starts == 1 + KILLS_PER_SERVICE for name in SERVICES)
    print(f"\nchaos (seed {SEED}, {time.monotonic() - started:.0f}s): {load.accepted} requests accepted "
          f"({load.retries} retries), {sum(kills.values())} kills survived ({dict(kills)}), "
          f"{summary['events_applied']} events delivered to reporting; enrolled {truth['enrolled']}, completed "
          f"{truth['completed']}, not completed {truth['not_completed']}, sessions completed "
          f"{truth['sessions_completed']}; differences {len(diff)}")
    assert diff == {}


def ground_truth(stack, batches: list[dict]) -> dict:
    """The figures as the owning services know them, read through their own APIs."""
    registration, training = stack.client("registration", "admin"), stack.client("training", "admin")
    enrolments = registration.get("/api/v1/enrollments", params={"status": "enrolled"}).json()
    truth = {"cooperatives": registration.get("/api/v1/cooperatives", params={"page_size": 1}).json()["total"],
             "enrolled": len(enrolments), "by_district": Counter(e["district_code"] for e in enrolments),
             "roster": {}, "sessions_completed": 0, "completed": 0, "not_completed": 0,
             "completed_by_district": Counter()}
    for batch in batches:
        truth["roster"][batch["id"]] = len(training.get(f"/api/v1/batches/{batch['id']}/roster").json())
        sessions = training.get(f"/api/v1/batches/{batch['id']}/sessions").json()
        truth["sessions_completed"] += sum(s["status"] == "completed" for s in sessions)
        completion = training.get(f"/api/v1/batches/{batch['id']}/completion").json()
        truth["completed"] += completion["completed"]
        truth["not_completed"] += completion["not_completed"]
        truth["completed_by_district"].update(p["district_code"] for p in completion["participants"] if p["completed"])
    return truth


def reported(viewer: httpx.Client) -> dict:
    summary = viewer.get("/api/v1/reports/summary").json()
    districts = viewer.get("/api/v1/reports/districts").json()["rows"]
    per_batch = viewer.get("/api/v1/reports/batches").json()["rows"]
    return {"enrolled": summary["participants_enrolled"], "sessions_completed": summary["sessions_completed"],
            "completed": summary["participants_completed"], "not_completed": summary["participants_not_completed"],
            "by_district": Counter({r["key"]: r["participants_enrolled"] for r in districts
                                    if r["participants_enrolled"]}),
            "completed_by_district": Counter({r["key"]: r["participants_completed"] for r in districts
                                              if r["participants_completed"]}),
            "roster": {str(r["batch_id"]): r["participants_enrolled"] for r in per_batch}}


def compare(truth: dict, report: dict) -> dict:
    """Every figure that differs, as {name: (truth, reported)}; empty when reporting is right."""
    diff = {}
    for key in ("enrolled", "sessions_completed", "completed", "not_completed"):
        if truth[key] != report[key]:
            diff[key] = (truth[key], report[key])
    for key in ("by_district", "completed_by_district", "roster"):
        for k in set(truth[key]) | set(report[key]):
            if truth[key].get(k, 0) != report[key].get(k, 0):
                diff[f"{key}[{k}]"] = (truth[key].get(k, 0), report[key].get(k, 0))
    return diff
