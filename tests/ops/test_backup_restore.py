"""Drill: the seed scenario over SQLite stores as `sipelkop up` keeps them (and over PostgreSQL) and the real
broker (SQLite: with reporting rebuilt first, its live store in generation 1); `sipelkop backup` while a district
office keeps enrolling; everything wiped (databases, keys, evidence, topics); `sipelkop restore` (refused a second
time without --force, accepted with it); the services start again on the restored data: same figures, same
rosters, the same evidence photograph, certificates that verify, reconcile clean, and a new enrolment flows to
training and reporting."""
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tarfile
import threading
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.reporting.test_seed_scenario import reconcile_account, run_seed_scenario
from tests.fixtures import factories
from tests.fixtures.services import ROOT, start_stack, wait_for

NAMES = ("identity", "registration", "training", "reporting")
PASSPHRASE = "frasa sandi uji cadangan"


def cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "shared.cli", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def operator_env(stack, data, kafka, prefix, urls) -> dict:
    """What the operator's shell holds: the same settings as the services."""
    return {**os.environ, "SIPELKOP_ENV": "test", "SIPELKOP_DATA_DIR": str(data),
            **admin_env(kafka), "SIPELKOP_TOPIC_PREFIX": prefix,
            "IDENTITY_SIGNING_KEYS_FILE": str(stack.keys_file), "SIPELKOP_BACKUP_PASSPHRASE": PASSPHRASE,
            **{f"{n.upper()}_DATABASE_URL": u for n, u in urls.items()},
            **{f"{n.upper()}_PORT": str(stack[n].port) for n in NAMES}}


class Enrolling(threading.Thread):
    """A district officer registering and enrolling people one after another until told to stop."""

    def __init__(self, stack, batch_id: str):
        super().__init__(daemon=True)
        self.officer = stack.client("registration", "district_officer", "64.09")
        self.batch_id, self.accepted, self.stop = batch_id, 0, threading.Event()

    def run(self):
        while not self.stop.is_set():
            coop = self.officer.post("/api/v1/cooperatives", json=factories.cooperative("64.09"))
            person = self.officer.post("/api/v1/participants", json=factories.participant(coop.json()["id"], "64.09"))
            enrol = self.officer.post("/api/v1/enrollments", json={"batch_id": self.batch_id,
                                                                   "participant_id": person.json()["id"]})
            assert enrol.status_code == 201, enrol.text
            self.accepted += 1


def summary(stack, year) -> dict:
    return stack.client("reporting", "viewer").get("/api/v1/reports/summary", params={"fiscal_year": year}).json()


def roster(stack, batch_id) -> list[str]:
    answer = stack.client("training", "admin").get(f"/api/v1/batches/{batch_id}/roster")
    assert answer.status_code == 200, answer.text
    return sorted(r["participant_id"] for r in answer.json())


def enrolments(stack, batch_id) -> int:
    return stack.client("registration", "district_officer", "64.09").get(
        f"/api/v1/batches/{batch_id}").json()["seats_taken"]


def admin_env(kafka) -> dict:
    """The operator runs backup and restore as the broker's admin principal (SASL when the suite's broker has it)."""
    return kafka.env("admin") if hasattr(kafka, "env") else {"SIPELKOP_KAFKA_BOOTSTRAP": kafka.bootstrap}


def wipe_topics(kafka, prefix):
    from shared.backup_topics import Topics

    async def wipe():
        topics = Topics(kafka.bootstrap, prefix, kafka.options("admin") if hasattr(kafka, "options") else {})
        await topics.delete(sorted(await topics.layout()))
    asyncio.run(wipe())


