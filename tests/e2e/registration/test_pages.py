"""The district officer's pages in a real headless Chromium: sign in, forms with inline errors, nominate, cancel,
import with a downloadable error report, and nothing of another district in sight."""
import csv
import re

from playwright.sync_api import expect

import httpx

from tests.fixtures.tokens import TEST_ISSUER, sign_in_browser
from tests.e2e.registration.conftest import schedule_batch
from tests.fixtures import factories
from tests.fixtures.browser import screenshot


def sign_in(page, base: str, district: str) -> None:
    # Not signed in: sent to identity's sign-in page, with the way back.
    unsigned = httpx.get(f"{base}/koperasi", follow_redirects=False)
    assert unsigned.status_code == 303
    assert unsigned.headers["location"].startswith(f"{TEST_ISSUER}/masuk?next=http%3A%2F%2F127.0.0.1")
    sign_in_browser(page.context, base, role="district_officer", district=district, name="Rina Marlina")
    page.goto(f"{base}/koperasi")
    expect(page.locator("h1")).to_contain_text("Koperasi")
    header = page.inner_text("header")
    assert "Rina Marlina" in header and "Petugas Dinas · Kab. Kutai Kartanegara" in header


def test_an_officer_registers_nominates_cancels_and_imports_through_the_pages(reg_stack, page, tmp_path):
    base = reg_stack["registration"].url
    batch = schedule_batch(reg_stack, capacity=2)
    sign_in(page, base, "64.02")

    # A cooperative: a wrong number is pointed out beside its field, in Indonesian, and the rest is kept.
    page.click("text=+ Koperasi baru")
    number = factories.cooperative()["registration_number"]
    page.fill("#name", "Koperasi Tani Makmur Tenggarong")
    page.fill("#registration_number", "64-AB")
    page.select_option("#sector", "perkebunan")
    page.click("button:has-text('Simpan')")
    expect(page.locator("#registration_number-error")).to_contain_text("hanya boleh berisi angka")
    expect(page.locator("#name")).to_have_value("Koperasi Tani Makmur Tenggarong")
    screenshot(page, "registration-cooperative-form-error")
    page.fill("#registration_number", number)
    page.click("button:has-text('Simpan')")
    expect(page.locator("[role=status]")).to_have_text("Koperasi tersimpan.")
    expect(page.locator("table")).to_contain_text("Koperasi Tani Makmur Tenggarong")

    # A manager: a bad NIK first, then a good one.
    page.click("text=Pengurus")
    page.click("text=+ Pengurus baru")
    page.fill("#nik", "6402018107900001")
    page.fill("#full_name", "Siti Aminah")
    page.fill("#phone", "0812-3456-7890")
    page.select_option("#cooperative_id", label="Koperasi Tani Makmur Tenggarong")
    page.click("button:has-text('Simpan')")
    expect(page.locator("#nik-error")).to_contain_text("tanggal lahir tidak sah")
    page.fill("#nik", factories.nik("64.02", female=True))
    page.click("button:has-text('Simpan')")
    expect(page.locator("table")).to_contain_text("Siti Aminah")
    expect(page.locator("table")).to_contain_text("+6281234567890")

    # Nominate into the batch, see the seats go down, cancel again.
    page.click("header >> text=Angkatan")
    row = page.locator("tr", has_text=batch["code"])
    expect(row.locator(".seats-left")).to_have_text("2")
    screenshot(page, "registration-batches")
    row.locator("text=Calonkan").click()
    page.select_option("#participant_id", label="Siti Aminah (ketua)")
    page.click("button:has-text('Calonkan')")
    expect(page.locator("[role=status]")).to_have_text("Terdaftar di angkatan.")
    expect(page.locator("#seats-left")).to_have_text("1")
    expect(page.locator("tbody")).to_contain_text("terdaftar")
    screenshot(page, "registration-batch-nominated")
    page.click("button[aria-label='Batalkan Siti Aminah']")
    expect(page.locator("[role=status]")).to_have_text("Pencalonan dibatalkan.")
    expect(page.locator("#seats-left")).to_have_text("2")

    # Import: one good row, one bad; the error report downloads with the row and the reason.
    sheet = tmp_path / "koperasi.csv"
    good, bad = factories.cooperative_row("64.02"), factories.cooperative_row("64.02", sektor_usaha="tambang")
    sheet.write_text(";".join(good) + "\n" + ";".join(map(str, good.values())) + "\n"
                     + ";".join(map(str, bad.values())) + "\n")
    page.click("header >> text=Impor")
    page.select_option("#kind", "cooperatives")
    page.set_input_files("#file", str(sheet))
    page.click("button:has-text('Impor')")
    expect(page.locator("#import-summary")).to_have_text("2 baris: 1 baru, 0 sudah terdaftar, 1 ditolak.")
    expect(page.locator("tr.rejected")).to_contain_text("sektor_usaha: sektor usaha tidak dikenal")
    screenshot(page, "registration-import-result")
    with page.expect_download() as download:
        page.click("#error-report")
    report = list(csv.reader(download.value.path().read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert report[0][:3] == ["baris", "alasan", "nama_koperasi"]
    assert report[1][0] == "3" and report[1][1].startswith("sektor_usaha: sektor usaha tidak dikenal")
    assert report[1][2] == bad["nama_koperasi"]  # the row as sent, to fix and upload again


def test_an_officer_sees_nothing_of_another_district(reg_stack, browser):
    base = reg_stack["registration"].url
    kukar = reg_stack.client("registration", "district_officer", "64.02")
    kukar.post("/api/v1/cooperatives", json=factories.cooperative("64.02", name="Koperasi Rahasia Kukar"))
    page = browser.new_context(locale="id-ID").new_page()
    try:
        sign_in(page, base, "64.08")
        page.goto(f"{base}/koperasi?q=Rahasia")
        expect(page.locator("tbody")).to_have_text("Belum ada koperasi.")
        expect(page.locator("h1")).to_contain_text("Kutai Timur")
        page.goto(f"{base}/koperasi/baru")
        expect(page.locator("#district_code option")).to_have_count(1)  # only their own district to choose
    finally:
        page.context.close()
