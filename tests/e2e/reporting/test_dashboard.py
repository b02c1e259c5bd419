"""The ministry's dashboard in a real headless Chromium: progress, districts, sectors, absorption, batches."""
import asyncio
import threading
import time

import re

import httpx
import pytest
import uvicorn

from services.reporting.bootstrap import create_reporting_app
from services.reporting.config import ReportingSettings
from services.reporting.synthetic import EventLog, programme, seed_batch
from tests.fixtures.tokens import TEST_ISSUER, sign_in_browser
from tests.fixtures.browser import screenshot
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


def test_a_viewer_signs_in_and_reads_the_dashboard(served, page):
    url, settings = served
    unsigned = httpx.get(f"{url}/dasbor?fiscal_year=2023", follow_redirects=False)  # no session: to /masuk
    assert unsigned.status_code == 303 and unsigned.headers["location"].startswith(f"{TEST_ISSUER}/masuk?next=")
    sign_in_browser(page.context, url, role="viewer", name="Dewi Kementerian")
    page.goto(f"{url}/dasbor?fiscal_year=2023")
    page.wait_for_selector("#cooperatives-trained")
    assert page.inner_text("#cooperatives-trained") == "35"  # 28 + 7 cooperatives with a completer
    assert page.inner_text("#participants-enrolled") == "40"
    assert page.inner_text("#budget-realised") == "Rp 86.000.000"
    assert "35 / 600 koperasi" in page.inner_text("section[aria-labelledby=progress]")
    kukar = page.locator("tr[data-district='64.02'] td")
    assert kukar.all_inner_texts()[:5] == ["Kabupaten Kutai Kartanegara", "12", "10", "5", "10"]
    assert page.locator("svg").count() == 5  # progress, districts, sectors, absorption, batches
    assert "DIG-2023-02" in page.inner_text("section[aria-labelledby=by-batch]")
    screenshot(page, "reporting-dashboard")
    # Small enough for a slow connection: one HTML document, no script, no external request.
    html = httpx.get(f"{url}/dasbor?fiscal_year=2023", cookies=page.context.cookies()[0] and
                     {c["name"]: c["value"] for c in page.context.cookies()})
    body = html.text.split("<body>")[1]
    assert html.status_code == 200 and "<script" not in html.text
    assert not re.search(r'(src|href)="https?://', body)  # nothing fetched from elsewhere (sign-out posts to identity)
    print(f"dashboard HTML: {len(html.content)} bytes")


def test_a_role_outside_the_readers_gets_a_readable_refusal_page(served, page):
    url, settings = served
    sign_in_browser(page.context, url, role="reconciler", name="Akun Rekonsiliasi")
    response = page.goto(f"{url}/dasbor")
    assert response.status == 403 and "tidak boleh melihat dasbor" in page.inner_text("[role=alert]")
    assert "{" not in page.inner_text("main")  # a page, not JSON
