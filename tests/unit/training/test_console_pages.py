"""The UPTD console without JavaScript, as a training staffer uses it: plan the programme, schedule a batch,
build its agenda with a narasumber, record the signing official; refusals come back as the form with the field
marked in Bahasa and nothing written. (The whole cycle in Chromium is tests/e2e/training/test_console.py.)"""
import re

import httpx
import pytest

from services.training.bootstrap import create_training_app
from services.training.config import TrainingSettings
from tests.fixtures.tokens import session_cookies

NIP = "197003151995031002"  # born 15 March 1970, appointed March 1995, male


@pytest.fixture
async def console(tmp_path):
    settings = TrainingSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/t.db", kafka_bootstrap="127.0.0.1:9",
                                identity_url="http://identity.test")
    app = create_training_app(settings, handlers={})
    made = session_cookies(role="training_staff", name="Muhammad Ridwan")
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://pelatihan.test",
                                     cookies=made["cookies"], headers={"accept": "text/html"}) as c:
            c.csrf = made["csrf"]
            yield c


def text(answer) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.text))


async def post(c, path, **form):
    return await c.post(path, data={"csrf": c.csrf, **form})


async def test_a_staffer_plans_the_year_schedules_a_batch_and_builds_its_agenda(console):
    c = console
    planned = await post(c, "/konsol/program/baru", name="Peningkatan Kapasitas SDM Koperasi", fiscal_year="2023",
                         funding_source="DAK", allocation="1200000000", target_cooperatives="600",
                         **{"target_kab_64.02": "120"})
    assert planned.status_code == 303, text(planned)
    year = await c.get("/konsol?tahun=2023")
    assert "Rp 1.200.000.000" in text(year) and "600 koperasi" in text(year)
    assert "Kabupaten Kutai Kartanegara 120" in text(year)

    official = await post(c, "/konsol/pejabat", name="Dr. H. Muhammad Zaini, S.E., M.Si.", nip=NIP,
                          position="Kepala UPTD Pelatihan Koperasi dan UKM", active_from="2023-01-01")
    assert official.status_code == 303, text(official)
    trainer = await post(c, "/konsol/narasumber/baru", name="Dr. Andi Pratama, M.M.", institution="Universitas Mulawarman",
                         nik="6472011503700001", rate_per_jp="900000")
    assert trainer.status_code == 303, text(trainer)

    form = await c.get("/konsol/angkatan/baru")
    official_id = re.search(r'<option value="([0-9a-f-]{36})">Dr\. H\. Muhammad Zaini', form.text).group(1)
    programme_id = re.search(r'<option value="([0-9a-f-]{36})">2023', form.text).group(1)
    batch = {"code": "DIG-2023-01", "title": "Digitalisasi Usaha Koperasi", "programme_id": programme_id,
             "venue": "Samarinda", "start_date": "2023-07-04", "end_date": "2023-07-06", "capacity": "30",
             "planned_budget": "60000000", "completion_min_percent": "90", "signing_official_id": official_id,
             "eligible_districts": ["64.02", "64.08", "64.09"], "kuota_64.02": "12"}
    scheduled = await c.post("/konsol/angkatan/baru", data={"csrf": c.csrf, **batch})
    assert scheduled.status_code == 303, text(scheduled)
    page_path = scheduled.headers["location"].split("?")[0]
    page = await c.get(page_path)
    assert "4 Juli 2023 – 6 Juli 2023" in text(page) and "Dr. H. Muhammad Zaini" in text(page)
    assert "NIP " + NIP in text(page) and "kuota 12" in text(page)
    assert "Jadwal ini masih bawaan" in text(page)
    # Substitutions belong to registration's batch page: the console leads there.
    assert f'href="http://127.0.0.1:8001/angkatan/{page_path.rsplit("/", 1)[1]}"' in page.text

    trainer_id = re.search(r'<option value="([0-9a-f-]{36})">Dr\. Andi Pratama', page.text).group(1)
    added = await post(c, f"{page_path}/sesi", date="2023-07-04", start_time="08:00", end_time="11:00",
                       topic="Literasi digital koperasi", trainer_id=trainer_id)
    assert added.status_code == 303 and added.headers["location"].endswith("%284%20JP%29.#jadwal"), added.headers
    # The same narasumber at an overlapping hour, and a session outside the batch's dates: refused beside the
    # field, nothing written.
    clash = await post(c, f"{page_path}/sesi", date="2023-07-04", start_time="10:00", end_time="12:00",
                       topic="Pemasaran daring", trainer_id=trainer_id)
    outside = await post(c, f"{page_path}/sesi", date="2023-07-09", start_time="08:00", end_time="09:00",
                         topic="Penutupan")
    assert clash.status_code in (409, 422) and "Pemasaran daring" in clash.text
    assert outside.status_code == 422
    page = await c.get(page_path)
    assert "Literasi digital koperasi" in text(page) and "Pemasaran daring" not in text(page)
    assert "Jadwal ini masih bawaan" not in text(page) and "jadwal 4 JP" in text(page)


