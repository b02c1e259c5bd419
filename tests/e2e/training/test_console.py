"""The UPTD's console in a real Chromium: a training staffer builds the seed batch on pages only (programme, the
signing official and co-signer, four narasumber, "Digitalisasi Usaha Koperasi" for 64.02/64.08/64.09 with an
agenda of seven sessions over three days, 24 JP); district officers nominate 30 (through their API here; their pages
have their own tests); the sessions are marked; the staffer closes the batch and revokes a certificate on the page.
The time and the number of actions it takes on pages are printed."""
from __future__ import annotations

import subprocess
import time
from datetime import date, timedelta

from playwright.sync_api import expect

from shared.clock import business_today
from tests.e2e.training.conftest import enrol_through_registration, roster_of
from tests.fixtures import factories
from tests.fixtures.browser import screenshot
from tests.fixtures.tokens import sign_in_browser

LAPTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "id-ID"}
OFFICIAL = ("Dr. H. Muhammad Zaini, S.E., M.Si.", "197003151995031002", "Kepala UPTD Pelatihan Koperasi dan UKM")
CO_SIGNER = ("Hj. Siti Aminah, S.Sos.", "198204122006042003", "Kepala Seksi Penyelenggaraan Pelatihan")
NARASUMBER = [("Dr. Andi Pratama, M.M.", "Universitas Mulawarman"), ("Nurul Hidayah, S.Kom.", "Diskominfo Kaltim"),
              ("Bambang Sutrisno, S.E., Ak.", "Dinas Koperasi dan UKM"), ("Yohanes Lasut, M.B.A.", "Praktisi UMKM")]
# day offset, start, end, materi, narasumber index: 10 + 8 + 6 = 24 JP of 45 minutes
AGENDA = [(0, "08:00", "10:15", "Kebijakan digitalisasi koperasi", 0), (0, "10:30", "12:45", "Literasi digital", 1),
          (0, "13:30", "16:30", "Pembukuan koperasi berbasis aplikasi", 2), (1, "08:00", "11:00", "Pemasaran daring", 3),
          (1, "13:00", "16:00", "Praktik toko daring koperasi", 0), (2, "08:00", "10:15", "Keamanan data anggota", 1),
          (2, "10:30", "12:45", "Rencana tindak lanjut", 2)]


