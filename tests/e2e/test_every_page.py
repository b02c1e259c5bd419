"""Every page of every service, as the people who use them see it, in a real Chromium at a 1366×768 laptop and a
390×844 phone: one frame and stylesheet everywhere, no sideways scrolling, readable text and tap targets, nothing
English-coded (role codes), no UTC, no raw JSON, Python values or ids, error pages in words, /docs without the
internet. Each page is kept as a screenshot in test-artifacts/pages/ (named in the README) for a person to look at.

The people sign in at identity's /masuk with passwords, as they would; the data comes through the services' APIs."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from shared.clock import business_today
from tests.e2e.training.conftest import enrol_through_registration, roster_of
from tests.fixtures import factories
from tests.fixtures.browser import ARTIFACTS
from tests.fixtures.services import ROOT, wait_for

LAPTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "id-ID"}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "id-ID"}
SHOTS = os.path.join(ARTIFACTS, "pages")
PASSWORD = "Pesut-Mahakam-Samarinda-2023"
PEOPLE = {  # role: (username, full name, district)
    "admin": ("admin.uptd", "Hj. Noor Aisyah, S.E.", None),
    "training_staff": ("staf.pelatihan", "Muhammad Ridwan, S.Kom.", None),
    "district_officer": ("dinas.kukar", "Rina Marlina", "64.02"),
    "trainer": ("narasumber.andi", "Dr. Andi Pratama, M.M.", None),
    "viewer": ("kemenkop.pemantau", "Siti Rahmawati", None),
}
ROLE_CODES = re.compile(r"\b(district_officer|training_staff|trainer|viewer|reconciler)\b")
PYTHON_VALUES = re.compile(r"\bNone\b|\[None|\{'|': '|datetime\.|Decimal\(|UUID\(|\bTrue\b|\bFalse\b")
RAW_ID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
PAGE_BUDGET = 100 * 1024

MEASURE = """() => {
  const small = [], taps = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('svg') || el.closest('.skip')) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (!own || !box.width || !box.height || getComputedStyle(el).visibility === 'hidden') continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 14) small.push(`${el.tagName} "${el.textContent.trim().slice(0, 30)}" ${size}px`);
  }
  const targets = 'button, select, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), nav a, a.btn';
  for (const el of document.querySelectorAll(targets)) {
    const box = el.getBoundingClientRect();
    if (box.width && box.height < 44) taps.push(`${el.tagName} "${(el.textContent || el.name || '').trim().slice(0, 30)}" ${box.height}px`);
  }
  return {width: document.documentElement.scrollWidth, text: document.body.innerText, small, taps,
          css: [...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.getAttribute('href').split('?')[0]),
          brand: (document.querySelector('header.kop .brand') || {innerText: ''}).innerText};
}"""


def create_account(stack, role: str) -> str:
    username, name, district = PEOPLE[role]
    code = ("import json, sys; from services.identity.entrypoints.cli import create_account_sync as c; "
            "a = c(**json.loads(sys.argv[1])); print(a.id)")
    made = subprocess.run([sys.executable, "-c", code, json.dumps({
        "username": username, "full_name": name, "role": role, "district_code": district, "password": PASSWORD,
        "must_change_password": False})], env=stack["identity"].env, cwd=ROOT, capture_output=True, text=True,
        timeout=120)
    assert made.returncode == 0, made.stdout + made.stderr
    return made.stdout.strip().splitlines()[-1]


@dataclass
class Seen:
    pages: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    css: set = field(default_factory=set)
    brands: set = field(default_factory=set)


def look(page, url: str, name: str, size: str, seen: Seen, status: int = 200) -> None:
    """Open the page, keep its screenshot, and note whatever a person would stumble over."""
    sizes = []

    def weigh(response):
        try:
            sizes.append(len(response.body()))
        except Exception:  # noqa: BLE001 (a redirect has no body)
            pass

    page.on("response", weigh)
    answer = page.goto(url)
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", weigh)
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, f"{name}-{size}.png"), full_page=True)
    seen.pages.append(f"{name}-{size}")
    m = page.evaluate(MEASURE)
    where = f"{name} ({size})"
    if answer is not None and answer.status != status:
        seen.problems.append(f"{where}: status {answer.status}, expected {status}")
    viewport = page.viewport_size["width"]
    if m["width"] > viewport:
        seen.problems.append(f"{where}: {m['width']} px wide in a {viewport} px window")
    text = m["text"]
    for pattern, what in ((ROLE_CODES, "role code"), (PYTHON_VALUES, "Python value"), (RAW_ID, "raw id")):
        if found := pattern.search(text):
            seen.problems.append(f"{where}: {what} {found.group(0)!r} in the text")
    if "UTC" in text:
        seen.problems.append(f"{where}: 'UTC' in the text")
    if '{"' in text or '"error":' in text:
        seen.problems.append(f"{where}: raw JSON in the text")
    if size == "phone" and m["small"]:
        seen.problems.append(f"{where}: text under 14 px: {m['small'][:3]}")
    if size == "phone" and m["taps"]:
        seen.problems.append(f"{where}: tap targets under 44 px: {m['taps'][:3]}")
    if sum(sizes) > PAGE_BUDGET:
        seen.problems.append(f"{where}: {sum(sizes) // 1024} KB on first load")
    seen.css.add(tuple(m["css"]))
    seen.brands.add(m["brand"])


def sign_in(browser, identity: str, role: str):
    """A laptop and a phone of one person, signed in once at /masuk with their password."""
    laptop = browser.new_context(**LAPTOP)
    page = laptop.new_page()
    page.goto(f"{identity}/masuk")
    page.fill("#username", PEOPLE[role][0])
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Masuk')")
    page.wait_for_load_state("networkidle")
    assert "/masuk" not in page.url, f"{role} could not sign in: {page.inner_text('body')[:300]}"
    phone = browser.new_context(storage_state=laptop.storage_state(), **PHONE)
    return page, phone.new_page()


@pytest.fixture
def province(full_stack):
    """Accounts for every role, a batch running today with five nominated managers, one session marked."""
    stack = full_stack
    ids = {role: create_account(stack, role) for role in PEOPLE}
    admin = stack.client("training", "admin")
    created = admin.post("/api/v1/batches", json=factories.batch(start_in_days=20, days=2, capacity=10,
                                                                 trainers=[ids["trainer"]]))
    assert created.status_code == 201, created.text
    batch = created.json()
    people = enrol_through_registration(stack, batch, 5, per_cooperative=5)
    today = business_today()
    moved = admin.patch(f"/api/v1/batches/{batch['id']}", json={
        "start_date": today.isoformat(), "end_date": (today + timedelta(days=1)).isoformat()})
    assert moved.status_code == 200, moved.text
    roster_of(admin, batch["id"], 5)
    reporting = stack.client("reporting", "admin")
    wait_for(lambda: reporting.get("/api/v1/reports/summary").json()["participants_enrolled"] == 5,
             message="reporting counts the five")
    cooperative = stack.client("registration", "district_officer", "64.02").get("/api/v1/cooperatives").json()
    cooperative = cooperative["items"][0]
    return {"ids": ids, "batch": batch, "people": people, "cooperative": cooperative}


def test_every_page_of_every_service_is_one_product_on_a_laptop_and_a_phone(full_stack, province, browser):
    stack, seen = full_stack, Seen()
    url = {name: stack[name].url for name in ("identity", "registration", "training", "reporting")}
    batch, cooperative = province["batch"]["id"], province["cooperative"]["id"]
    account = province["ids"]["district_officer"]
    person = province["people"][0]["id"]  # a manager of 64.02, the district officer's own

    tours = {
        None: [("identity-masuk", f"{url['identity']}/masuk"), ("training-verifikasi", f"{url['training']}/verifikasi")],
        "admin": [
            ("identity-akun", f"{url['identity']}/akun"), ("identity-akun-baru", f"{url['identity']}/akun/baru"),
            ("identity-akun-detail", f"{url['identity']}/akun/{account}"), ("identity-sandi", f"{url['identity']}/sandi"),
            ("registration-koperasi", f"{url['registration']}/koperasi"),
            ("registration-koperasi-baru", f"{url['registration']}/koperasi/baru"),
            ("registration-koperasi-ubah", f"{url['registration']}/koperasi/{cooperative}/ubah"),
            ("registration-peserta", f"{url['registration']}/peserta"),
            ("registration-peserta-baru", f"{url['registration']}/peserta/baru"),
            ("registration-angkatan", f"{url['registration']}/angkatan"),
            ("registration-angkatan-detail", f"{url['registration']}/angkatan/{batch}"),
            ("registration-impor", f"{url['registration']}/impor"), ("registration-audit", f"{url['registration']}/audit"),
            ("registration-perencanaan", f"{url['registration']}/perencanaan?kabupaten=64.02&status=semua"),
            ("registration-daftar-tunggu", f"{url['registration']}/daftar-tunggu"),
            ("registration-peserta-ubah", f"{url['registration']}/peserta/{person}/ubah"),
            ("training-konsol-audit", f"{url['training']}/konsol/audit"),
            ("training-pelatih", f"{url['training']}/pelatih"),
            ("training-angkatan", f"{url['training']}/pelatih/angkatan/{batch}"),
            ("training-sesi", f"{url['training']}/pelatih/angkatan/{batch}/sesi/1"),
            ("training-kelulusan", f"{url['training']}/pelatih/angkatan/{batch}/kelulusan"),
            ("reporting-dasbor", f"{url['reporting']}/dasbor"),
        ],
        "district_officer": [("registration-koperasi", f"{url['registration']}/koperasi"),
                             ("registration-peserta", f"{url['registration']}/peserta"),
                             ("registration-angkatan-detail", f"{url['registration']}/angkatan/{batch}"),
                             ("registration-undangan", f"{url['registration']}/angkatan/{batch}/undangan"),
                             ("registration-perencanaan", f"{url['registration']}/perencanaan"),
                             ("registration-daftar-tunggu", f"{url['registration']}/daftar-tunggu"),
                             ("registration-peserta-ubah", f"{url['registration']}/peserta/{person}/ubah"),
                             ("reporting-dasbor", f"{url['reporting']}/dasbor")],
        "training_staff": [("training-konsol", f"{url['training']}/konsol"),
                           ("training-konsol-program-baru", f"{url['training']}/konsol/program/baru"),
                           ("training-konsol-angkatan-baru", f"{url['training']}/konsol/angkatan/baru"),
                           ("training-konsol-angkatan", f"{url['training']}/konsol/angkatan/{batch}"),
                           ("training-konsol-angkatan-ubah", f"{url['training']}/konsol/angkatan/{batch}/ubah"),
                           ("training-konsol-narasumber", f"{url['training']}/konsol/narasumber"),
                           ("training-konsol-narasumber-baru", f"{url['training']}/konsol/narasumber/baru"),
                           ("training-konsol-pejabat", f"{url['training']}/konsol/pejabat"),
                           ("training-konsol-evaluasi", f"{url['training']}/konsol/angkatan/{batch}/evaluasi"),
                           ("training-konsol-evaluasi-templat", f"{url['training']}/konsol/evaluasi/templat"),
                           ("registration-angkatan-pengganti", f"{url['registration']}/angkatan/{batch}"),
                           ("registration-perencanaan", f"{url['registration']}/perencanaan?kabupaten=64.08"),
                           ("training-pelatih", f"{url['training']}/pelatih"),
                           ("reporting-dasbor", f"{url['reporting']}/dasbor")],
        "trainer": [("training-pelatih", f"{url['training']}/pelatih"),
                    ("training-sesi", f"{url['training']}/pelatih/angkatan/{batch}/sesi/1")],
        "viewer": [("reporting-dasbor", f"{url['reporting']}/dasbor")],
    }
    refusals = {  # role: (name, url, status)
        None: [(f"{s}-401", f"{u}/api/v1/{p}", 401) for s, u, p in (
            ("registration", url["registration"], "cooperatives"), ("training", url["training"], "batches"),
            ("reporting", url["reporting"], "reports/summary"), ("identity", url["identity"], "accounts"))]
               + [(f"{s}-404", f"{u}/tidak-ada", 404) for s, u in url.items()],
        "district_officer": [("identity-403", f"{url['identity']}/akun", 403),
                             ("registration-audit-403", f"{url['registration']}/audit", 403),
                             ("training-403", f"{url['training']}/pelatih", 403),
                             ("training-konsol-403", f"{url['training']}/konsol", 403),
                             ("registration-422", f"{url['registration']}/koperasi?page=abc", 422)],
        "viewer": [("registration-403", f"{url['registration']}/koperasi", 403),
                   ("reporting-422", f"{url['reporting']}/dasbor?fiscal_year=abc", 422)],
    }
    for role in tours:
        if role is None:
            laptop, phone = browser.new_context(**LAPTOP).new_page(), browser.new_context(**PHONE).new_page()
        else:
            laptop, phone = sign_in(browser, url["identity"], role)
        for name, address in tours[role]:
            for size, page in (("laptop", laptop), ("phone", phone)):
                look(page, address, f"{role or 'tamu'}-{name}", size, seen)
        for name, address, status in refusals.get(role, []):
            for size, page in (("laptop", laptop), ("phone", phone)):
                look(page, address, f"{role or 'tamu'}-{name}", size, seen, status)
                expect(page.locator("main h1")).to_be_visible()
        if role == "admin":
            expect(laptop.locator("header.kop")).to_contain_text(PEOPLE["admin"][1])
            expect(laptop.locator("header.kop")).to_contain_text("Admin Provinsi")
        laptop.context.close()
        phone.context.close()

    print(f"\n{len(seen.pages)} page views kept in {os.path.relpath(SHOTS, ROOT)}")
    assert not seen.problems, "\n".join(seen.problems)
    assert seen.css == {("/aset/sipelkop.css",)}, seen.css
    assert len(seen.brands) == 1 and "SIPELKOP" in next(iter(seen.brands)), seen.brands


def test_api_docs_render_with_the_internet_cut_off(full_stack, browser):
    context = browser.new_context(**LAPTOP)
    outside = []

    def only_local(route):
        if route.request.url.startswith("http://127.0.0.1"):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    for name in ("identity", "registration", "training", "reporting"):
        page.goto(f"{full_stack[name].url}/docs")
        expect(page.locator(".swagger-ui .info .title")).to_be_visible(timeout=15_000)
        expect(page.locator(".opblock").first).to_be_visible()
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"docs-{name}-laptop.png"))
    context.close()
    assert not outside, outside
