"""Backup, restore and Kafka recovery of a whole installation at scale (issue 18), timed with the real commands.

    .venv/bin/python -m bench.backup_scale [--enrolments 100000] [--data DIR] [--output FILE]

How the data is made: a private data folder laid out as `sipelkop up` lays it out (its local PostgreSQL in
`<data>/postgres` with one `sipelkop_<service>` database each, started by the same helper as `sipelkop up
--replicas 2`; the broker, identity's keys and training's evidence folder where `sipelkop up` keeps them), then the
real `sipelkop up` (one replica per service, PostgreSQL) fills itself through the services' own bulk paths: batches
through training's API (500 seats each), cooperatives through registration's cooperative import (CSV, up to
5,000 rows a file), participants through its participant import with the file's batch (one file per batch: every
row stored, enrolled under the batch lock, audited and its events written to the outbox in the import's
transaction); one admin account through `sipelkop accounts create-admin` and one photograph per batch through
training's evidence API. Registration's relay publishes the events; training and reporting apply them with their own
consumers (their inbox rows, rosters and projections). So every row and event is one the services made
themselves; what it is not: no HTTP request per enrolment (an officer's form), no attendance, completions or
certificates (the topics hold batches, cooperatives, participants and enrolments), and the imports run two at a
time under one admin token rather than from ten district offices.

Then it times `sipelkop backup --to DIR` with the stack running (a subprocess, the real command) and the
archive's size; stops the stack, drops every database and deletes the broker's data, identity's keys and the
evidence folder, and times `sipelkop restore ARCHIVE`; then deletes the broker's data again and times `sipelkop
kafka recover --from ARCHIVE`. After each it checks, failing loudly, that the enrolments in registration's
database, the messages on every topic and reporting's enrolment figure are what they were before the backup.
Prints a table and writes it to bench/results/backup-scale.md (`--output`), with the load average before and after.
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import io
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx

from bench.infra import free_port, plain_url, run_dir
from shared.regions import districts

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "backup-scale.md"
SERVICES = ("identity", "registration", "training", "reporting")
DISTRICTS = tuple(districts())  # the ten regencies and cities
PER_BATCH = 500  # seats per batch (training allows up to 1,000); one participant import file per batch
PER_COOPERATIVE = 10  # participants (managers) per cooperative
COOPERATIVES_PER_FILE = 5_000  # half of REGISTRATION_IMPORT_MAX_ROWS (10,000), well inside its 5 MiB
PASSPHRASE = "frasa sandi tolok ukur cadangan"


class Mismatch(AssertionError):
    """A count after a backup, restore or recovery that is not what the installation held."""


def say(line: str) -> None:
    print(f"backup-scale: {line}", flush=True)


# --- the installation ------------------------------------------------------------------------------------------

def environment(data: Path, kafka_port: int) -> dict:
    """The operator's shell: what `sipelkop up` and the backup commands read (ports apart from a developer's)."""
    from shared.cli import _replica_databases

    os.environ.update({"SIPELKOP_DATA_DIR": str(data), "SIPELKOP_ENV": "development",
                       "SIPELKOP_KAFKA_BOOTSTRAP": f"127.0.0.1:{kafka_port}", "SIPELKOP_LOG_LEVEL": "WARNING",
                       "SIPELKOP_BACKUP_PASSPHRASE": PASSPHRASE,
                       **{f"{name.upper()}_PORT": str(free_port()) for name in SERVICES}})
    # Each service's address, as `sipelkop up` gives them on the default ports (tokens are checked at identity's).
    os.environ.update({f"SIPELKOP_{name.upper()}_URL": url(name) for name in SERVICES})
    for name in SERVICES:
        os.environ.pop(f"{name.upper()}_DATABASE_URL", None)
    found = _replica_databases(data, free_port(), say)  # `sipelkop up --replicas 2`'s PostgreSQL, as it starts it
    if found is None:
        raise SystemExit("PostgreSQL lokal tidak menyala")
    urls, postgres = found
    os.environ.update(urls)
    return postgres


def url(service: str) -> str:
    return f"http://127.0.0.1:{os.environ[f'{service.upper()}_PORT']}"


def start_stack(data: Path, kafka_port: int) -> subprocess.Popen:
    """The real `sipelkop up` on the local PostgreSQL databases; returns once every service answers."""
    log = open(data / "logs" / "up.log", "ab")
    up = subprocess.Popen([sys.executable, "-m", "shared.cli", "up", "--kafka-port", str(kafka_port)], cwd=ROOT,
                          env=os.environ, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 300
    while not all(_healthy(s) for s in SERVICES):
        if up.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"sipelkop up did not start; see {data / 'logs'}")
        time.sleep(1)
    return up


def _healthy(service: str) -> bool:
    try:
        return httpx.get(f"{url(service)}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def stop_stack(up: subprocess.Popen) -> None:
    up.send_signal(signal.SIGTERM)
    up.wait(120)


def token(role: str) -> str:
    done = subprocess.run([sys.executable, "-m", "shared.cli", "token", "--role", role, "--minutes", "600"],
                          cwd=ROOT, env=os.environ, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def sheet(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def nik(j: int, district: str) -> str:
    """A valid, unique NIK for participant j: region, birth date (women's day + 40), serial."""
    serial, block = j % 9999 + 1, j // 9999
    day = 1 + block % 28 + (40 if j % 2 else 0)
    return f"{district.replace('.', '')}{1 + block // 28:02d}{day:02d}{1 + j % 12:02d}{70 + j % 20:02d}{serial:04d}"


def fill(enrolments: int) -> dict:
    """Batches, cooperatives, participants and their enrolments through the services' own APIs and imports."""
    admin = {"Authorization": f"Bearer {token('admin')}"}
    batches_n = math.ceil(enrolments / PER_BATCH)
    cooperatives_n = math.ceil(enrolments / PER_COOPERATIVE)
    from shared.clock import business_today

    today = business_today()
    with httpx.Client(base_url=url("training"), headers=admin, timeout=120) as training:
        batches = []
        for b in range(batches_n):
            start = today + timedelta(days=30 + b % 300)
            answer = training.post("/api/v1/batches", json={
                "code": f"SKALA-{b:05d}", "title": "Digitalisasi Usaha Koperasi", "venue": "Samarinda",
                "start_date": start.isoformat(), "end_date": (start + timedelta(days=2)).isoformat(),
                "capacity": PER_BATCH, "eligible_districts": list(DISTRICTS), "planned_budget": 60_000_000})
            if answer.status_code != 201:
                raise SystemExit(f"batch not created: {answer.status_code} {answer.text[:300]}")
            batches.append(answer.json()["id"])
    say(f"{batches_n} batches created through training's API")
    subprocess.run([sys.executable, "-m", "shared.cli", "accounts", "create-admin", "--username", "admin",
                    "--password-stdin"], cwd=ROOT, env=os.environ, input="kata sandi admin tolok ukur\n", text=True,
                   capture_output=True, check=True)
    staff = {"Authorization": f"Bearer {token('training_staff')}"}
    with httpx.Client(base_url=url("training"), headers=staff, timeout=120) as training:
        for n, batch in enumerate(batches):  # one photograph of the activity per batch: the evidence folder
            shown = training.post(f"/api/v1/batches/{batch}/evidence", data={"kind": "foto", "caption": "Kegiatan"},
                                  files={"file": (f"kegiatan-{n}.png", photograph(n), "image/png")})
            if shown.status_code != 201:
                raise SystemExit(f"evidence not stored: {shown.status_code} {shown.text[:300]}")
    with httpx.Client(base_url=url("registration"), headers=admin, timeout=1800) as registration:
        _wait(lambda: all(registration.get(f"/api/v1/batches/{b}").status_code == 200 for b in batches[-1:]),
              "the batches in registration", 120)
        numbers = [f"64{c:010d}" for c in range(1, cooperatives_n + 1)]
        for start in range(0, cooperatives_n, COOPERATIVES_PER_FILE):
            rows = [{"nama_koperasi": f"Koperasi Skala {c + 1}", "nomor_induk_koperasi": numbers[c],
                     "kode_kabupaten": DISTRICTS[c % len(DISTRICTS)], "jenis": "produsen", "sektor_usaha": "pertanian",
                     "status": "aktif", "grade_ods": "B", "anggota_laki_laki": 20 + c % 7,
                     "anggota_perempuan": 15 + c % 5}
                    for c in range(start, min(start + COOPERATIVES_PER_FILE, cooperatives_n))]
            _imported(registration.post("/api/v1/imports/cooperatives",
                                        files={"file": (f"koperasi-{start}.csv", sheet(rows), "text/csv")}), len(rows))
        say(f"{cooperatives_n} cooperatives imported")

        def import_batch(b: int) -> None:
            rows = []
            for j in range(b * PER_BATCH, min((b + 1) * PER_BATCH, enrolments)):
                c = j // PER_COOPERATIVE
                district = DISTRICTS[c % len(DISTRICTS)]
                rows.append({"nik": nik(j, district), "nama_lengkap": f"Peserta Skala {j + 1}",
                             "jabatan": ("ketua", "sekretaris", "bendahara", "pengawas", "manajer")[j % 5],
                             "nomor_induk_koperasi": numbers[c]})
            _imported(registration.post("/api/v1/imports/participants", data={"batch_id": batches[b]},
                                        files={"file": (f"peserta-{b}.csv", sheet(rows), "text/csv")}),
                      len(rows), enrolled=True)

        started = time.monotonic()
        with ThreadPoolExecutor(2) as pool:  # two offices importing at once: two batches, two locks
            for done, _ in enumerate(pool.map(import_batch, range(batches_n)), 1):
                if done % 20 == 0 or done == batches_n:
                    say(f"  {done}/{batches_n} participant files imported ({time.monotonic() - started:.0f} s)")
    return {"batches": batches_n, "cooperatives": cooperatives_n}


def photograph(n: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (640, 480), (40 + n % 200, 120, 90)).save(out, "PNG")
    return out.getvalue()


def _imported(answer: httpx.Response, rows: int, enrolled: bool = False) -> None:
    if answer.status_code != 200:
        raise SystemExit(f"import refused: {answer.status_code} {answer.text[:500]}")
    result = answer.json()
    if result["rejected"] or result["created"] != rows:
        raise SystemExit(f"import: {result['created']} of {rows} created, rejected {result['rejected'][:3]}")
    if enrolled and any(a.get("enrollment_status") != "enrolled" for a in result["accepted"]):
        refused = next(a for a in result["accepted"] if a.get("enrollment_status") != "enrolled")
        raise SystemExit(f"import: not every row enrolled: {refused}")


def _wait(check, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(1)


# --- what the installation holds ---------------------------------------------------------------------------------

def database_url(service: str) -> str:
    return plain_url(os.environ[f"{service.upper()}_DATABASE_URL"])


async def _scalar(service: str, sql: str):
    conn = await asyncpg.connect(database_url(service))
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


def scalar(service: str, sql: str):
    return asyncio.run(_scalar(service, sql))


async def _tables() -> dict[str, dict[str, int]]:
    """Exact row counts of every table of every service, and each database's size."""
    found = {}
    for service in SERVICES:
        conn = await asyncpg.connect(database_url(service))
        try:
            names = [r[0] for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                                    "ORDER BY tablename")]
            found[service] = {n: await conn.fetchval(f'SELECT count(*) FROM "{n}"') for n in names}
            found[service]["(bytes)"] = await conn.fetchval("SELECT pg_database_size(current_database())")
        finally:
            await conn.close()
    return found


def reporting_enrolled() -> int:
    """Reporting's enrolment figure (its summary, as the dashboard shows it), read from its live store."""
    from services.reporting.adapters.store import store_url
    from services.reporting.config import ReportingSettings
    from services.reporting.service_layer import reports
    from shared.db import create_engine, session_factory

    async def read() -> int:
        settings = ReportingSettings()
        generation = await _scalar("reporting", "SELECT generation FROM store_pointer WHERE id = 1") or 0
        engine = create_engine(store_url(settings.database_url, generation, settings.store_url_template))
        try:
            async with session_factory(engine)() as session:
                summary = await reports.summary(session, fiscal_year=None, programme_id=None, default_target=600)
        finally:
            await engine.dispose()
        return summary["participants_enrolled"]

    return asyncio.run(read())


def topic_counts() -> dict[str, int]:
    """Messages on every topic of the installation (end offsets on empty-at-start topics), as the broker's admin."""
    from shared.backup import _kafka
    from shared.settings import ServiceSettings

    async def read() -> dict[str, int]:
        topics = _kafka(ServiceSettings())
        ends = await topics.end_offsets(await topics.layout())
        return {t: sum(by_partition.values()) for t, by_partition in ends.items()}

    return asyncio.run(read())


def counts() -> dict:
    evidence = Path(os.environ["SIPELKOP_DATA_DIR"]) / "training-evidence"
    return {"enrolments": scalar("registration", "SELECT count(*) FROM enrollments"),
            "topics": topic_counts(), "reporting": reporting_enrolled(),
            "evidence": sum(1 for p in evidence.rglob("*") if p.is_file())}


def check(what: str, found: dict, expected: dict) -> None:
    problems = []
    if found["enrolments"] != expected["enrolments"]:
        problems.append(f"registration holds {found['enrolments']} enrolments, expected {expected['enrolments']}")
    if found["reporting"] != expected["reporting"]:
        problems.append(f"reporting counts {found['reporting']} enrolled, expected {expected['reporting']}")
    if found["evidence"] != expected["evidence"]:
        problems.append(f"{found['evidence']} evidence files, expected {expected['evidence']}")
    for topic in sorted(set(found["topics"]) | set(expected["topics"])):
        got, want = found["topics"].get(topic), expected["topics"].get(topic)
        if got != want:
            problems.append(f"topic {topic}: {got} messages, expected {want}")
    if problems:
        raise Mismatch(f"after {what}: " + "; ".join(problems))
    say(f"after {what}: {found['enrolments']:,} enrolments, {sum(found['topics'].values()):,} events on "
        f"{len(found['topics'])} topics, reporting counts {found['reporting']:,} enrolled, "
        f"{found['evidence']} evidence files: as before")


def local_broker(data: Path, kafka_port: int):
    """`sipelkop up`'s broker alone (for counting what a restore or recovery left on it)."""
    from shared.cli import _local_kafka

    return _local_kafka(data / "kafka", kafka_port, 1)


# --- the measured commands ---------------------------------------------------------------------------------------

def checked_on_the_broker(what: str, data: Path, kafka_port: int, before: dict) -> None:
    """Every count as before the backup, read with the stack's broker started for the reading only."""
    broker = local_broker(data, kafka_port)
    broker.start()
    try:
        check(what, counts(), before)
    finally:
        broker.stop()


def timed(*args: str) -> tuple[float, subprocess.CompletedProcess]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "shared.cli", *args], cwd=ROOT, env=os.environ,
                          capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"sipelkop {' '.join(args)} failed ({done.returncode}):\n{done.stdout[-3000:]}"
                         f"\n{done.stderr[-3000:]}")
    return seconds, done


