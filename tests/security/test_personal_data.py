"""Personal data stays in registration: after an end-to-end run with known NIKs and phone numbers (registered by
form and by import, looked up, enrolled, trained, certified, reported and exported), none of them appears, in any
format, in the services' logs, in any event on any topic, or in any report or export."""
from __future__ import annotations

import asyncio
import io
import re
import subprocess
import zipfile
import zlib

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from tests.fixtures import factories
from tests.fixtures.services import start_stack, wait_for

SERVICES = ("identity", "registration", "training", "reporting")
PHONES = ("0812-3456-7{n:03d}", "+62 812 3456 7{n:03d}", "6281234567{n:03d}", "0812.3456.7{n:03d}")
REPORTS = ("summary", "districts", "sectors", "cooperative-types", "sexes", "batches")


def digits_pattern(digits: str) -> str:
    """The digits with any separator (space, dot, dash, slash) between them."""
    return r"[\s./-]?".join(digits)


def patterns(niks: list[str], phones: list[str]) -> re.Pattern:
    """Every NIK raw or spaced out; every phone as 08..., +62 8..., 62 8... with or without separators."""
    parts = [rf"(?<!\d){digits_pattern(nik)}(?!\d)" for nik in niks]
    for phone in phones:
        subscriber = re.sub(r"\D", "", phone)
        subscriber = subscriber[1:] if subscriber.startswith("0") else subscriber.removeprefix("62")
        parts.append(rf"(?<!\d)(?:\+?62|0)[\s./-]?{digits_pattern(subscriber)}(?!\d)")
    return re.compile("|".join(parts))


def pdf_text(content: bytes) -> str:
    """What a PDF says: its text as pdftotext reads it (training's papers embed a Unicode font, whose strings are
    glyph numbers), and every Flate-compressed stream (core-font strings are literal there)."""
    shown = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout
    chunks = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            pass
    return shown.decode("utf-8") + "\n" + b"\n".join(chunks).decode("latin-1")


def archive_text(content: bytes) -> str:
    """Every member of a zip (XLSX sheets, a zip of PDFs), decompressed."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(pdf_text(archive.read(n)) if n.endswith(".pdf") else archive.read(n).decode("utf-8", "replace")
                         for n in archive.namelist())


async def every_event(bootstrap: str, prefix: str, options: dict) -> dict[str, list[bytes]]:
    """All records of every topic of this run, read from the beginning."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **options)
    await admin.start()
    try:
        topics = sorted(t for t in await admin.list_topics() if t.startswith(prefix))
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    partitions = [TopicPartition(d["topic"], p["partition"]) for d in described for p in d["partitions"]]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None, **options)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: dict[str, list[bytes]] = {t: [] for t in topics}
        remaining = {tp for tp in partitions if ends[tp] > 0}
        while remaining:
            batch = await consumer.getmany(timeout_ms=2000)
            for tp, messages in batch.items():
                records[tp.topic] += [m.value or b"" for m in messages]
                if messages and messages[-1].offset + 1 >= ends[tp]:
                    remaining.discard(tp)
        return records
    finally:
        await consumer.stop()


@pytest.fixture
def stack(kafka, postgres, topic_prefix, tmp_path):
    urls = {name: postgres.new_database(name[:3]) for name in SERVICES}
    # DEBUG: the most a service ever logs (every message consumed, every request), all of it scanned.
    running = start_stack(kafka_bootstrap=kafka.bootstrap, database_urls=urls, topic_prefix=topic_prefix,
                          log_dir=tmp_path, extra_env={"SIPELKOP_LOG_LEVEL": "DEBUG"})
    yield running
    running.stop()


def run_the_year(stack) -> tuple[list[str], list[str], dict[str, bytes], list[str]]:
    """Register, look up, import, enrol, attend, complete, certify; returns NIKs, phones, exports, names."""
    admin = stack.client("training", "admin")
    trainer = stack.client("training", "trainer", subject="pelatih-pd")
    batch = admin.post("/api/v1/batches", json=factories.batch(days=1, trainers=["pelatih-pd"])).json()
    officers = {d: stack.client("registration", "district_officer", d) for d in ("64.02", "64.08")}
    wait_for(lambda: any(b["id"] == batch["id"] for b in officers["64.02"].get("/api/v1/batches").json()),
             message="batch in registration")
    niks, phones, names, people = [], [], [], []
    for n, (district, officer) in enumerate(list(officers.items()) * 2):
        coop = officer.post("/api/v1/cooperatives", json=factories.cooperative(district)).json()
        body = factories.participant(coop["id"], district, phone=PHONES[n].format(n=n))
        made = officer.post("/api/v1/participants", json=body)
        assert made.status_code == 201, made.text
        niks.append(body["nik"]), phones.append(body["phone"]), names.append(body["full_name"])
        people.append(made.json()["id"])
        # Looked up province-wide by NIK (in the body, never a URL), and sent again (the existing person comes back).
        assert officers["64.08"].post("/api/v1/participants/lookup", json={"nik": body["nik"]}).status_code == 200
        assert officer.post("/api/v1/participants", json=body).status_code == 200
        # A form with a mistake, so the NIK also passes through the refusal path.
        assert officer.post("/api/v1/participants", json={**body, "email": "bukan-email"}).status_code == 422
        enrolled = officer.post("/api/v1/enrollments", json={"batch_id": batch["id"], "participant_id": people[-1]})
        assert enrolled.status_code == 201, enrolled.text
    # One more by import, enrolled in the same upload.
    row = factories.participant_row(coop["registration_number"], "64.08", telepon="+6281298765432")
    niks.append(row["nik"]), phones.append(row["telepon"]), names.append(row["nama_lengkap"])
    sheet = ",".join(row) + "\n" + ",".join(str(v) for v in row.values()) + "\n"
    imported = officers["64.08"].post("/api/v1/imports/participants", data={"batch_id": batch["id"]},
                                      files={"file": ("pengurus.csv", sheet.encode(), "text/csv")})
    assert imported.status_code == 200 and imported.json()["created"] == 1, imported.text

    roster = wait_for(lambda: (r := trainer.get(f"/api/v1/batches/{batch['id']}/roster").json()) and len(r) == 5 and r,
                      message="roster of 5")
    day = batch["sessions"][0]["date"]
    marks = [{"participant_id": e["participant_id"], "status": "alpa" if i == 0 else "hadir"}
             for i, e in enumerate(roster)]
    assert trainer.put(f"/api/v1/batches/{batch['id']}/sessions/1/attendance",
                       json={"marks": marks, "recorded_at": f"{day}T09:00:00+08:00"}).status_code == 200
    done = trainer.post(f"/api/v1/batches/{batch['id']}/sessions/1/complete")
    assert done.status_code == 200 and done.json()["completed"] == 4, done.text
    viewer = stack.client("reporting", "viewer")
    wait_for(lambda: viewer.get("/api/v1/reports/summary").json()["participants_completed"] == 4,
             message="reporting has the completions")

    exports = {}
    for name in REPORTS:
        exports[f"{name}.csv"] = viewer.get(f"/api/v1/reports/{name}.csv").content
        exports[f"{name}.xlsx"] = viewer.get(f"/api/v1/reports/{name}.xlsx").content
    exports["export.xlsx"] = viewer.get("/api/v1/reports/export.xlsx").content
    exports["summary.pdf"] = viewer.get("/api/v1/reports/summary.pdf").content
    # Training's papers carry names by design; never a NIK or a phone.
    exports["attendance-sheet.pdf"] = trainer.get(f"/api/v1/batches/{batch['id']}/sessions/1/attendance-sheet.pdf").content
    exports["certificates.zip"] = trainer.get(f"/api/v1/batches/{batch['id']}/certificates.zip").content
    return niks, phones, exports, names + [batch["code"]]


