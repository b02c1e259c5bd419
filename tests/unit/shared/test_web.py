"""The page kit as a person meets it: Indonesian dates, WITA times and rupiah; errors as pages in the product's
frame for a browser (JSON for API clients); `/` leading each role to its first page; /docs without a CDN."""
from datetime import UTC, date, datetime

import httpx
import pytest

from services.registration.bootstrap import create_registration_app
from services.registration.config import RegistrationSettings
from shared.clock import business_today
from shared.web import format as fmt
from tests.fixtures.tokens import session_cookies

HTML = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def test_dates_times_and_money_read_the_way_offices_write_them():
    assert fmt.tanggal(date(2023, 7, 4)) == "4 Juli 2023"
    assert fmt.hari_tanggal("2023-07-04") == "Selasa, 4 Juli 2023"
    # A stored UTC moment is shown in WITA, zone written; late UTC evening is already the next day there.
    assert fmt.tanggal_jam(datetime(2026, 12, 2, 17, 30, tzinfo=UTC)) == "3 Desember 2026 01.30 WITA"
    assert fmt.jam("2023-07-04T00:00:00Z") == "08.00 WITA"
    assert fmt.rupiah(1_200_000_000) == "Rp 1.200.000.000" and fmt.rupiah(-2500) == "-Rp 2.500"
    assert fmt.angka(1234567) == "1.234.567" and fmt.persen(93.33) == "93,3%"
    assert business_today(datetime(2026, 12, 2, 16, 0, tzinfo=UTC)) == date(2026, 12, 3)
    assert business_today(datetime(2026, 12, 2, 15, 59, tzinfo=UTC)) == date(2026, 12, 2)


@pytest.fixture
async def app(tmp_path):
    settings = RegistrationSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/r.db", kafka_bootstrap="127.0.0.1:9",
                                    identity_url="http://identity.test", training_url="http://pelatihan.test",
                                    registration_url="http://registrasi.test")
    app = create_registration_app(settings, handlers={})

    async def boom():
        raise RuntimeError("secret internal detail")

    app.add_api_route("/meledak", boom)
    async with app.router.lifespan_context(app):
        yield app


def client(app, role: str | None = None, district: str | None = None) -> httpx.AsyncClient:
    cookies = session_cookies(role=role, district=district, name="Rina Marlina")["cookies"] if role else None
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                             base_url="http://registrasi.test", cookies=cookies)


def visible(answer: httpx.Response) -> str:
    import re

    return re.sub(r"<[^>]+>", " ", answer.text)


async def test_a_crash_is_a_page_with_a_reference_for_a_browser_and_json_for_an_api_client(app):
    async with client(app) as c:
        page = await c.get("/meledak", headers=HTML)
        api = await c.get("/meledak", headers={"accept": "application/json"})
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    text = visible(page)
    assert "Terjadi kesalahan pada sistem" in text and "Kode rujukan" in text
    assert page.headers["x-correlation-id"] in text
    assert "secret internal detail" not in text and "Traceback" not in text and '{"error"' not in text
    assert '<link rel="stylesheet" href="/aset/sipelkop.css' in page.text
    assert api.status_code == 500 and api.json()["error"]["code"] == "internal_error"


async def test_missing_pages_expired_sessions_refusals_and_bad_queries_are_pages_that_say_what_to_do(app):
    async with client(app) as anonymous:
        missing = await anonymous.get("/tidak-ada", headers=HTML)
        expired = await anonymous.get("/api/v1/cooperatives", headers=HTML)
    async with client(app, "viewer") as viewer:
        refused = await viewer.get("/koperasi", headers=HTML)
    async with client(app, "district_officer", "64.02") as officer:
        bad = await officer.get("/koperasi?page=abc", headers=HTML)
    assert missing.status_code == 404 and "Halaman tidak ditemukan" in visible(missing)
    assert "Kembali ke beranda" in visible(missing)
    assert expired.status_code == 401 and "Sesi Anda berakhir" in visible(expired)
    assert 'href="http://identity.test/masuk?next=' in expired.text and "Masuk lagi" in visible(expired)
    assert refused.status_code == 403 and "Halaman ini bukan untuk akun Anda" in visible(refused)
    assert "Rina Marlina" in visible(refused) and "Pimpinan / Kementerian" in visible(refused)
    assert bad.status_code == 422 and "Data belum benar" in visible(bad)
    for answer in (missing, expired, refused, bad):
        assert '{"error"' not in answer.text and "viewer" not in visible(answer)


async def test_home_leads_each_person_to_their_first_page(app):
    async with client(app) as anonymous:
        nobody = await anonymous.get("/")
    async with client(app, "district_officer", "64.02") as officer:
        own = await officer.get("/")
    async with client(app, "trainer") as trainer:
        elsewhere = await trainer.get("/")
    assert nobody.status_code == 303
    assert nobody.headers["location"].startswith("http://identity.test/masuk?next=http%3A%2F%2Fregistrasi.test")
    assert own.headers["location"] == "http://registrasi.test/koperasi"
    assert elsewhere.headers["location"] == "http://pelatihan.test/pelatih"


async def test_api_docs_come_from_the_package_not_a_cdn(app, tmp_path):
    async with client(app) as c:
        docs = await c.get("/docs")
        bundle = await c.get("/aset/swagger/swagger-ui-bundle.js")
    assert docs.status_code == 200 and "/aset/swagger/swagger-ui-bundle.js" in docs.text
    assert "cdn." not in docs.text and "https://" not in docs.text.split("<body>")[0]
    assert bundle.status_code == 200 and len(bundle.content) > 100_000
    production = RegistrationSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/p.db", env="production",
                                      kafka_bootstrap="127.0.0.1:9")
    assert not production.api_docs_enabled
    assert RegistrationSettings(database_url="sqlite+aiosqlite://", env="production", api_docs=True).api_docs_enabled