async def test_bad_input_is_marked_beside_its_field_in_bahasa_and_kept(console):
    c = console
    bad = await post(c, "/konsol/pejabat", name="Kepala", nip="12345", position="Kepala UPTD", active_from="2023-01-01")
    assert bad.status_code == 422
    assert 'id="nip-error"' in bad.text and 'value="Kepala"' in bad.text
    batch = await c.post("/konsol/angkatan/baru", data={
        "csrf": c.csrf, "code": "X-1", "title": "Pelatihan", "venue": "Balikpapan", "start_date": "2023-07-06",
        "end_date": "2023-07-04", "capacity": "30", "eligible_districts": ["64.02"]})
    assert batch.status_code == 422 and "Tanggal selesai sebelum tanggal mulai" in text(batch)
    assert 'value="Balikpapan"' in batch.text
    year = await c.get("/konsol?tahun=2023")
    assert "Belum ada angkatan" in text(year)


async def test_the_console_is_not_for_district_officers_and_needs_the_form_token(console):
    c = console
    officer = session_cookies(role="district_officer", district="64.02", name="Rina Marlina")["cookies"]
    refused = await c.get("/konsol", cookies=officer)
    assert refused.status_code == 403 and "Konsol pelatihan hanya untuk staf pelatihan" in text(refused)
    forged = await c.post("/konsol/pejabat", data={"csrf": "salah", "name": "X"})
    assert forged.status_code == 403


async def test_the_closing_form_lists_the_configured_components(tmp_path):
    from pydantic import ValidationError

    settings = TrainingSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/t.db", kafka_bootstrap="127.0.0.1:9",
                                identity_url="http://identity.test",
                                budget_components="honor_narasumber=Honor narasumber; sewa_bus=Sewa bus peserta")
    assert [c.code for c in settings.components] == ["honor_narasumber", "sewa_bus", "lainnya"]
    with pytest.raises(ValidationError):
        TrainingSettings(database_url="sqlite+aiosqlite://", budget_components="sewa bus")
    app = create_training_app(settings, handlers={})
    made = session_cookies(role="training_staff", name="Muhammad Ridwan")
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://pelatihan.test",
                                     cookies=made["cookies"], headers={"accept": "text/html"}) as c:
            scheduled = await c.post("/konsol/angkatan/baru", data={
                "csrf": made["csrf"], "code": "DIG-2023-09", "title": "Digitalisasi Usaha Koperasi",
                "venue": "Samarinda", "start_date": "2027-07-04", "end_date": "2027-07-06", "capacity": "30",
                "eligible_districts": ["64.02"]})
            assert scheduled.status_code == 303, text(scheduled)
            page = await c.get(scheduled.headers["location"].split("?")[0])
    assert "Sewa bus peserta" in text(page) and "Konsumsi" not in text(page)
