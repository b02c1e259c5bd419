"""The trainers' pages in a real headless Chromium on a phone-sized screen: sign in, today's session, the roster
as a checklist (Hadir by default), a mark made while the connection is down kept and sent later, corrections,
closing sessions, completion and certificates, and the public verification page; each page in the shared frame,
fitting a 390×844 phone and a 1366×768 laptop, with dates in Indonesian and times in WITA."""
import re
from datetime import timedelta

import httpx
import pytest
from playwright.sync_api import expect

from tests.fixtures.tokens import TEST_ISSUER, sign_in_browser
from tests.e2e.training.conftest import enrol_through_registration, roster_of
from tests.fixtures import factories
from tests.fixtures.browser import LAYOUT_PROBLEMS, MONTHS, PHONE, screenshot
from services.training.config import DEV_CERTIFICATE_KEY
from services.training.domain.certificates import verification_code
from shared.web.format import business_today


def look(page, name: str) -> str:
    """The page fits a phone and a laptop, shows no UTC, role code or raw value; screenshots at both sizes."""
    text = page.inner_text("body")
    assert "UTC" not in text and not re.search(r"\b(trainer|training_staff|district_officer|viewer)\b", text)
    assert not re.search(r"[{\[]['\"]|\bNone\b|UUID\(|datetime\.", text)  # no JSON or Python values
    assert page.locator("link[href^='/aset/sipelkop.css']").count() == 1  # the stylesheet every service shares
    loaded = page.evaluate("""() => [...performance.getEntriesByType("navigation"),
        ...performance.getEntriesByType("resource")].reduce((sum, entry) => sum + (entry.decodedBodySize || 0), 0)""")
    assert loaded < 100_000, f"{name}: {loaded} bytes on first load"  # light enough for a hall's slow line
    size = page.viewport_size
    assert page.evaluate(LAYOUT_PROBLEMS) == [], f"{name} at {size['width']} px"
    screenshot(page, f"{name}-{size['width']}")
    page.set_viewport_size({"width": 1366, "height": 768})
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot(page, f"{name}-1366")
    page.set_viewport_size(size)
    return text


@pytest.fixture
def running_today(training_stack):
    """A batch of five enrolled while it lay ahead, then moved by the admin to start today (two days)."""
    admin = training_stack.client("training", "admin")
    batch = admin.post("/api/v1/batches", json=factories.batch(start_in_days=20, days=2, capacity=10,
                                                               trainers=["pelatih-2"])).json()
    enrol_through_registration(training_stack, batch, 5, per_cooperative=5)
    today = business_today()  # the hall's date (WITA), as the trainer page uses: after 16:00 UTC already tomorrow
    moved = admin.patch(f"/api/v1/batches/{batch['id']}", json={
        "start_date": today.isoformat(), "end_date": (today + timedelta(days=1)).isoformat()})
    assert moved.status_code == 200, moved.text
    admin.patch(f"/api/v1/batches/{batch['id']}/sessions/1", json={"topic": "Literasi digital koperasi"})
    trainer = training_stack.client("training", "trainer", subject="pelatih-2")
    return moved.json(), roster_of(trainer, batch["id"], 5), trainer


