"""Drill 3 (a cluster under faults): `sipelkop up --brokers 3 --replicas 2` as an operator starts it (three KRaft
nodes, two processes per service on the local PostgreSQL it starts); a district office enrols and a trainer marks
attendance at a steady rate for about 40 s while one broker is SIGKILLed and restarted, then another, and then one
replica of each service is SIGKILLed. Clients go to the other replica when theirs does not answer, as a front door
would. Every accepted write reaches reporting exactly once: its figures for the batch equal the enrolments and the
marks accepted, whatever reporting's inboxes dropped as repeats. Prints the relay's hand-over and the longest stall
of writes."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psutil

from tests.fixtures import factories
from tests.fixtures.services import wait_for

ROOT = Path(__file__).resolve().parents[2]
NAMES = ("identity", "registration", "training", "reporting")
WRITING_S = 40
PACE_S = 0.3  # one enrolment and one mark about every 0.3 s each: a few writes a second
AFTER_KILL = 5  # writes accepted after the replicas' SIGKILL, by each writer


def free_run(count: int) -> int:
    """The first of `count` consecutive ports that are all free (the cluster's and the replicas' ports are fixed
    offsets of one base)."""
    for _ in range(200):
        base = random.randrange(20_000, 30_000)
        try:
            held = []
            for port in range(base, base + count):
                s = socket.socket()
                held.append(s)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
    raise RuntimeError("no run of free ports")


class Up:
    """`sipelkop up` in a process of its own; its lines are kept as they come."""

    def __init__(self, data: Path, kafka_port: int, service_port: int, postgres_port: int):
        ports = {name: service_port + i for i, name in enumerate(NAMES)}  # replica 2 at +10 each
        self.data, self.ports, self.postgres_port = data, ports, postgres_port
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith(("SIPELKOP_", "IDENTITY_",
                                                                                 "REGISTRATION_", "TRAINING_",
                                                                                 "REPORTING_"))},
                    "SIPELKOP_DATA_DIR": str(data), "SIPELKOP_ENV": "development",
                    **{f"{n.upper()}_PORT": str(p) for n, p in ports.items()},
                    **{f"SIPELKOP_{n.upper()}_URL": f"http://127.0.0.1:{p}" for n, p in ports.items()}}
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "shared.cli", "up", "--brokers", "3", "--replicas", "2", "--kafka-port",
             str(kafka_port), "--postgres-port", str(postgres_port)], cwd=ROOT, env=self.env | {"COLUMNS": "400"},
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip())

    def said(self, words: str, after: int = 0) -> bool:
        if self.process.poll() is not None and not any(words in line for line in self.lines[after:]):
            raise AssertionError("sipelkop up stopped:\n" + "\n".join(self.lines))
        return any(words in line for line in self.lines[after:])

    def url(self, name: str, replica: int) -> str:
        return f"http://127.0.0.1:{self.ports[name] + 10 * (replica - 1)}"

    def replica_pid(self, name: str, replica: int) -> int:
        port = str(self.ports[name] + 10 * (replica - 1))
        for child in psutil.Process(self.process.pid).children():
            if child.cmdline()[-2:] == ["serve", name] and child.environ().get(f"{name.upper()}_PORT") == port:
                return child.pid
        raise AssertionError(f"no process serves {name} replica {replica}")

    def broker_pid(self, node: int) -> int:
        return int((self.data / "kafka" / "cluster" / f"broker-{node}" / "broker.pid").read_text())

    def token(self, role: str, district: str | None = None) -> str:
        """Signed with identity's key ring in the data dir, as `sipelkop token` does (in this process: a command's
        start takes long on a loaded machine)."""
        from shared.dev_tokens import dev_token
        from shared.settings import ServiceSettings

        settings = ServiceSettings(env="development", data_dir=self.data, identity_url=self.url("identity", 1))
        return dev_token(role=role, subject=f"drill-{role}", name=f"Uji ({role})", district=district,
                         ttl=timedelta(minutes=60), settings=settings)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(180)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


class Replicas:
    """A client of one service that turns to the other replica when its own does not answer (a front door's
    health check), as a district office's browser would never notice."""

    def __init__(self, up: Up, name: str, token: str):
        self.clients = [httpx.Client(base_url=up.url(name, n), timeout=15, headers={"Authorization": f"Bearer {token}"})
                        for n in (1, 2)]
        self.turn = 0
        self.retried = 0

    def call(self, method: str, path: str, **kw) -> tuple[httpx.Response, bool]:
        """The answer, and whether an earlier attempt of this request got no answer (it may have been applied)."""
        unanswered = False
        for attempt in range(40):
            self.turn = (self.turn + 1) % 2
            try:
                return self.clients[self.turn].request(method, path, **kw), unanswered
            except httpx.TransportError:
                unanswered, self.retried = True, self.retried + 1
                time.sleep(0.1 if attempt % 2 == 0 else 0.5)
        raise AssertionError(f"neither replica answered {method} {path}")


