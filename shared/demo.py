"""Demo data through the public HTTP APIs: the "Digitalisasi Usaha Koperasi" batch with 30 managers from 3 regencies."""
from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta

import httpx

from shared.dev_tokens import dev_token

URLS = {"identity": "http://127.0.0.1:8004", "registration": "http://127.0.0.1:8001",
        "training": "http://127.0.0.1:8002", "reporting": "http://127.0.0.1:8003"}
# The demo's people: (username, full name, role, district). Their passwords are made up once and printed once.
ACCOUNTS = [("admin.uptd", "Hj. Noor Aisyah, S.E.", "admin", None),
            ("staf.pelatihan", "Rahmat Hidayat, S.Kom.", "training_staff", None),
            ("dinas.kukar", "Rina Marlina, S.E.", "district_officer", "64.02"),
            ("dinas.kutim", "Andi Saputra, S.Sos.", "district_officer", "64.08"),
            ("dinas.ppu", "Yuliani Pratiwi, S.E.", "district_officer", "64.09"),
            ("pelatih.budi", "Dr. Budi Santoso, M.M.", "trainer", None),
            ("kementerian", "Dewi Kartika, M.Si.", "viewer", None)]
DISTRICTS = {"64.02": "Kutai Kartanegara", "64.08": "Kutai Timur", "64.09": "Penajam Paser Utara"}
SECTORS = ["pertanian", "perikanan", "perkebunan", "peternakan", "kerajinan", "simpan pinjam"]
FIRST = ["Siti", "Ahmad", "Rina", "Budi", "Dewi", "Agus", "Nur", "Hendra", "Wati", "Rudi"]
LAST = ["Rahmawati", "Saputra", "Lestari", "Hidayat", "Pratiwi", "Santoso", "Aisyah", "Gunawan", "Yuliani", "Hakim"]


def _client(service: str, role: str, district: str | None = None, subject: str | None = None) -> httpx.Client:
    # The loader signs with identity's local key (development only), as the demo's people would be.
    token = dev_token(role=role, subject=subject or f"demo-{role}", name="Pemuat data demo", district=district)
    return httpx.Client(base_url=URLS[service], headers={"Authorization": f"Bearer {token}"}, timeout=30)


def create_accounts() -> dict[str, str]:
    """The demo's accounts at identity; returns {username: password} of those created now."""
    import secrets

    admin = _client("identity", "admin")
    created = {}
    for username, full_name, role, district in ACCOUNTS:
        password = f"Demo-{secrets.token_urlsafe(9)}"
        body = {"username": username, "full_name": full_name, "role": role, "password": password}
        if district:
            body["district_code"] = district
        answer = admin.post("/api/v1/accounts", json=body)
        if answer.status_code == 201:
            created[username] = password
        elif answer.status_code not in (409, 422):
            answer.raise_for_status()
    return created


def trainer_account_id() -> str | None:
    found = _client("identity", "admin").get("/api/v1/accounts", params={"role": "trainer"})
    if found.status_code != 200:
        return None
    body = found.json()
    items = body.get("items", body) if isinstance(body, dict) else body
    return next((a["id"] for a in items if a.get("username") == "pelatih.budi"), None)


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


def load() -> None:
    start = date.today() + timedelta(days=7)
    admin = _client("training", "admin")
    trainer = trainer_account_id() or "demo-trainer"
    batch = admin.post("/api/v1/batches", json={
        "code": f"DIG-{start.year}-DEMO", "title": "Digitalisasi Usaha Koperasi", "venue": "Samarinda",
        "start_date": start.isoformat(), "end_date": (start + timedelta(days=2)).isoformat(), "capacity": 30,
        "eligible_districts": list(DISTRICTS), "planned_budget": 60_000_000, "trainers": [trainer]})
    if batch.status_code == 409:
        print("Data demo sudah ada.")
        return
    batch.raise_for_status()
    batch_id = batch.json()["id"]
    print(f"Angkatan {batch.json()['code']} dijadwalkan ({start:%d-%m-%Y}, Samarinda)")
    officers = {code: _client("registration", "district_officer", code) for code in DISTRICTS}
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


def print_accounts(created: dict[str, str]) -> None:
    if not created:
        print("Akun demo sudah ada (kata sandinya dicetak saat pertama kali dibuat).")
        return
    print(f"Akun demo (kata sandi ditampilkan sekali ini saja; masuk di {URLS['identity']}/masuk):")
    for username, full_name, role, district in ACCOUNTS:
        if username in created:
            where = f" {district}" if district else ""
            print(f"  {username:<16} {created[username]:<20} {role}{where} ({full_name})")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="load the SIPELKOP demo data through the HTTP APIs")
    parser.add_argument("--wait", action="store_true", help="wait for the services to answer first")
    args = parser.parse_args(argv)
    if args.wait:
        wait_until_up()
    created = create_accounts()
    load()
    print_accounts(created)
    return 0


if __name__ == "__main__":
    sys.exit(main())