def test_a_trainer_marks_a_session_on_a_phone_even_when_the_connection_drops(browser, training_stack, running_today):
    batch, roster, api = running_today
    base = training_stack["training"].url
    context = browser.new_context(**PHONE)
    page = context.new_page()

    unsigned = httpx.get(f"{base}/pelatih", follow_redirects=False)  # no session: sent to identity's /masuk
    assert unsigned.status_code == 303 and unsigned.headers["location"].startswith(f"{TEST_ISSUER}/masuk?next=")
    sign_in_browser(context, base, role="trainer", subject="pelatih-2", name="Budi Santoso")
    page.goto(f"{base}/pelatih")
    expect(page.locator("header .who")).to_contain_text("Budi Santoso")
    assert "Narasumber" in page.inner_text("header .who")
    assert page.locator("nav.menu a[aria-current=page]").inner_text() == "Sesi Saya"
    home = look(page, "training-home")
    assert re.search(rf"(Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu), \d{{1,2}} ({MONTHS}) \d{{4}}", home)
    assert re.search(r"\d{2}\.\d{2}–\d{2}\.\d{2} WITA", home)
    page.get_by_text("Literasi digital koperasi").click()  # today's session on the home page
    expect(page.locator(".row")).to_have_count(5)  # waits for the session page, however slow the machine
    assert page.locator("input[value=hadir]:checked").count() == 5  # everybody Hadir until told otherwise

    names = [e["full_name"] for e in roster]
    ids = {e["full_name"]: e["participant_id"] for e in roster}
    row = lambda name: page.locator(".row", has_text=name)  # noqa: E731
    row(names[0]).get_by_text("A", exact=True).click()
    row(names[1]).get_by_text("S", exact=True).click()
    row(names[1]).locator(".note").fill("surat dokter")
    page.click("#save")
    page.wait_for_selector("#status.success")
    assert re.search(r"pukul \d{2}\.\d{2} WITA", page.inner_text("#status"))  # the hall's clock, written out
    look(page, "training-checklist-saved")
    stored = {m["participant_id"]: m for m in api.get(f"/api/v1/batches/{batch['id']}/sessions/1/attendance").json()}
    assert (stored[ids[names[0]]]["status"], stored[ids[names[1]]]["status"], stored[ids[names[1]]]["note"]) == (
        "alpa", "sakit", "surat dokter")
    assert stored[ids[names[2]]]["status"] == "hadir"

    # The hall's connection drops: the correction is kept on the phone and the trainer is told.
    context.set_offline(True)
    row(names[2]).get_by_text("T", exact=True).click()
    page.click("#save")
    page.wait_for_selector("#status.warning")
    assert "Koneksi terputus" in page.inner_text("#status")
    assert page.is_disabled("#close")  # closing waits until the marks are in
    screenshot(page, "training-checklist-offline")
    held = {m["participant_id"]: m["status"] for m in
            api.get(f"/api/v1/batches/{batch['id']}/sessions/1/attendance").json()}
    assert held[ids[names[2]]] == "hadir"  # not on the server yet, and not lost either
    page.close()  # the trainer even closes the tab before the connection returns

    context.set_offline(False)
    page = context.new_page()
    page.goto(f"{base}/pelatih/angkatan/{batch['id']}/sesi/1")
    page.wait_for_selector("#status.success")  # the kept marks went out on their own
    now = {m["participant_id"]: m for m in api.get(f"/api/v1/batches/{batch['id']}/sessions/1/attendance").json()}
    assert now[ids[names[2]]]["status"] == "terlambat"
    assert now[ids[names[2]]]["marked_at"] < now[ids[names[2]]]["received_at"]  # business time: the offline tap
    page.reload()
    correction = page.inner_text(".correction")
    assert "Hadir → Terlambat" in correction and "WITA" in correction and "pelatih-2" not in correction
    look(page, "training-session-corrected")
    assert page.locator(f'.row[data-participant="{ids[names[2]]}"] input[value=terlambat]').is_checked()

    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click("#close")
    page.wait_for_url("**/sesi/1")
    assert asked == ["Tutup sesi 1? Kehadiran tidak dapat diubah lagi."]  # asked first, under the pages' CSP
    assert "Sesi sudah ditutup" in page.inner_text("#status")

    # Day 2 (the API, as a second trainer's phone would), then the trainer closes it on the page.
    day2 = f"{batch['sessions'][1]['date']}T08:00:00+08:00"
    assert api.put(f"/api/v1/batches/{batch['id']}/sessions/2/attendance", json={
        "marks": [{"participant_id": e["participant_id"], "status": "hadir"} for e in roster],
        "recorded_at": day2}).status_code == 200
    page.goto(f"{base}/pelatih/angkatan/{batch['id']}/sesi/2")
    page.click("#close")
    page.wait_for_url("**/kelulusan")
    table = page.inner_text("#completion")
    # Alpa and Sakit on day 1 both miss the default rule (present at every session).
    assert table.count("Lulus") == 3 and table.count("Tidak lulus") == 2 and "hadir 1 dari 2 sesi" in table
    look(page, "training-completion")
    with page.expect_download() as download:
        page.click("#zip")
    assert download.value.suggested_filename == f"sertifikat-{batch['code']}.zip"
    number = page.locator("#completion a").first.inner_text()
    page.goto(f"{base}/pelatih/angkatan/{batch['id']}")
    assert page.locator("#sessions tbody tr").count() == 2 and "Ditutup" in page.inner_text("#sessions")
    look(page, "training-batch")
    context.close()

    public = browser.new_context(**PHONE).new_page()
    public.goto(f"{base}/verifikasi?nomor={number}&kode={verification_code(DEV_CERTIFICATE_KEY, number)}")
    assert "ASLI" in public.inner_text("#hasil") and batch["title"] in public.inner_text("#hasil")
    assert re.search(rf"\d{{1,2}} ({MONTHS}) \d{{4}} s\.d\. \d{{1,2}} ({MONTHS}) \d{{4}}", public.inner_text("#hasil"))
    look(public, "training-verification")
    public.goto(f"{base}/verifikasi?nomor=UPTD-KUKM/1999/9999&kode=AAAAAAAAAA")
    assert "tidak cocok" in public.inner_text("#hasil")
    look(public, "training-verification-unknown")
    public.context.close()