def passwords_in_use(stack) -> list[str]:
    """Accounts made, signed in, their passwords changed, reset and deactivated: every password that passed."""
    import httpx

    admin = stack.client("identity", "admin")
    first, second = "Tenggarong-Kukar-2023", "Sangatta-Kutim-2024"
    made = admin.post("/api/v1/accounts", json={"username": "petugas.pd", "full_name": "Petugas Data",
                                                 "role": "district_officer", "district_code": "64.02",
                                                 "password": first})
    assert made.status_code == 201, made.text
    login = httpx.post(f"{stack['identity'].url}/api/v1/auth/login", json={"username": "petugas.pd", "password": first})
    assert login.status_code == 200, login.text
    wrong = httpx.post(f"{stack['identity'].url}/api/v1/auth/login", json={"username": "petugas.pd",
                                                                           "password": first + "x"})
    assert wrong.status_code == 401
    changed = httpx.post(f"{stack['identity'].url}/api/v1/auth/password", json={
        "current_password": first, "new_password": second},
        headers={"Authorization": f"Bearer {login.json()['access_token']}"})
    assert changed.status_code == 200, changed.text
    reset = admin.post(f"/api/v1/accounts/{made.json()['id']}/reset-password")
    assert reset.status_code == 200, reset.text
    assert admin.post(f"/api/v1/accounts/{made.json()['id']}/deactivate").status_code == 200
    one_time = reset.json().get("one_time_password")
    assert one_time
    return [first, first + "x", second, one_time]


async def test_nik_and_phone_appear_in_no_log_event_report_or_export(stack, kafka, topic_prefix, tmp_path):
    niks, phones, exports, controls = await asyncio.to_thread(run_the_year, stack)
    passwords = await asyncio.to_thread(passwords_in_use, stack)
    found = re.compile("|".join([patterns(niks, phones).pattern, *map(re.escape, passwords), r"\$argon2"]))
    assert found.search(f"peserta {niks[0]} dan {phones[1]}") and found.search(phones[2].replace("+", ""))

    leaks = []
    texts = {}
    for name, content in exports.items():
        assert content, name
        if name.endswith(".pdf"):
            texts[name] = pdf_text(content)
        elif name.endswith((".xlsx", ".zip")):
            texts[name] = archive_text(content)
        else:
            texts[name] = content.decode("utf-8")
    # The scan reads what is really there: the names training prints and the batch code reporting lists.
    assert controls[0] in texts["attendance-sheet.pdf"] and controls[-1] in texts["batches.csv"]
    for name, text in texts.items():
        leaks += [f"export {name}: {m.group(0)}" for m in found.finditer(text)]

    events = await every_event(kafka.bootstrap, topic_prefix, kafka.options("admin"))
    assert len(events) >= 6 and sum(map(len, events.values())) >= 15, {t: len(v) for t, v in events.items()}
    for topic, values in events.items():
        for value in values:
            leaks += [f"event on {topic}: {m.group(0)}" for m in found.finditer(value.decode("utf-8", "replace"))]

    log_bytes = 0
    for name in SERVICES:
        text = (tmp_path / f"{name}.log").read_text(errors="replace")
        log_bytes += len(text)
        leaks += [f"{name}.log: {m.group(0)}" for m in found.finditer(text)]

    print(f"\npersonal data: {len(niks)} NIKs, {len(phones)} phone numbers, {len(passwords)} passwords and argon2 "
          f"hashes searched in {len(exports)} exports, "
          f"{sum(map(len, events.values()))} events on {len(events)} topics, {log_bytes} bytes of logs: "
          f"{len(leaks)} found")
    assert not leaks, "\n".join(leaks[:40])