class Actions:
    """Counts what the person does: each click, fill and choice."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, selector):
        self.count += 1
        self.page.click(selector)

    def fill(self, selector, value):
        self.count += 1
        self.page.fill(selector, value)

    def select(self, selector, label):
        self.count += 1
        self.page.select_option(selector, label=label)

    def check(self, selector):
        self.count += 1
        self.page.check(selector)


def test_a_staffer_builds_runs_and_closes_the_seed_batch_on_pages(browser, training_stack, tmp_path):
    stack = training_stack
    base = stack["training"].url
    context = browser.new_context(**LAPTOP)
    sign_in_browser(context, base, role="training_staff", subject="staf-1", name="Muhammad Ridwan, S.Kom.")
    page = context.new_page()
    act = Actions(page)
    year = business_today().year
    start = business_today() + timedelta(days=15)
    started = time.perf_counter()

    page.goto(f"{base}/konsol")
    act.click("text=+ Program baru")
    act.fill("#name", f"Peningkatan Kapasitas SDM Koperasi {year}")
    act.fill("#allocation", "1200000000")
    act.fill("#target_cooperatives", "600")
    act.click("button:has-text('Simpan program')")
    expect(page.locator("[role=status]")).to_have_text("Program tersimpan.")
    expect(page.locator("main")).to_contain_text("Rp 1.200.000.000")

    act.click("nav[aria-label='Konsol pelatihan'] >> text=Pejabat")
    for name, nip, position in (OFFICIAL, CO_SIGNER):
        act.fill("#name", name)
        act.fill("#nip", nip)
        act.fill("#position", position)
        act.click("button:has-text('Simpan pejabat')")
        expect(page.locator("[role=status]")).to_contain_text("tersimpan")

    act.click("nav[aria-label='Konsol pelatihan'] >> text=Narasumber")
    for n, (name, institution) in enumerate(NARASUMBER, start=1):
        act.click("text=+ Narasumber baru")
        act.fill("#name", name)
        act.fill("#institution", institution)
        act.fill("#nik", factories.nik("64.72", serial=n))
        act.fill("#rate_per_jp", "900000")
        act.click("button:has-text('Simpan narasumber')")
        expect(page.locator("[role=status]")).to_contain_text("tersimpan")

    act.click("nav[aria-label='Konsol pelatihan'] >> text=Rencana tahun")
    act.click("text=+ Angkatan baru")
    act.fill("#code", f"DIG-{year}-01")
    act.fill("#title", "Digitalisasi Usaha Koperasi")
    act.select("#programme_id", f"{year} · Peningkatan Kapasitas SDM Koperasi {year}")
    act.fill("#venue", "Hotel Mesra, Samarinda")
    act.fill("#start_date", start.isoformat())
    act.fill("#end_date", (start + timedelta(days=2)).isoformat())
    act.fill("#planned_budget", "60000000")
    act.fill("#completion_min_percent", "90")
    for code in ("64.02", "64.08", "64.09"):
        act.check(f"input[name=eligible_districts][value='{code}']")
    act.select("#signing_official_id", f"{OFFICIAL[0]} · {OFFICIAL[2]}")
    act.select("#co_signer_id", f"{CO_SIGNER[0]} · {CO_SIGNER[2]}")
    act.click("button:has-text('Jadwalkan angkatan')")
    expect(page.locator("[role=status]")).to_contain_text("Angkatan terjadwal")

    for day, begin, end, topic, who in AGENDA:
        act.fill("#date", (start + timedelta(days=day)).isoformat())
        act.fill("#start_time", begin)
        act.fill("#end_time", end)
        act.fill("#topic", topic)
        act.select("#trainer_id", f"{NARASUMBER[who][0]} · {NARASUMBER[who][1]}")
        act.click("button:has-text('Tambah sesi')")
        expect(page.locator("[role=status]")).to_contain_text("ditambahkan")
    built = time.perf_counter() - started
    print(f"\nthe seed batch built on pages: {act.count} actions (clicks, fills, choices) in {built:.1f} s "
          f"of browser time")

    # A narasumber in two places at once is refused beside the field, and nothing is added.
    act.fill("#date", start.isoformat())
    act.fill("#start_time", "09:00")
    act.fill("#end_time", "10:00")
    act.fill("#topic", "Sesi bentrok")
    act.select("#trainer_id", f"{NARASUMBER[0][0]} · {NARASUMBER[0][1]}")
    act.click("button:has-text('Tambah sesi')")
    expect(page.locator(".field-error .error").first).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("jadwal 24 JP")
    expect(main).to_contain_text(f"{OFFICIAL[0]} ({OFFICIAL[2]}, NIP {OFFICIAL[1]})")
    assert page.locator("#jadwal + .tabel tbody tr").count() == 7
    screenshot(page, "training-console-batch-built")
    batch_id = page.url.split("/konsol/angkatan/")[1].split("?")[0].split("#")[0].split("/")[0]

    # District officers nominate thirty; the sessions are marked (two people miss one session each: 6/7 < 90%).
    batch = stack.client("training", "admin").get(f"/api/v1/batches/{batch_id}").json()
    enrol_through_registration(stack, batch, 30)
    admin = stack.client("training", "admin")
    ids = [e["participant_id"] for e in roster_of(admin, batch_id, 30)]
    for session in admin.get(f"/api/v1/batches/{batch_id}/sessions").json():
        marks = [{"participant_id": p, "status": "hadir"} for p in ids]
        if session["number"] in (2, 5):
            marks[3 if session["number"] == 2 else 11]["status"] = "alpa"
        day = date.fromisoformat(session["date"])
        assert admin.put(f"/api/v1/batches/{batch_id}/sessions/{session['number']}/attendance", json={
            "marks": marks, "recorded_at": f"{day}T{session['start_time'][:5]}:00+08:00"}).status_code == 200
        assert admin.post(f"/api/v1/batches/{batch_id}/sessions/{session['number']}/complete").status_code == 200

    page.goto(f"{base}/konsol/angkatan/{batch_id}")
    expect(main).to_contain_text("Sertifikat (28)")
    assert page.locator("#daftar-peserta .badge.bad").count() == 2  # tidak lulus
    # Closing by component: the honor line comes from the agenda (24 JP x Rp 900.000), the rest typed in.
    expect(page.locator("#realised_honor_narasumber")).to_have_value("21600000")
    act.fill("#realised_konsumsi", "-15000000")
    act.click("button:has-text('Tutup angkatan')")
    expect(page.locator("#realised_konsumsi-error")).to_have_text("tidak boleh negatif")
    expect(main).to_contain_text("terjadwal")  # nothing closed
    act.fill("#realised_konsumsi", "15.000.000")
    act.fill("#realised_akomodasi", "20850000")
    act.click("button:has-text('Tutup angkatan')")
    expect(page.locator("[role=status]")).to_contain_text("Angkatan ditutup")
    expect(main).to_contain_text("realisasi Rp 57.450.000")
    expect(page.locator("#realisasi + .tabel")).to_contain_text("Honor narasumber")
    expect(page.locator("#realisasi + .tabel tfoot")).to_contain_text("Rp 57.450.000")

    # One certificate revoked with its reason, on the page.
    first = page.locator("#sertifikat + p + .tabel tbody tr").first
    number = first.locator("td").first.inner_text().strip()
    first.locator("summary:has-text('Cabut')").click()
    first.locator("form:has(button:has-text('Cabut sertifikat')) input[name=reason]").fill("Data peserta keliru")
    first.locator("button:has-text('Cabut sertifikat')").click()
    expect(page.locator("[role=status]")).to_contain_text("Sertifikat dicabut")
    expect(page.locator(f"tr:has-text('{number}')")).to_contain_text("dicabut")
    screenshot(page, "training-console-batch-closed")

    # A revoked certificate is no longer handed out; a valid one the page links to names the batch's official
    # (pdftotext reads it as anyone would).
    assert page.request.get(f"{base}/api/v1/certificates/{number}/pdf").status == 409
    valid = page.locator("#sertifikat + p + .tabel tbody tr").nth(1)
    pdf = page.request.get(base + valid.locator("a:has-text('Unduh PDF')").get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    (tmp_path / "c.pdf").write_bytes(pdf.body())
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "c.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert OFFICIAL[0] in text, text
    context.close()

    # The district officer of Kutai Timur (64.08) lists and downloads only 64.08's certificates.
    district = {e["participant_id"]: e["district_code"] for e in admin.get(f"/api/v1/batches/{batch_id}/roster").json()}
    issued = admin.get(f"/api/v1/batches/{batch_id}/certificates").json()
    own = sorted(c["number"] for c in issued if district[c["participant_id"]] == "64.08" and c["status"] == "valid")
    other = next(c["number"] for c in issued if district[c["participant_id"]] == "64.02" and c["status"] == "valid")
    officer = browser.new_context(**LAPTOP)
    sign_in_browser(officer, base, role="district_officer", district="64.08", name="Yuliana Kombong")
    page = officer.new_page()
    page.goto(f"{base}/sertifikat")
    listed = sorted(cell.inner_text().strip() for cell in page.locator("td[data-label=Nomor]").all())
    assert listed == own and own, (listed, own)
    screenshot(page, "training-district-certificates")
    mine = page.request.get(base + page.locator("a:has-text('Unduh PDF')").first.get_attribute("href"))
    assert mine.status == 200 and mine.body().startswith(b"%PDF")
    assert page.request.get(f"{base}/api/v1/certificates/{other}/pdf").status == 403
    officer.close()

    # Re-issue for a reprint (issue 13): on the console's list with its reason; a new number for the same person,
    # saying which it replaces, and the old one marked as replaced by it.
    context = browser.new_context(**LAPTOP)
    sign_in_browser(context, base, role="training_staff", subject="staf-1", name="Muhammad Ridwan, S.Kom.")
    page = context.new_page()
    page.goto(f"{base}/konsol/angkatan/{batch_id}#sertifikat")
    row = page.locator("#sertifikat + p + .tabel tbody tr").nth(1)
    old_number = row.locator("td").first.inner_text().strip()
    holder = row.locator("td").nth(1).inner_text().strip()
    row.locator("summary:has-text('Terbitkan ulang')").click()
    row.locator("form:has(button:has-text('Terbitkan ulang')) input[name=reason]").fill("Cetak ulang: kertas rusak")
    row.locator("button:has-text('Terbitkan ulang')").click()
    expect(page.locator("[role=status]")).to_contain_text("Sertifikat diterbitkan ulang")
    expect(page.locator(f"#sertifikat + p + .tabel tr:has-text('{old_number}')").first).to_contain_text("dicabut")
    replacement = page.locator(f"#sertifikat + p + .tabel tr:has-text('menggantikan {old_number}')")
    expect(replacement).to_contain_text(holder)
    expect(replacement).to_contain_text("berlaku")
    screenshot(page, "training-console-certificate-reissued")
    context.close()