def test_a_trainer_cannot_open_a_batch_not_assigned(browser, training_stack, running_today):
    batch, _, _ = running_today
    page = browser.new_context(**PHONE).new_page()
    sign_in_browser(page.context, training_stack['training'].url, role="trainer", subject="pelatih-lain",
                    name="Rudi Hartono")
    page.goto(f"{training_stack['training'].url}/pelatih")
    assert "Tidak ada sesi hari ini" in page.inner_text("main")
    response = page.goto(f"{training_stack['training'].url}/pelatih/angkatan/{batch['id']}/sesi/1")
    assert response.status == 403 and "ditugaskan" in page.inner_text("main")
    assert "bukan untuk akun Anda" in page.inner_text("h1")  # the kit's refusal page, in the same frame
    look(page, "training-refused")
    # A mangled address is a page not found, in words, not a validation error naming the parameter.
    for address in ("/pelatih/angkatan/bukan-angkatan", f"/pelatih/angkatan/{batch['id']}/sesi/abc"):
        response = page.goto(f"{training_stack['training'].url}{address}")
        assert response.status == 404 and "tidak ditemukan" in page.inner_text("main").lower()
        assert "batch_id" not in page.inner_text("main") and "UUID" not in page.inner_text("main")
    page.context.close()


def test_a_trainer_whose_session_ended_keeps_the_marks_and_is_offered_to_sign_in_again(browser, training_stack,
                                                                                     running_today):
    batch, roster, api = running_today
    base = training_stack["training"].url
    context = browser.new_context(**PHONE)
    sign_in_browser(context, base, role="trainer", subject="pelatih-2", name="Budi Santoso")
    page = context.new_page()
    page.goto(f"{base}/pelatih/angkatan/{batch['id']}/sesi/1")
    expect(page.locator(".row")).to_have_count(5)
    context.clear_cookies()  # the session ends while the page is open
    page.locator(".row", has_text=roster[0]["full_name"]).get_by_text("I", exact=True).click()
    page.click("#save")
    page.wait_for_selector("#status.error")
    assert "Sesi Anda berakhir" in page.inner_text("#status")
    again = page.locator("#status a", has_text="Masuk lagi")
    assert again.get_attribute("href").startswith(f"{TEST_ISSUER}/masuk?next=")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('sipelkop:absensi:')).length") == 1
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    screenshot(page, "training-checklist-signed-out-390")
    context.close()