class Writer(threading.Thread):
    """Writes at a steady pace until told to stop; keeps when each write was accepted."""

    def __init__(self, step):
        super().__init__(daemon=True)
        self.step, self.stop, self.accepted_at, self.refused = step, threading.Event(), [], []

    def run(self) -> None:
        while not self.stop.is_set():
            began = time.monotonic()
            try:
                if self.step():
                    self.accepted_at.append(time.monotonic())
            except Exception as exc:  # noqa: BLE001: kept and asserted on by the test
                self.refused.append(repr(exc))
            time.sleep(max(0.0, PACE_S - (time.monotonic() - began)))

    def longest_stall(self) -> float:
        times = self.accepted_at
        return max((b - a for a, b in zip(times, times[1:])), default=float("inf"))


def test_every_accepted_write_reaches_reporting_once_while_brokers_and_replicas_are_killed():
    begun = time.monotonic()
    base = free_run(6)
    service_base = free_run(14)
    # Not under pytest's base temp: another pytest session makes it 0700 again, and PostgreSQL (run as the
    # postgres user when we are root) must reach its data dir through it.
    data = Path(tempfile.mkdtemp(prefix="sipelkop-drill3-"))
    up = Up(data, base, service_base, free_run(1))
    try:
        wait_for(lambda: up.said("SIPELKOP siap"), timeout=600, interval=0.5, message="sipelkop up ready")
        started_in = time.monotonic() - begun
        assert up.said("Replika: identity :") and up.said(f"registration :{service_base + 1} (replika 1) dan "
                                                          f":{service_base + 11} (replika 2)")
        assert_topics_replicated(up, base)

        admin, officer = up.token("admin"), up.token("district_officer", "64.09")
        training, registration = Replicas(up, "training", admin), Replicas(up, "registration", officer)
        year = datetime.now(UTC).year
        batch, _ = training.call("POST", "/api/v1/batches", json=factories.batch(
            start_in_days=1, days=3, capacity=1000, eligible_districts=["64.09"], fiscal_year=year))
        assert batch.status_code == 201, batch.text
        batch_id = batch.json()["id"]
        # Enrolment closes when the batch starts: it starts tomorrow, and the trainer's marks say the hall's time.
        marked_at = f"{batch.json()['sessions'][0]['date']}T09:00:00+08:00"
        for n in (1, 2):
            wait_for(lambda: httpx.get(f"{up.url('registration', n)}/api/v1/batches/{batch_id}", timeout=10,
                                       headers={"Authorization": f"Bearer {officer}"}).status_code == 200,
                     timeout=60, message="the batch in registration")

        enrolled, marked = set(), set()

        def enrol() -> bool:
            coop, _ = registration.call("POST", "/api/v1/cooperatives", json=factories.cooperative("64.09"))
            assert coop.status_code in (201, 409), coop.text  # 409: its retry after an unanswered first try
            if coop.status_code != 201:
                return False
            person, _ = registration.call("POST", "/api/v1/participants",
                                          json=factories.participant(coop.json()["id"], "64.09"))
            if person.status_code != 201:
                assert person.status_code == 409, person.text
                return False
            pid = person.json()["id"]
            enrol, unanswered = registration.call("POST", "/api/v1/enrollments",
                                                  json={"batch_id": batch_id, "participant_id": pid})
            # An enrolment whose first try got no answer and whose retry is refused as already there was accepted.
            assert enrol.status_code == 201 or unanswered and enrol.status_code == 409, enrol.text
            enrolled.add(pid)
            return True

        def mark() -> bool:
            roster, _ = training.call("GET", f"/api/v1/batches/{batch_id}/roster")
            waiting = [r["participant_id"] for r in roster.json() if r["participant_id"] not in marked]
            if not waiting:
                return False
            answer, _ = training.call("PUT", f"/api/v1/batches/{batch_id}/sessions/1/attendance",
                                      json={"marks": [{"participant_id": waiting[0], "status": "hadir"}],
                                            "recorded_at": marked_at})
            assert answer.status_code == 200, answer.text
            marked.add(waiting[0])
            return True

        writers = [Writer(enrol), Writer(mark)]
        for writer in writers:
            writer.start()
        wrote_from = time.monotonic()
        faults: dict[str, float] = {}
        time.sleep(5)
        for node in (2, 3):  # one broker killed and brought back, then another
            seen = len(up.lines)
            os.kill(up.broker_pid(node), signal.SIGKILL)
            killed = time.monotonic()
            wait_for(lambda: up.said(f"Broker {node} menyala lagi", after=seen), timeout=90, interval=0.2,
                     message=f"broker {node} back")
            faults[f"broker {node} back after"] = time.monotonic() - killed
        # One replica of each service: identity's second (the first is the issuer the others fetch its keys
        # from; behind a front door both share one address), the first of each of the others.
        victims = {"identity": 2, "registration": 1, "training": 1, "reporting": 1}
        pids = {name: up.replica_pid(name, n) for name, n in victims.items()}
        seen = len(up.lines)
        killed_at, killed = datetime.now(UTC), time.monotonic()
        for pid in pids.values():
            os.kill(pid, signal.SIGKILL)
        handover = relay_handover(up, killed_at)
        # Writes go on, and are accepted, while the killed replicas are away (however slow the machine).
        wait_for(lambda: all(sum(t > killed for t in w.accepted_at) >= AFTER_KILL for w in writers) or
                 any(w.refused for w in writers), timeout=180, interval=0.5,
                 message=f"{AFTER_KILL} enrolments and marks accepted after the replicas' SIGKILL")
        time.sleep(max(0.0, WRITING_S - (time.monotonic() - wrote_from)))
        for writer in writers:
            writer.stop.set()
        for writer in writers:
            writer.join(30)
        wrote_for = time.monotonic() - wrote_from
        assert all(up.said(f"Replika {name}{'' if n == 1 else '-2'} (port", after=seen)
                   for name, n in victims.items()), "\n".join(up.lines[seen:])
        assert not any(w.refused for w in writers), [w.refused for w in writers]

        viewer = Replicas(up, "reporting", up.token("viewer"))

        def figures() -> dict:
            answer, _ = viewer.call("GET", "/api/v1/reports/batches", params={"fiscal_year": year})
            rows = [r for r in answer.json()["rows"] if r["batch_id"] == batch_id]
            return rows[0] if rows else {}

        reached = wait_for(lambda: (f := figures()) and f["participants_enrolled"] == len(enrolled)
                           and f["participants_attending"] == len(marked) and f, timeout=180, interval=1,
                           message=f"reporting's figures equal {len(enrolled)} enrolments, {len(marked)} marks")
        time.sleep(3)  # redelivered batches of the killed replica's partitions, if any, have come and gone
        again = figures()
        assert (again["participants_enrolled"], again["participants_attending"]) == (len(enrolled), len(marked))
        seats, _ = registration.call("GET", f"/api/v1/batches/{batch_id}")
        assert seats.json()["seats_taken"] == len(enrolled)  # no write accepted unseen, none lost
        viewer_token = up.token("viewer")
        duplicates = sum(metric(up.url("reporting", n), "sipelkop_consumer_duplicates_total", viewer_token)
                         for n in (1, 2))
        print(f"\nDrill 3: up ready in {started_in:.0f} s; {len(enrolled)} enrolments and {len(marked)} attendance "
              f"marks accepted in {wrote_for:.0f} s, reporting counts {reached['participants_enrolled']} and "
              f"{reached['participants_attending']}; reporting's inboxes dropped {duplicates:.0f} repeats; "
              + "; ".join(f"{k} {v:.1f} s" for k, v in faults.items())
              + f"; relay hand-over (SIGKILL to the next outbox row on the broker) {handover:.2f} s; longest write "
              f"stall: enrolments {writers[0].longest_stall():.2f} s, marks {writers[1].longest_stall():.2f} s; "
              f"requests retried on the other replica: {registration.retried + training.retried}; "
              f"whole drill {time.monotonic() - begun:.0f} s")
    finally:
        up.stop()
        shutil.rmtree(data, ignore_errors=True)
    assert up.process.returncode == 0, "\n".join(up.lines[-20:])


