"""Demo data through the public HTTP APIs: the "Digitalisasi Usaha Koperasi" batch with 30 managers from 3 regencies."""
from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta

import httpx

from shared.auth import issue_token
from shared.settings import ServiceSettings

URLS = {"registration": "http://127.0.0.1:8001", "training": "http://127.0.0.1:8002",
        "reporting": "http://127.0.0.1:8003"}
DISTRICTS = {"64.02": "Kutai Kartanegara", "64.08": "Kutai Timur", "64.09": "Penajam Paser Utara"}
SECTORS = ["pertanian", "perikanan", "perkebunan", "peternakan", "kerajinan", "simpan pinjam"]
FIRST = ["Siti", "Ahmad", "Rina", "Budi", "Dewi", "Agus", "Nur", "Hendra", "Wati", "Rudi"]
LAST = ["Rahmawati", "Saputra", "Lestari", "Hidayat", "Pratiwi", "Santoso", "Aisyah", "Gunawan", "Yuliani", "Hakim"]


def _client(service: str, secret: str, role: str, district: str | None = None) -> httpx.Client:
    token = issue_token(secret, subject=f"demo-{role}", role=role, district=district)
    return httpx.Client(base_url=URLS[service], headers={"Authorization": f"Bearer {token}"}, timeout=30)


def wait_until_up(timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    for url in URLS.values():
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{url} tidak menjawab")
            time.sleep(0.5)


def load(secret: str) -> None:
    start = date.today() + timedelta(days=7)
    admin = _client("training", secret, "admin")
    batch = admin.post("/api/v1/batches", json={
        "code": f"DIG-{start.year}-DEMO", "title": "Digitalisasi Usaha Koperasi", "venue": "Samarinda",
        "start_date": start.isoformat(), "end_date": (start + timedelta(days=2)).isoformat(), "capacity": 30,
        "eligible_districts": list(DISTRICTS), "planned_budget": 60_000_000, "trainers": ["demo-trainer"]})
    if batch.status_code == 409:
        print("Data demo sudah ada.")
        return
    batch.raise_for_status()
    batch_id = batch.json()["id"]
    print(f"Angkatan {batch.json()['code']} dijadwalkan ({start:%d-%m-%Y}, Samarinda)")
    officers = {code: _client("registration", secret, "district_officer", code) for code in DISTRICTS}
    _wait_for_batch(officers["64.02"], batch_id)
    n = 0
    for code, officer in officers.items():
        for i in range(10):
            n += 1
            coop = officer.post("/api/v1/cooperatives", json={
                "name": f"Koperasi {LAST[i]} {DISTRICTS[code].split()[-1]} {i + 1}",
                "registration_number": f"{code.replace('.', '')}{start.year}{n:04d}", "district_code": code,
                "kind": "produsen", "sector": SECTORS[n % len(SECTORS)], "members_male": 20 + i,
                "members_female": 18 + i})
            coop.raise_for_status()
            day = 10 + i + (40 if n % 2 else 0)
            person = officer.post("/api/v1/participants", json={
                "nik": f"{code.replace('.', '')}01{day:02d}0385{n:04d}", "full_name": f"{FIRST[i]} {LAST[(i + n) % 10]}",
                "position": "ketua", "phone": f"0812-5{n:03d}-{1000 + n}", "cooperative_id": coop.json()["id"]})
            person.raise_for_status()
            officer.post("/api/v1/enrollments", json={"batch_id": batch_id,
                                                      "participant_id": person.json()["id"]}).raise_for_status()
    print(f"{n} pengurus koperasi dari {', '.join(DISTRICTS.values())} terdaftar di angkatan ini.")


def _wait_for_batch(officer: httpx.Client, batch_id: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(b["id"] == batch_id for b in officer.get("/api/v1/batches").json()):
            return
        time.sleep(0.5)
    raise SystemExit("angkatan belum sampai ke layanan registrasi (Kafka?)")


def print_tokens(secret: str) -> None:
    print("Token untuk mencoba (berlaku 12 jam):")
    for role, district in (("admin", None), ("district_officer", "64.02"), ("trainer", None), ("viewer", None)):
        subject = "demo-trainer" if role == "trainer" else f"demo-{role}"
        token = issue_token(secret, subject=subject, role=role, district=district)
        print(f"  {role}{' ' + district if district else ''}: {token}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="load the SIPELKOP demo data through the HTTP APIs")
    parser.add_argument("--wait", action="store_true", help="wait for the services to answer first")
    args = parser.parse_args(argv)
    secret = ServiceSettings().secret_key
    if args.wait:
        wait_until_up()
    load(secret)
    print_tokens(secret)
    return 0


if __name__ == "__main__":
    sys.exit(main())
