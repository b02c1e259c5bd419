"""What the whole-story browser test needs besides the pages: the province's clock on the story's own dates
(4–6 July 2023), the people's accounts, the sheets the district offices import, and PDFs read as text and PNG.

The services run under libfaketime (Debian's faketime package) with an offset read from a file the test rewrites,
so "today" in WITA is the story's day for every rule that asks (nomination before the start, day-one
substitution, the trainer's sessions of today, the fiscal year); each browser's clock is moved with it. Kafka,
PostgreSQL and the test process keep the machine's clock."""
from __future__ import annotations

import csv
import glob
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx

from shared.clock import PROVINCE_ZONE
from tests.fixtures import factories
from tests.fixtures.browser import ARTIFACTS
from tests.fixtures.services import ROOT, wait_for

# Debian's libfaketime (the multithreaded variant: the services run threads), under the machine's multiarch dir.
LIBFAKETIME = next(iter(sorted(glob.glob("/usr/lib/*/faketime/libfaketimeMT.so.1"))), None)
PASSWORD = "Pesut-Mahakam-Samarinda-2023"


def wita(text: str) -> datetime:
    """'2023-07-04 08:15' on the hall's clock."""
    return datetime.fromisoformat(text).replace(tzinfo=PROVINCE_ZONE)


class StoryClock:
    """The services' clock: real time plus an offset in a file libfaketime re-reads every second."""

    def __init__(self, path: Path):
        self.path = path
        self.contexts = []  # browser contexts whose clock follows
        self.now: datetime | None = None

    def env(self) -> dict:
        # The monotonic clock moves with it: libfaketime 0.9.10 turns a sleep on the machine's monotonic clock
        # into EINVAL under a negative offset. A move forward fires the timers it passes (a consumer rejoins its
        # group); the story never moves back.
        return {"LD_PRELOAD": LIBFAKETIME, "FAKETIME_TIMESTAMP_FILE": str(self.path), "FAKETIME_CACHE_DURATION": "1",
                "FAKETIME_DONT_FAKE_MONOTONIC": "0"}

    def follow(self, context) -> None:
        context.clock.install(time=self.now)
        self.contexts.append(context)

    def set(self, when: datetime, services=()) -> None:
        """Move to `when` (never back); returns once every service's Date header says so."""
        assert self.now is None or when >= self.now, (self.now, when)
        self.now = when
        offset = round((when - datetime.now(UTC)).total_seconds())
        self.path.write_text(f"{offset:+d}\n")
        for context in self.contexts:
            context.clock.set_system_time(when)

        def arrived(url: str) -> bool:
            said = parsedate_to_datetime(httpx.get(f"{url}/healthz", timeout=5).headers["date"])
            return abs((said - when).total_seconds()) < 120

        for service in services:
            wait_for(lambda: arrived(service.url), timeout=30, message=f"{service.name} on {when:%d %b %Y %H:%M}")


def create_accounts(stack, people: list[dict]) -> dict[str, str]:
    """The accounts identity's admin would have made, each with its own password: {username: account id}."""
    code = ("import asyncio, json, sys\n"
            "from services.identity.entrypoints.cli import create_account_async as create\n"
            "async def main():\n"
            "    for p in json.loads(sys.argv[1]):\n"
            "        made = await create(**p)\n"
            "        print(made.username, made.id)\n"
            "asyncio.run(main())\n")
    body = [{"username": p["username"], "full_name": p["name"], "role": p["role"],
             "district_code": p.get("district"), "password": PASSWORD, "must_change_password": False}
            for p in people]
    made = subprocess.run([sys.executable, "-c", code, json.dumps(body)], env=stack["identity"].env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stdout + made.stderr
    return dict(line.split() for line in made.stdout.strip().splitlines()[-len(people):])


def sheet(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def district_sheets(district: str, managers: list[str], per_cooperative: int = 3) -> tuple[bytes, bytes]:
    """A district office's two import files: its cooperatives, and its managers (three to a cooperative)."""
    cooperatives, people = [], []
    for i, name in enumerate(managers):
        if i % per_cooperative == 0:
            cooperatives.append(factories.cooperative_row(district, nama_koperasi=(
                f"Koperasi {('Produsen', 'Serba Usaha', 'Konsumen', 'Jasa')[len(cooperatives) % 4]} "
                f"{('Sejahtera', 'Mandiri', 'Makmur', 'Bersama')[len(cooperatives) % 4]} {district[-2:]}"
                f"{len(cooperatives) + 1}")))
        people.append(factories.participant_row(cooperatives[-1]["nomor_induk_koperasi"], district,
                                                nama_lengkap=name, jabatan=("ketua", "sekretaris", "bendahara")[i % 3]))
    return sheet(cooperatives), sheet(people)


def keep_pdf(content: bytes, name: str) -> tuple[str, Path]:
    """The PDF kept beside the screenshots, its text as pdftotext reads it, and its first pages as PNG."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = Path(ARTIFACTS).resolve() / f"{name}.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-l", "2", str(path), str(path.with_suffix(""))], check=True)
    return text, path
