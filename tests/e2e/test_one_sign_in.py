"""One sign-in for the whole product, in a real Chromium over the four running services: the first admin (made
with the CLI) signs in with a password and creates a district officer on the user-management page; the officer
signs in once at identity's /masuk (changing the one-time password), registers a cooperative on registration's
pages and opens training's verification and reporting's dashboard without signing in again; the admin deactivates
the officer, and within 60 s the officer's next request on each of the four services is refused."""
from __future__ import annotations

import subprocess
import sys
import time

import httpx
from playwright.sync_api import expect

from shared.auth import ACCESS_COOKIE
from tests.fixtures import factories
from tests.fixtures.browser import screenshot
from tests.fixtures.services import ROOT

LAPTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "id-ID"}
ADMIN_PASSWORD = "Mahakam-Tenggarong-2023"
OFFICER_PASSWORD = "Pesut-Mahakam-Kukar-64"


def create_first_admin(stack) -> None:
    made = subprocess.run([sys.executable, "-m", "shared.cli", "accounts", "create-admin", "--username", "admin.uptd",
                           "--full-name", "Hj. Noor Aisyah", "--password-stdin"], input=ADMIN_PASSWORD + "\n",
                          env=stack["identity"].env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stdout + made.stderr
    weak = subprocess.run([sys.executable, "-m", "shared.cli", "accounts", "create-admin", "--username", "admin2",
                           "--password-stdin"], input="password123\n", env=stack["identity"].env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert weak.returncode != 0  # a weak password is refused even for the first admin


def sign_in(page, username: str, password: str) -> None:
    expect(page.locator("#username")).to_be_visible()
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button:has-text('Masuk')")


def test_one_sign_in_serves_every_service_and_a_deactivation_reaches_them_all(full_stack, browser):
    stack = full_stack
    identity, registration = stack["identity"].url, stack["registration"].url
    training, reporting = stack["training"].url, stack["reporting"].url
    create_first_admin(stack)

    # The admin: sent to /masuk, signs in with a password, lands on the user-management page.
    admin = browser.new_context(**LAPTOP).new_page()
    admin.goto(f"{identity}/akun")
    assert "/masuk" in admin.url
    sign_in(admin, "admin.uptd", ADMIN_PASSWORD)
    expect(admin.locator("header")).to_contain_text("Hj. Noor Aisyah")
    admin.goto(f"{identity}/akun/baru")
    admin.fill("#username", "dinas.kukar")
    admin.fill("#full_name", "Rina Marlina")
    admin.select_option("#role", "district_officer")
    admin.select_option("#district_code", "64.02")
    admin.click("button:has-text('Simpan akun')")
    one_time = admin.locator(".secret").inner_text().strip()
    assert len(one_time) >= 10
    screenshot(admin, "identity-account-created")

    # The officer: opens registration, is sent to identity's /masuk, signs in once, changes the one-time
    # password, and is back on registration's page.
    context = browser.new_context(**LAPTOP)
    officer = context.new_page()
    officer.goto(f"{registration}/koperasi")
    assert officer.url.startswith(f"{identity}/masuk")
    screenshot(officer, "identity-sign-in")
    sign_in(officer, "dinas.kukar", one_time)
    expect(officer.locator("#new_password")).to_be_visible()
    officer.fill("#current_password", one_time)
    officer.fill("#new_password", OFFICER_PASSWORD)
    officer.click("button:has-text('Simpan kata sandi')")
    expect(officer.locator("h1")).to_contain_text("Koperasi")
    assert officer.url.startswith(f"{registration}/koperasi")
    expect(officer.locator("header")).to_contain_text("Rina Marlina")
    expect(officer.locator("header")).to_contain_text("Petugas Dinas · Kab. Kutai Kartanegara")

    officer.click("text=+ Koperasi baru")
    officer.fill("#name", "Koperasi Tani Makmur Tenggarong")
    officer.fill("#registration_number", factories.cooperative()["registration_number"])
    officer.click("button:has-text('Simpan')")
    expect(officer.locator("[role=status]")).to_have_text("Koperasi tersimpan.")

    # The other services take the same session: no second sign-in.
    officer.goto(f"{training}/verifikasi")
    assert officer.url.startswith(training)
    officer.goto(f"{reporting}/dasbor")
    assert officer.url.startswith(f"{reporting}/dasbor")
    expect(officer.locator("body")).to_contain_text("Rina Marlina")
    screenshot(officer, "reporting-dashboard-as-officer")
    token = next(c["value"] for c in context.cookies() if c["name"] == ACCESS_COOKIE)
    before = {name: httpx.get(url, headers={"Authorization": f"Bearer {token}"}).status_code for name, url in {
        "identity": f"{identity}/api/v1/accounts", "registration": f"{registration}/api/v1/cooperatives",
        "training": f"{training}/api/v1/batches", "reporting": f"{reporting}/api/v1/reports/summary"}.items()}
    assert before == {"identity": 403, "registration": 200, "training": 403, "reporting": 200}, before

    # The admin deactivates the officer.
    admin.goto(f"{identity}/akun?role=district_officer")
    admin.click("a:has-text('dinas.kukar')")
    admin.click("button:has-text('Nonaktifkan akun')")
    deactivated = time.monotonic()

    # Each service refuses the officer's still unexpired token within 60 s.
    bearer = {"Authorization": f"Bearer {token}"}
    checks = {
        # 401 (the token is refused), not the 403 an officer gets outside the role before the deactivation.
        "identity": lambda: httpx.get(f"{identity}/api/v1/accounts", headers=bearer).status_code == 401,
        "registration": lambda: httpx.get(f"{registration}/api/v1/cooperatives", headers=bearer).status_code == 401,
        "training": lambda: httpx.get(f"{training}/api/v1/batches", headers=bearer).status_code == 401,
        "reporting": lambda: httpx.get(f"{reporting}/api/v1/reports/summary", headers=bearer).status_code == 401,
    }
    took = {}
    while checks and time.monotonic() - deactivated < 60:
        for name, refused in list(checks.items()):
            if refused():
                took[name] = round(time.monotonic() - deactivated, 1)
                del checks[name]
        time.sleep(0.25)
    print(f"\ndeactivation refused after (s): {took}")
    assert not checks, f"still accepted after 60 s by: {sorted(checks)}"

    # The pages send the officer back to /masuk, where the revoked session no longer signs anyone in.
    officer.goto(f"{registration}/koperasi")
    assert officer.url.startswith(f"{identity}/masuk")
    expect(officer.locator("#username")).to_be_visible()
    officer.goto(f"{reporting}/dasbor")
    assert officer.url.startswith(f"{identity}/masuk")
    context.close()
    admin.context.close()
