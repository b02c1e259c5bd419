"""Identity's pages in a real Chromium at a laptop's and a phone's size: /masuk, /sandi, /akun, /akun/baru,
/akun/{id} and the SSO problem page in the shared frame, fitting the screen, in Bahasa, with WITA times."""
from __future__ import annotations

import re
import subprocess
import sys
import uuid

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import screenshot
from tests.fixtures.services import ROOT, start_stack

SIZES = {"1366": {"width": 1366, "height": 768}, "390": {"width": 390, "height": 844}}
ADMIN_PASSWORD = "Mahakam-Tenggarong-2023"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}")


@pytest.fixture(scope="module")
def identity(kafka, postgres, tmp_path_factory):
    running = start_stack(kafka_bootstrap=kafka.bootstrap, database_urls={"identity": postgres.new_database("ide")},
                          topic_prefix=f"t{uuid.uuid4().hex[:8]}.", log_dir=tmp_path_factory.mktemp("identity"))
    made = subprocess.run([sys.executable, "-m", "shared.cli", "accounts", "create-admin", "--username", "admin.uptd",
                           "--full-name", "Hj. Noor Aisyah", "--password-stdin"], input=ADMIN_PASSWORD + "\n",
                          env=running["identity"].env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stdout + made.stderr
    yield running["identity"].url
    running.stop()


def looks_right(page, width: int) -> str:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    text = page.inner_text("body")
    for word in ("district_officer", "training_staff", "UTC", "None", '{"'):
        assert word not in text, (word, page.url)
    assert not UUID.search(text), page.url
    # One look: the shared stylesheet, no per-service colours.
    assert page.evaluate("[...document.styleSheets].some(s => (s.href || '').includes('/aset/sipelkop.css'))")
    return text


def sign_in(page, base: str, password: str = ADMIN_PASSWORD) -> None:
    page.goto(f"{base}/masuk")
    page.fill("#username", "admin.uptd")
    page.fill("#password", password)
    page.click("button:has-text('Masuk')")


@pytest.mark.parametrize("size", SIZES)
def test_identity_pages_in_the_shared_frame_fit_the_screen(identity, browser, size):
    viewport = SIZES[size]
    context = browser.new_context(locale="id-ID", viewport=viewport)
    page = context.new_page()
    try:
        # The sign-in page: the frame without navigation (nobody to navigate for yet), a wrong password said once.
        sign_in(page, identity, "salah-salah-123")
        expect(page.locator("[role=alert]")).to_contain_text("Nama pengguna atau kata sandi salah.")
        assert page.locator("nav.menu").count() == 0
        looks_right(page, viewport["width"])
        screenshot(page, f"identity-sign-in-{size}")

        sign_in(page, identity)
        expect(page.locator("h1")).to_have_text("Akun pengguna")
        expect(page.locator("header")).to_contain_text("Hj. Noor Aisyah")
        expect(page.locator("header")).to_contain_text("Admin Provinsi")
        expect(page.locator("nav.menu [aria-current=page]")).to_have_text("Akun")
        looks_right(page, viewport["width"])
        screenshot(page, f"identity-accounts-{size}")

        # A new account: a missing district is pointed out beside its field.
        page.goto(f"{identity}/akun/baru")
        username = f"dinas.{size}"
        page.fill("#username", username)
        page.fill("#full_name", f"Rina Marlina {size}")
        page.select_option("#role", "district_officer")
        page.click("button:has-text('Simpan akun')")
        expect(page.locator(".field-error")).to_contain_text("kabupaten/kota")
        looks_right(page, viewport["width"])
        screenshot(page, f"identity-account-new-error-{size}")
        page.select_option("#district_code", "64.02")
        page.click("button:has-text('Simpan akun')")
        expect(page.locator(".secret")).to_be_visible()
        text = looks_right(page, viewport["width"])
        assert "Petugas Dinas · Kabupaten Kutai Kartanegara" in text
        screenshot(page, f"identity-account-created-{size}")

        # The account's history: who, what in words, when in WITA; the fields by their Bahasa names.
        page.click("button:has-text('Nonaktifkan akun')")
        expect(page.locator("[role=status]")).to_contain_text("Akun dinonaktifkan")
        history = page.locator("table").inner_text()
        assert "akun dinonaktifkan" in history and "Hj. Noor Aisyah" in history
        assert re.search(r"\d{1,2} \w+ 20\d\d \d\d\.\d\d WITA", history)
        assert "nama pengguna, nama lengkap, peran, kabupaten/kota" in history and "full_name" not in history
        looks_right(page, viewport["width"])
        screenshot(page, f"identity-account-{size}")

        page.goto(f"{identity}/sandi")
        expect(page.locator("h1")).to_have_text("Ganti kata sandi")
        looks_right(page, viewport["width"])
        screenshot(page, f"identity-password-{size}")

        # SSO not set up here: a page that says so, in the same frame, with the way back.
        response = page.goto(f"{identity}/masuk/sso")
        assert response.status == 404
        expect(page.locator("[role=alert]")).to_contain_text("tidak diaktifkan")
        looks_right(page, viewport["width"])
        screenshot(page, f"identity-sso-problem-{size}")
    finally:
        context.close()