def relay_handover(up: Up, killed_at: datetime) -> float:
    """Seconds from the SIGKILL of registration's replica to the first outbox row the survivor published."""
    from shared.infra.postgres_local import LocalPostgres

    postgres = LocalPostgres(up.data / "postgres", port=up.postgres_port)
    query = (f"SELECT extract(epoch FROM min(published_at) - '{killed_at.isoformat()}'::timestamptz) FROM outbox "
             f"WHERE published_at > '{killed_at.isoformat()}'::timestamptz")
    found = wait_for(lambda: postgres.psql(query, database="sipelkop_registration").strip(), timeout=60,
                     interval=0.1, message="an outbox row published after the kill")
    return float(found)


def assert_topics_replicated(up: Up, base: int) -> None:
    """The project's topics are on three brokers and take a write once two have it."""
    from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

    password = json.loads((up.data / "kafka" / "credentials.json").read_text())["admin"]
    admin = KafkaAdminClient(bootstrap_servers=[f"127.0.0.1:{base + 2 * i}" for i in range(3)],
                             security_protocol="SASL_PLAINTEXT", sasl_mechanism="SCRAM-SHA-512",
                             sasl_plain_username="admin", sasl_plain_password=password)
    try:
        topics = [t for t in admin.describe_topics() if t["name"].startswith("sipelkop.")]
        assert topics and all(len(p["replica_nodes"]) == 3 for t in topics for p in t["partitions"])
        configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, t["name"]) for t in topics])
        assert all(c["min.insync.replicas"]["value"] == "2" for c in configs["topic"].values())
    finally:
        admin.close()


def metric(url: str, name: str, token: str) -> float:
    """The counter's sum on a replica (0 for one still starting again after its SIGKILL: its counters began anew)."""
    try:
        text = httpx.get(f"{url}/metrics", timeout=10, headers={"Authorization": f"Bearer {token}"}).text
    except httpx.TransportError:
        return 0.0
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name + "{"))
