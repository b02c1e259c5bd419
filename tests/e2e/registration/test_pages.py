"""The district officer's pages in a real headless Chromium: sign in, forms with inline errors, nominate, cancel,
import with a downloadable error report, nothing of another district in sight, every page fitting a phone, and the
admin's audit trail in words."""
import csv
import re
import uuid

from playwright.sync_api import expect

import httpx

from shared.regions import district_name
from shared.web.format import tanggal_singkat
from tests.fixtures.tokens import TEST_ISSUER, sign_in_browser, test_token
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
    label = district_name(district).replace("Kabupaten ", "Kab. ")
    assert "Rina Marlina" in header and f"Petugas Dinas · {label}" in header


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
    page.click("nav.menu >> text=Pengurus")
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
    page.click("nav.menu >> text=Angkatan")
    row = page.locator("tr", has_text=batch["code"])
    expect(row.locator(".seats-left")).to_have_text("2")
    screenshot(page, "registration-batches")
    row.locator("text=Calonkan").click()
    page.fill("#cari", "siti aminah")
    page.click("form[role=search] button")
    page.click("#picker button[aria-label='Calonkan Siti Aminah']")
    expect(page.locator("[role=status]")).to_have_text("Terdaftar di angkatan.")
    expect(page.locator("#seats-left")).to_have_text("1")
    expect(page.locator("#nominations tbody")).to_contain_text("terdaftar")  # beside it the picker's table
    screenshot(page, "registration-batch-nominated")
    page.click("button[aria-label='Batalkan Siti Aminah']")
    expect(page.locator("[role=status]")).to_have_text("Pencalonan dibatalkan.")
    expect(page.locator("#seats-left")).to_have_text("2")

    # Import: one good row, one bad; the error report downloads with the row and the reason.
    sheet = tmp_path / "koperasi.csv"
    good, bad = factories.cooperative_row("64.02"), factories.cooperative_row("64.02", sektor_usaha="tambang")
    sheet.write_text(";".join(good) + "\n" + ";".join(map(str, good.values())) + "\n"
                     + ";".join(map(str, bad.values())) + "\n")
    page.click("nav.menu >> text=Impor")
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


PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1366, "height": 768}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}")
ROLE_CODES = ("district_officer", "training_staff", "viewer", "trainer")