def own_seconds(output: str, word: str) -> str:
    """The figure the command prints itself ("... selesai dalam 12.3 detik"), without Python's start."""
    found = re.search(rf"{word} (\d+(?:\.\d+)?) detik", output)
    return found.group(1) if found else "?"


def wipe(data: Path) -> None:
    """Everything `sipelkop restore` puts back: databases dropped (the server stays up), broker data, keys and
    evidence deleted."""
    async def drop() -> None:
        admin = database_url("identity").rsplit("/", 1)[0] + "/postgres"
        conn = await asyncpg.connect(admin)
        try:
            names = [r[0] for r in await conn.fetch("SELECT datname FROM pg_database WHERE datname LIKE 'sipelkop_%'")]
            for name in names:
                await conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(drop())
    for part in ("kafka", "identity", "training-evidence"):
        shutil.rmtree(data / part, ignore_errors=True)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(enrolments: int, data: Path, output: Path) -> int:
    import logging

    logging.getLogger("aiokafka").setLevel(logging.ERROR)
    load_before = load()
    say(f"data folder {data}; load average {load_before}")
    (data / "logs").mkdir(parents=True, exist_ok=True)
    kafka_port = free_port()
    postgres = environment(data, kafka_port)
    try:
        up = start_stack(data, kafka_port)
        try:
            started = time.monotonic()
            made = fill(enrolments)
            _wait(lambda: scalar("registration", "SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
                  and scalar("training", "SELECT count(*) FROM roster") == enrolments
                  and reporting_enrolled() == enrolments, "training's roster and reporting's figure", 3600)
            _wait(lambda: all(scalar(s, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
                              for s in ("identity", "registration", "training")), "every relay", 300)
            fill_s = time.monotonic() - started
            before = counts()
            shown = scalar("training", "SELECT count(*) FROM batch_evidence")
            if before["enrolments"] != enrolments or shown != made["batches"] or not before["evidence"]:
                raise Mismatch(f"registration holds {before['enrolments']} enrolments ({enrolments} imported), "
                               f"training {shown} evidence items in {before['evidence']} files "
                               f"({made['batches']} uploaded)")
            tables = asyncio.run(_tables())
            say(f"filled in {fill_s:.0f} s: {before['enrolments']:,} enrolments, {sum(before['topics'].values()):,} "
                f"events")
            backup_s, done = timed("backup", "--to", str(data / "cadangan"))
            archive = Path(done.stdout.strip().splitlines()[-1])
            backup_own = own_seconds(done.stdout, "selesai dalam")
            say(f"backup {backup_s:.1f} s, archive {archive.stat().st_size / 1e6:.1f} MB")
        finally:
            stop_stack(up)
        wipe(data)

        restore_s, done = timed("restore", str(archive))
        restore_own = own_seconds(done.stdout, "selesai dalam")
        checked_on_the_broker("restore", data, kafka_port, before)
        shutil.rmtree(data / "kafka")  # the broker's data lost; the databases are kept

        recover_s, done = timed("kafka", "recover", "--from", str(archive))
        recover_own = own_seconds(done.stdout, "dipulihkan dalam")
        marked = sum(int(n) for n in re.findall(r"Outbox \w+: (\d+) event", done.stdout))
        checked_on_the_broker("kafka recover", data, kafka_port, before)
        unpublished = sum(scalar(s, "SELECT count(*) FROM outbox WHERE published_at IS NULL")
                          for s in ("identity", "registration", "training"))
        if unpublished != marked:
            raise Mismatch(f"after kafka recover: {unpublished} outbox rows wait, the command said {marked}")
    finally:
        postgres.stop()
    text = document(enrolments=enrolments, made=made, tables=tables, before=before, fill_s=fill_s,
                    archive=archive, backup=(backup_s, backup_own), restore=(restore_s, restore_own),
                    recover=(recover_s, recover_own), marked=marked, loads=(load_before, load()))
    print(text, flush=True)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    return 0


def document(*, enrolments, made, tables, before, fill_s, archive, backup, restore, recover, marked, loads) -> str:
    events = sum(before["topics"].values())
    db_mb = sum(t["(bytes)"] for t in tables.values()) / 1e6
    size_mb = archive.stat().st_size / 1e6
    rows = lambda service, *names: ", ".join(f"{n} {tables[service].get(n, 0):,}" for n in names)  # noqa: E731
    lines = [
        f"# Backup, restore and Kafka recovery at {enrolments:,} enrolments",
        "",
        f"`python -m bench.backup_scale --enrolments {enrolments}`: {os.cpu_count()} cores, PostgreSQL (local "
        f"cluster, `sipelkop up`'s layout), local broker (KRaft, SASL), load average before {loads[0]}, after "
        f"{loads[1]} (one, five and fifteen minutes; the run's own fill and commands are in the second).",
        "",
        f"The installation (batches {made['batches']:,}, cooperatives {made['cooperatives']:,}, participants and "
        f"enrolments {enrolments:,}, one photograph per batch in the evidence folder, one admin account), made "
        f"through the services' own API, imports and CLI in {fill_s:.0f} s: {events:,} events on "
        f"{len(before['topics'])} topics, databases {db_mb:,.0f} MB (`pg_database_size`), rows:",
        f"- registration: {rows('registration', 'cooperatives', 'participants', 'batches', 'enrollments', 'audit_log', 'outbox', 'inbox')}",
        f"- training: {rows('training', 'batches', 'roster', 'audit_log', 'outbox', 'inbox')}",
        f"- reporting: {rows('reporting', 'batches', 'cooperatives', 'enrollments', 'inbox')}",
        f"- identity: {rows('identity', 'accounts', 'outbox')}",
        "",
        "| step | wall time (the command's own figure) | what was checked after it |",
        "|---|---|---|",
        f"| `sipelkop backup --to DIR` (stack running) | {backup[0]:.1f} s ({backup[1]} s) | archive "
        f"{size_mb:,.1f} MB |",
        f"| `sipelkop restore ARCHIVE` (stack stopped, databases dropped, broker data, keys and evidence deleted; "
        f"starts the broker itself) | {restore[0]:.1f} s ({restore[1]} s) | {before['enrolments']:,} enrolments "
        f"in registration, {events:,} events on the topics, reporting's figure {before['reporting']:,}, "
        f"{before['evidence']} evidence files: as before |",
        f"| `sipelkop kafka recover --from ARCHIVE` (broker data deleted, databases kept; starts the broker itself) "
        f"| {recover[0]:.1f} s ({recover[1]} s) | the same counts; {marked:,} outbox rows marked for the relays "
        f"to publish again |",
        "",
        "Wall time is the subprocess's, Python's start included; the figure in brackets is the one the command "
        "prints itself. Recovery marks every outbox row published since an hour before the backup; here that is "
        "every row, since the installation was made minutes before (publishing them again when the services "
        "start is not timed).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enrolments", type=int, default=100_000)
    parser.add_argument("--data", type=Path, default=None, help="a new, empty data folder (default: under .data/bench)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--keep", action="store_true", help="keep the data folder after a run that passed (one that failed is always kept)")
    args = parser.parse_args(argv)
    data = (args.data or run_dir("backup-scale")).resolve()
    data.mkdir(parents=True, exist_ok=True)
    if any(p for p in data.iterdir() if p.name != "logs"):
        raise SystemExit(f"{data} is not empty")
    try:
        result = run(args.enrolments, data, args.output)
    except BaseException:
        say(f"failed; the data folder and its logs are kept in {data}")
        raise
    if not args.keep:
        shutil.rmtree(data, ignore_errors=True)
    return result


if __name__ == "__main__":
    sys.exit(main())
