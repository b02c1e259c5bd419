"""The ministry's dashboard in a real headless Chromium: progress, districts, sectors, absorption, batches, in the
shared frame, with Indonesian numbers, rupiah and WITA times, at 1366×768 and on a 390×844 phone."""
import asyncio
import threading
import time

import re

import httpx
import pytest
import uvicorn

from services.reporting.bootstrap import create_reporting_app
from services.reporting.config import ReportingSettings
from bench.synthetic import EventLog, programme, seed_batch
from tests.fixtures.tokens import TEST_ISSUER, sign_in_browser
from tests.fixtures.browser import LAPTOP, LAYOUT_PROBLEMS, MONTHS, PHONE, screenshot
from tests.fixtures.infra import free_port


@pytest.fixture
def served(tmp_path):
    """Reporting on an SQLite file loaded with the seed scenario (fed before serving), served by uvicorn."""
    settings = ReportingSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/reporting.db",
                                 kafka_bootstrap="127.0.0.1:1")

    async def load():
        app = create_reporting_app(settings, background=False)
        async with app.router.lifespan_context(app):
            log = EventLog()
            pid = programme(log)
            seed_batch(log, programme_id=pid)
            seed_batch(log, programme_id=pid, code="DIG-2023-02", districts={"64.72": 6, "64.71": 4},
                       absent_last_day=3, realised_cost=30_000_000)
            await app.state.runtime.consumer.handle_records(log.records)

    # Playwright's sync API keeps an event loop on this thread: load on a thread of its own.
    loader = threading.Thread(target=lambda: asyncio.run(load()))
    loader.start()
    loader.join(60)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_reporting_app(settings, background=False), port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", settings
    server.should_exit = True
    thread.join(10)


def what_a_person_sees(page) -> str:
    text = page.inner_text("body")
    assert "UTC" not in text
    assert not re.search(r"\b(district_officer|training_staff|viewer|trainer|reconciler)\b", text)
    assert not re.search(r"[{\[]['\"]|\bNone\b|UUID\(|datetime\.", text)  # no JSON or Python values
    return text


def look(page, name: str) -> None:
    """The page as it is now, at its size: it fits, and a screenshot is kept for a person to look at."""
    assert page.evaluate(LAYOUT_PROBLEMS) == [], name
    what_a_person_sees(page)
    screenshot(page, name)


def test_a_viewer_signs_in_and_reads_the_dashboard(served, browser):
    url, settings = served
    unsigned = httpx.get(f"{url}/dasbor?fiscal_year=2023", follow_redirects=False)  # no session: to /masuk
    assert unsigned.status_code == 303 and unsigned.headers["location"].startswith(f"{TEST_ISSUER}/masuk?next=")
    context = browser.new_context(**LAPTOP)
    page = context.new_page()
    sign_in_browser(context, url, role="viewer", name="Dewi Kementerian")
    page.goto(f"{url}/dasbor?fiscal_year=2023")
    page.wait_for_selector("#cooperatives-trained")
    header = page.inner_text("header")
    assert "Dewi Kementerian" in header and "Pimpinan / Kementerian" in header
    assert page.locator("link[href^='/aset/sipelkop.css']").count() == 1  # the stylesheet every service shares
    assert page.locator("nav.menu a[aria-current=page]").inner_text() == "Dasbor"
    assert page.inner_text("#cooperatives-trained") == "35"  # 28 + 7 cooperatives with a completer
    assert page.inner_text("#participants-enrolled") == "40"
    assert page.inner_text("#budget-realised") == "Rp 86.000.000"
    assert "35 dari 600 koperasi" in page.inner_text("section[aria-labelledby=progress]")
    assert re.fullmatch(rf"\d{{1,2}} ({MONTHS}) \d{{4}} \d{{2}}\.\d{{2}} WITA", page.inner_text("#data-as-of"))
    kukar = page.locator("section[aria-labelledby=district-table] tr[data-district='64.02'] td")
    assert kukar.all_inner_texts()[:5] == ["Kabupaten Kutai Kartanegara", "12", "10", "5", "10"]
    for chart in ("by-district", "by-sector", "by-batch", "by-component"):
        assert page.locator(f"section[aria-labelledby={chart}] .bars").count() == 1, chart
    assert page.locator(".line-chart svg").count() == 1
    assert page.locator("section[aria-labelledby=by-district] .bars li").count() == 10
    assert "DIG-2023-02" in page.inner_text("section[aria-labelledby=by-batch]")
    absorption = page.inner_text("section[aria-labelledby=absorption]")
    assert re.search(r"Rp \d{1,3}(\.\d{3})+", absorption) and "Rp 86.000.000" in absorption
    look(page, "reporting-dashboard-1366")

    phone = browser.new_context(**PHONE)
    sign_in_browser(phone, url, role="viewer", name="Dewi Kementerian")
    small = phone.new_page()
    small.goto(f"{url}/dasbor?fiscal_year=2023")
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    look(small, "reporting-dashboard-390")
    phone.close()

    # Small enough for a slow connection: one HTML document, no script, no external request.
    html = httpx.get(f"{url}/dasbor?fiscal_year=2023", headers={"Accept": "text/html"},
                     cookies={c["name"]: c["value"] for c in context.cookies()})
    assert html.status_code == 200 and "<script" not in html.text
    # Nothing fetched from elsewhere (links to the other services and the sign-out form are not fetched).
    assert not re.search(r'src="https?://|<link[^>]+href="https?://', html.text)
    css = httpx.get(f"{url}/aset/sipelkop.css")
    assert len(html.content) + len(css.content) < 100_000
    print(f"dashboard HTML: {len(html.content)} bytes, stylesheet {len(css.content)} bytes")
    context.close()


def test_a_role_outside_the_readers_gets_a_readable_refusal_page(served, page):
    url, settings = served
    sign_in_browser(page.context, url, role="reconciler", name="Akun Rekonsiliasi")
    response = page.goto(f"{url}/dasbor")
    assert response.status == 403 and "Dasbor hanya untuk pimpinan" in page.inner_text("[role=alert]")
    assert "bukan untuk akun Anda" in page.inner_text("h1")  # the kit's 403 page, in the same frame
    assert page.locator("header .who").count() == 1
    assert "{" not in page.inner_text("main") and "Bearer" not in page.inner_text("body")
    what_a_person_sees(page)
    screenshot(page, "reporting-dashboard-refused")


def test_an_api_client_keeps_the_json_refusal(served):
    url, _ = served
    refused = httpx.get(f"{url}/dasbor", headers={"Authorization": "Bearer nonsense", "Accept": "application/json"})
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"


def test_a_year_without_data_reads_as_such_on_a_phone(served, browser):
    url, _ = served
    phone = browser.new_context(**PHONE)
    sign_in_browser(phone, url, role="viewer", name="Dewi Kementerian")
    page = phone.new_page()
    page.goto(f"{url}/dasbor?fiscal_year=2030")
    assert page.inner_text("#cooperatives-trained") == "0"
    assert "Belum ada angkatan yang ditutup" in page.inner_text("section[aria-labelledby=absorption]")
    look(page, "reporting-dashboard-empty-390")
    phone.close()


def test_a_mistyped_year_is_refused_in_words(served, page):
    url, _ = served
    sign_in_browser(page.context, url, role="viewer", name="Dewi Kementerian")
    response = page.goto(f"{url}/dasbor?fiscal_year=abc")
    assert response.status == 422
    text = what_a_person_sees(page)
    assert "Tahun anggaran “abc” tidak dikenal" in text and "antara 2000 dan 2100" in text
    assert "fiscal_year" not in text
    screenshot(page, "reporting-dashboard-422")