def looks_right(page, width: int) -> str:
    """What a person would notice first: no sideways scrolling, no codes or Python values on the page."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    # Other tests' API clients act as "Uji <role>": a test account's name, not a code on the page.
    text = re.sub(r"Uji \w+", "Uji", page.inner_text("body"))
    main = re.sub(r"Uji \w+", "Uji", page.inner_text("main"))
    for code in ROLE_CODES:
        assert code not in text, (code, page.url)
    assert "UTC" not in main and "None" not in text and "[" not in main and '{"' not in text, page.url
    assert not UUID.search(text), page.url
    return main


def api(stack, role: str, district: str | None, name: str) -> httpx.Client:
    token = test_token(role=role, district=district, name=name, subject=str(uuid.uuid4()))
    return httpx.Client(base_url=stack["registration"].url, headers={"Authorization": f"Bearer {token}"},
                        timeout=30)


def test_every_officer_page_fits_a_phone_and_a_desktop(reg_stack, browser):
    base = reg_stack["registration"].url
    batch = schedule_batch(reg_stack)
    officer = api(reg_stack, "district_officer", "64.09", "Yusuf Hamdani")
    names = ["Koperasi Produsen Nelayan Sejahtera Penajam", "Koperasi Simpan Pinjam Karya Mandiri Sepaku",
             "Koperasi Konsumen Pegawai Pemerintah Kabupaten Penajam Paser Utara",
             "Koperasi Jasa Wisata Bahari Tanjung Jumlai", "Koperasi Serba Usaha Perempuan Babulu Darat Indah",
             "KSP Berkah Bersama Waru"]
    made = [officer.post("/api/v1/cooperatives", json=factories.cooperative("64.09", name=n)) for n in names]
    assert all(r.status_code == 201 for r in made), [r.text for r in made]
    person = officer.post("/api/v1/participants", json=factories.participant(
        made[0].json()["id"], "64.09", nik=factories.nik("64.09"), full_name="Andi Muhammad Fadli"))
    assert person.status_code == 201, person.text
    pages = {"cooperatives": "/koperasi", "cooperative-form": "/koperasi/baru", "participants": "/peserta",
             "participant-form": "/peserta/baru", "batches": "/angkatan", "batch": f"/angkatan/{batch['id']}",
             "import": "/impor", "planning": "/perencanaan", "waiting-list": "/daftar-tunggu",
             "participant-edit": f"/peserta/{person.json()['id']}/ubah"}
    for size, viewport in (("390", PHONE), ("1366", DESKTOP)):
        context = browser.new_context(locale="id-ID", viewport=viewport)
        try:
            page = context.new_page()
            sign_in_browser(context, base, role="district_officer", district="64.09", name="Yusuf Hamdani")
            for name, path in pages.items():
                page.goto(base + path)
                looks_right(page, viewport["width"])
                expect(page.locator("nav.menu")).to_contain_text("Koperasi")
                screenshot(page, f"registration-{name}-{size}")
            page.goto(f"{base}/koperasi")
            main = looks_right(page, viewport["width"])
            assert all(n in main for n in names) and "Pertanian" in main and "640000" in main
            page.goto(f"{base}/angkatan")
            row = page.locator("tr", has_text=batch["code"]).inner_text()
            assert tanggal_singkat(batch["start_date"]) in row and "/" not in row  # "9 Des 2026", not 09/12/2026
        finally:
            context.close()


def test_the_admin_reads_the_audit_trail_in_words_and_an_officer_gets_a_page_not_json(reg_stack, browser):
    base = reg_stack["registration"].url
    batch = schedule_batch(reg_stack)
    officer = api(reg_stack, "district_officer", "64.08", "Rina Marlina")
    suffix = uuid.uuid4().hex[:4]
    cooperative = officer.post("/api/v1/cooperatives", json=factories.cooperative(
        "64.08", name=f"Koperasi Audit Sangatta {suffix}", members_male=30)).json()
    changed = officer.patch(f"/api/v1/cooperatives/{cooperative['id']}", json={"members_male": 32})
    assert changed.status_code == 200, changed.text
    person = officer.post("/api/v1/participants", json=factories.participant(
        cooperative["id"], "64.08", nik=factories.nik("64.08"), full_name=f"Budi Santoso {suffix}")).json()
    enrolment = officer.post("/api/v1/enrollments", json={"batch_id": batch["id"], "participant_id": person["id"]})
    assert enrolment.status_code == 201, enrolment.text
    assert officer.post(f"/api/v1/enrollments/{enrolment.json()['id']}/cancel").status_code == 200

    for size, viewport in (("390", PHONE), ("1366", DESKTOP)):
        context = browser.new_context(locale="id-ID", viewport=viewport)
        try:
            page = context.new_page()
            sign_in_browser(context, base, role="admin", name="Hj. Noor Aisyah")
            page.goto(f"{base}/audit")
            expect(page.locator("h1")).to_contain_text("Jejak audit")
            main = looks_right(page, viewport["width"])
            assert f"mendaftarkan koperasi Koperasi Audit Sangatta {suffix}" in main
            assert (f"mengubah data koperasi Koperasi Audit Sangatta {suffix}: anggota laki-laki dari 30 menjadi 32"
                    in main)
            assert f"mendaftarkan pengurus Budi Santoso {suffix} (ketua) di Koperasi Audit Sangatta {suffix}" in main
            assert f"menominasikan Budi Santoso {suffix} ke angkatan {batch['code']}" in main
            assert f"membatalkan nominasi Budi Santoso {suffix} di angkatan {batch['code']}" in main
            row = page.locator("tr", has_text=f"mendaftarkan koperasi Koperasi Audit Sangatta {suffix}")
            expect(row).to_contain_text("Rina Marlina")
            expect(row).to_contain_text("Petugas Dinas")
            expect(row).to_contain_text("Kabupaten Kutai Timur")
            assert re.search(r"\d{1,2} \w+ 20\d\d \d\d\.\d\d WITA", row.inner_text())
            screenshot(page, f"registration-audit-{size}")
        finally:
            context.close()

    # A district officer who opens /audit gets a page that says why, in the same frame, not JSON.
    context = browser.new_context(locale="id-ID", viewport=PHONE)
    try:
        page = context.new_page()
        sign_in_browser(context, base, role="district_officer", district="64.08", name="Rina Marlina")
        response = page.goto(f"{base}/audit")
        assert response.status == 403 and response.headers["content-type"].startswith("text/html")
        expect(page.locator("main")).to_contain_text("Halaman ini hanya untuk admin provinsi.")
        expect(page.locator("header")).to_contain_text("Rina Marlina")
        looks_right(page, PHONE["width"])
        screenshot(page, "registration-audit-refused-390")
    finally:
        context.close()
