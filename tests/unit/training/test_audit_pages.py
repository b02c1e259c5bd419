"""Training's audit trail as an admin reads it, in process (no browser): a staffer's changes made through the API
and the console are on /konsol/audit with the staffer's name, in words, in WITA, newest first; training staff are
refused the page, and the API answers only an admin."""
import html
import re

import httpx
import pytest

from services.training.bootstrap import create_training_app
from services.training.config import TrainingSettings
from tests.fixtures import factories
from tests.fixtures.tokens import session_cookies, test_token

NIK, NEW_NIK, ACCOUNT = "6472011503700001", "6472011503700002", "0012345678"
STAFFER = "Muhammad Ridwan"


@pytest.fixture
async def app(tmp_path):
    settings = TrainingSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/t.db", kafka_bootstrap="127.0.0.1:9",
                                identity_url="http://identity.test")
    app = create_training_app(settings, handlers={})
    async with app.router.lifespan_context(app):
        yield app


def client(app, **kwargs) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://pelatihan.test", **kwargs)


def browser(app, role: str, name: str) -> httpx.AsyncClient:
    made = session_cookies(role=role, name=name)
    c = client(app, cookies=made["cookies"], headers={"accept": "text/html"})
    c.csrf = made["csrf"]
    return c


def text(answer) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.text)))


async def test_a_staffers_changes_are_on_the_admins_audit_page_in_words(app):
    api = client(app, headers={"Authorization": "Bearer " + test_token(role="training_staff", name=STAFFER)})
    staff, admin = browser(app, "training_staff", STAFFER), browser(app, "admin", "Andi Admin")
    programme = (await api.post("/api/v1/programmes", json=factories.programme(fiscal_year=2023))).json()
    trainer = (await api.post("/api/v1/trainers", json={"name": "Dr. Andi Pratama, M.M.", "nik": NIK,
                                                        "rate_per_jp": 900_000})).json()
    body = factories.batch(programme_id=programme["id"], start_date="2023-07-04", end_date="2023-07-06")
    batch = (await api.post("/api/v1/batches", json=body)).json()
    assert (await api.patch(f"/api/v1/batches/{batch['id']}", json={"capacity": 32})).status_code == 200
    added = await staff.post(f"/konsol/angkatan/{batch['id']}/sesi", data={
        "csrf": staff.csrf, "date": "2023-07-05", "start_time": "10:00", "end_time": "13:00",
        "topic": "Pemasaran daring", "trainer_id": trainer["id"]})
    assert added.status_code == 303, text(added)
    changed = await api.patch(f"/api/v1/trainers/{trainer['id']}", json={"nik": NEW_NIK, "bank_account": ACCOUNT})
    assert changed.status_code == 200, changed.text

    page = await admin.get("/konsol/audit")
    assert page.status_code == 200, text(page)
    words = text(page)
    code = body["code"]
    lines = ["mengubah data narasumber Dr. Andi Pratama, M.M.: NIK diubah; nomor rekening diubah",
             f"menambah sesi 1 'Pemasaran daring' (4 JP) di angkatan {code}, 5 Juli 2023 pukul 10.00–13.00 WITA; "
             "jadwal bawaan satu sesi per hari diganti",
             f"mengubah kapasitas angkatan {code} dari 30 menjadi 32",
             f"menjadwalkan angkatan {code} 'Digitalisasi Usaha Koperasi', 4 Juli 2023 – 6 Juli 2023",
             "mendaftarkan narasumber Dr. Andi Pratama, M.M.",
             f"merencanakan program {programme['name']} tahun anggaran 2023"]
    positions = [words.find(line) for line in lines]
    assert -1 not in positions and positions == sorted(positions), (positions, words)  # newest first
    assert words.count(f"{STAFFER} Staf Pelatihan UPTD") == len(lines)
    assert "WITA" in words and "6 perubahan" in words
    for secret in (NIK, NEW_NIK, ACCOUNT, trainer["id"], batch["id"]):
        assert secret not in page.text
    assert 'href="http://' in page.text and "Audit Pelatihan" in words and "Audit Pendaftaran" in words

    refused = await staff.get("/konsol/audit")
    assert refused.status_code == 403 and "Halaman ini hanya untuk admin provinsi." in text(refused)
    assert "Audit Pelatihan" not in text(await staff.get("/konsol"))

    read = await client(app, headers={"Authorization": "Bearer " + test_token(role="admin")}).get(
        "/api/v1/audit", params={"entity": "batch", "entity_id": batch["id"]})
    assert read.status_code == 200, read.text
    items = read.json()["items"]
    assert [(i["action"], i["actor_name"]) for i in items] == [("updated", STAFFER), ("created", STAFFER)]
    assert items[0]["changes"] == {"capacity": [30, 32]}
    assert (await api.get("/api/v1/audit")).status_code == 403