def wipe_databases(store, urls, data, postgres):
    if store == "sqlite":
        for path in data.glob("*.db*"):
            path.unlink()
        return
    admin = postgres.admin_url.replace("+asyncpg", "").replace("+psycopg2", "")
    for url in urls.values():
        name = url.rsplit("/", 1)[1]
        for sql in (f'DROP DATABASE "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
            subprocess.run(["psql", admin, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, capture_output=True)


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_backup_while_enrolling_then_wipe_restore_and_carry_on(store, request, kafka, topic_prefix, tmp_path):
    """SQLite as `sipelkop up` keeps it (files in the data folder), or one PostgreSQL database per service."""
    data = tmp_path / "data"
    data.mkdir()
    postgres = request.getfixturevalue("postgres") if store == "postgresql" else None
    urls = ({n: f"sqlite+aiosqlite:///{data / (n + '.db')}" for n in NAMES} if store == "sqlite"
            else {n: postgres.new_database(n[:3]) for n in NAMES})
    stack = start_stack(kafka_bootstrap=kafka.bootstrap, database_urls=urls, topic_prefix=topic_prefix, log_dir=data)
    try:
        seed = run_seed_scenario(stack)
        year, closed = seed["year"], seed["batch"]["id"]
        account = reconcile_account(stack)
        seeded_roster = roster(stack, closed)
        certificates = stack.client("training", "admin").get(f"/api/v1/batches/{closed}/certificates").json()
        assert len(certificates) == 28
        staff = stack.client("training", "training_staff")
        shown = staff.post(f"/api/v1/batches/{closed}/evidence", data={"kind": "foto", "caption": "Peserta berdiskusi"},
                           files={"file": ("diskusi.png", photograph(), "application/octet-stream")})
        assert shown.status_code == 201, shown.text
        photo_url = f"/api/v1/batches/{closed}/evidence/{shown.json()['id']}"
        photo = staff.get(photo_url).content
        opened = stack.client("training", "admin").post("/api/v1/batches", json=factories.batch(
            fiscal_year=year, capacity=1000, eligible_districts=["64.09"])).json()
        wait_for(lambda: stack.client("registration", "district_officer", "64.09").get(
            f"/api/v1/batches/{opened['id']}").status_code == 200, message="open batch in registration")
        env = operator_env(stack, data, kafka, topic_prefix, urls)
        if store == "sqlite":  # a rebuilt reporting: its live projections are in generation 1 (reporting.g1.db)
            rebuilt = cli(stack["reporting"].env, "reporting", "rebuild")
            assert rebuilt.returncode == 0 and "generasi 1 aktif" in rebuilt.stdout, rebuilt.stdout + rebuilt.stderr
            wait_for(lambda: "sipelkop_reporting_store_generation 1.0" in stack.client("reporting", "viewer").get(
                "/metrics").text, message="reporting on generation 1", timeout=30)

        writer = Enrolling(stack, opened["id"])
        writer.start()
        wait_for(lambda: writer.accepted >= 3, message="enrolments under way")
        before_backup = writer.accepted
        done = cli(env, "backup", "--to", str(tmp_path / "cadangan"))
        during_backup = writer.accepted - before_backup
        writer.stop.set()
        writer.join(30)
        assert done.returncode == 0, done.stdout + done.stderr
        archive = tmp_path / "cadangan" / done.stdout.strip().splitlines()[-1].rsplit("/", 1)[-1]
        assert done.stdout.strip().splitlines()[-1] == str(archive) and archive.name.endswith(".tar.gz")
        assert "Mencadangkan basis data reporting" in done.stdout and "Topik " in done.stdout
        assert during_backup > 0, "the enrolments did not go on during the backup"
        with tarfile.open(archive) as tar:
            names = tar.getnames()
            manifest = json.load(tar.extractfile(next(n for n in names if n.endswith("/manifest.json"))))
        kinds = {p["kind"] for p in manifest["parts"]}
        assert kinds >= {"database", "topic", "groups", "signing_keys", "evidence"}, kinds
        assert {p["service"] for p in manifest["parts"] if p["kind"] == "database"} == set(NAMES)
        if store == "sqlite":
            assert [p["generation"] for p in manifest["parts"] if p.get("generation")] == [1]
        assert all(len(p["sha256"]) == 64 for p in manifest["parts"])
        assert all(p["bytes"] > 0 for p in manifest["parts"] if p["kind"] == "database")
        exported = {p["topic"].removeprefix(topic_prefix): p["messages"] for p in manifest["parts"]
                    if p["kind"] == "topic"}
        assert exported["sipelkop.registration.enrollment"] >= 30 + before_backup, exported
        sealed = tar_bytes(archive, "keys/identity-signing-keys.json.enc")
        assert stack.keys_file.read_bytes() not in sealed and b"ciphertext" in sealed
        metric = (data / "metrics" / "sipelkop_backup.prom").read_text()
        assert "sipelkop_backup_last_success_timestamp_seconds " in metric

        refused = cli(env, "restore", str(archive))
        assert refused.returncode == 1 and "masih berjalan" in refused.stderr, refused.stdout + refused.stderr
    finally:
        stack.stop()

    wipe_databases(store, urls, data, postgres)
    stack.keys_file.unlink()
    shutil.rmtree(data / "training-evidence")
    wipe_topics(kafka, topic_prefix)

    done = cli(env, "restore", str(archive))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Pemulihan selesai" in done.stdout
    again = cli(env, "restore", str(archive))
    assert again.returncode == 1 and "tidak kosong" in again.stderr and "--force" in again.stderr, again.stderr
    if store == "sqlite":  # told to, it overwrites what is there (topics deleted and refilled)
        forced = cli(env, "restore", "--force", str(archive))
        assert forced.returncode == 0, forced.stdout + forced.stderr

    stack = start_stack(kafka_bootstrap=kafka.bootstrap, database_urls=urls, topic_prefix=topic_prefix, log_dir=data)
    try:
        restored = enrolments(stack, opened["id"])
        assert before_backup <= restored <= writer.accepted
        figures = wait_for(lambda: (s := summary(stack, year))["participants_enrolled"] == 30 + restored and s,
                           timeout=120, message="reporting caught up with the restored enrolments")
        assert figures["participants_completed"] == 28 and figures["certificates_issued"] == 28
        assert figures["batches_closed"] == 1 and figures["budget"]["realised"] == 56_000_000
        if store == "sqlite":
            assert "sipelkop_reporting_store_generation 1.0" in stack.client("reporting", "viewer").get("/metrics").text
        assert roster(stack, closed) == seeded_roster
        wait_for(lambda: len(roster(stack, opened["id"])) == restored, message="open batch's roster")
        for certificate in certificates[:3]:
            code = parse_qs(urlsplit(certificate["verification_url"]).query)["kode"][0]
            verified = stack.client("training", "viewer").get(f"/api/v1/certificates/{certificate['number']}",
                                                              params={"kode": code})
            assert verified.status_code == 200 and verified.json()["genuine"] is True, verified.text

        assert stack.client("training", "training_staff").get(photo_url).content == photo

        reconcile_env = {**stack["reporting"].env, "REPORTING_REGISTRATION_URL": stack["registration"].url,
                         "REPORTING_TRAINING_URL": stack["training"].url, **account}
        reconciled = cli(reconcile_env, "reporting", "reconcile", "--json")
        result = json.loads(reconciled.stdout)
        assert reconciled.returncode == 0 and result["differences"] == [], reconciled.stdout + reconciled.stderr

        officer = stack.client("registration", "district_officer", "64.09")
        coop = officer.post("/api/v1/cooperatives", json=factories.cooperative("64.09")).json()
        person = officer.post("/api/v1/participants", json=factories.participant(coop["id"], "64.09")).json()
        enrol = officer.post("/api/v1/enrollments", json={"batch_id": opened["id"], "participant_id": person["id"]})
        assert enrol.status_code == 201, enrol.text
        wait_for(lambda: summary(stack, year)["participants_enrolled"] == 31 + restored, message="new enrolment")
        wait_for(lambda: person["id"] in roster(stack, opened["id"]), message="new enrolment on the roster")
        assert summary(stack, year)["participants_enrolled"] == 31 + restored  # nothing applied twice on the way
    finally:
        stack.stop()


def photograph() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (640, 480), "seagreen").save(out, "PNG")
    return out.getvalue()


def tar_bytes(archive, suffix: str) -> bytes:
    with tarfile.open(archive) as tar:
        return tar.extractfile(next(n for n in tar.getnames() if n.endswith(suffix))).read()
