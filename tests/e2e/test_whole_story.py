"""Issue 13's whole story on pages only, in a real Chromium over the four services, on the story's own dates.

Monday 3 July 2023: a training staffer, signed in at identity's /masuk as herself, builds programme 2023 (DAK
Rp 1.200.000.000, 600 cooperatives), the signing official and co-signer, four narasumber (each linked to a trainer's
account), and batch "Digitalisasi Usaha Koperasi" for 4–6 July 2023 in Samarinda for 64.02/64.08/64.09 with seven
sessions over three days (24 JP); the three district officers import their cooperatives and managers and nominate
30 on their batch page. Day 1: the staffer replaces a no-show on registration's batch page; each narasumber marks
their own sessions on the phone page (390×844) on the day they teach them, two people miss one session each. Day 3:
the last session closes with 28 certificates, the staffer closes the batch by DAK component, the certificate and
the daftar hadir read back with their names, NIP, JP and materi, and the officer of Kutai Timur (64.08) downloads
only 64.08's certificates. Prints the staffer's clicks, fills and seconds to build the batch."""
from __future__ import annotations

import re
import shutil
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.story import LIBFAKETIME, PASSWORD, StoryClock, create_accounts, district_sheets, keep_pdf, wita
from tests.fixtures.browser import LAPTOP, PHONE, screenshot
from tests.fixtures.services import start_stack

STAFFER = {"username": "staf.pelatihan", "name": "Muhammad Ridwan, S.Kom.", "role": "training_staff"}
OFFICERS = {"64.02": {"username": "dinas.kukar", "name": "Rina Marlina", "role": "district_officer",
                      "district": "64.02"},
            "64.08": {"username": "dinas.kutim", "name": "Yuliana Kombong", "role": "district_officer",
                      "district": "64.08"},
            "64.09": {"username": "dinas.ppu", "name": "Andi Baso Amir", "role": "district_officer",
                      "district": "64.09"}}
OFFICIAL = ("Dr. H. Muhammad Zaini, S.E., M.Si.", "197003151995031002", "Kepala UPTD Pelatihan Koperasi dan UKM")
CO_SIGNER = ("Hj. Siti Aminah, S.Sos.", "198204122006042003", "Kepala Seksi Penyelenggaraan Pelatihan")
# name, institution, NIP (ASN) or NIK, trainer account
NARASUMBER = [("Dr. Andi Pratama, M.M.", "Universitas Mulawarman", "198107202006041005", "narasumber.andi"),
              ("Nurul Hidayah, S.Kom.", "Diskominfo Kaltim", "6472014507880002", "narasumber.nurul"),
              ("Bambang Sutrisno, S.E., Ak.", "Dinas Koperasi dan UKM", "197905112005011004", "narasumber.bambang"),
              ("Yohanes Lasut, M.B.A.", "Praktisi UMKM", "6472010303850004", "narasumber.yohanes")]
# date, start, end (WITA), materi, narasumber: 10 + 8 + 6 = 24 JP of 45 minutes
AGENDA = [("2023-07-04", "08:00", "10:15", "Kebijakan digitalisasi koperasi", 0),
          ("2023-07-04", "10:30", "12:45", "Literasi digital", 1),
          ("2023-07-04", "13:30", "16:30", "Pembukuan koperasi berbasis aplikasi", 2),
          ("2023-07-05", "08:00", "11:00", "Pemasaran daring", 3),
          ("2023-07-05", "13:00", "16:00", "Praktik toko daring koperasi", 0),
          ("2023-07-06", "08:00", "10:15", "Keamanan data anggota", 1),
          ("2023-07-06", "10:30", "12:45", "Rencana tindak lanjut", 2)]
MANAGERS = {  # names outside Latin-1 among them; the last of 64.09 is the day-one substitute, not nominated
    "64.02": ["Muhammad Ṣāliḥ", "Siti Nurhaliza Ré", "Agus Salim", "Rina Wati", "Bambang Hermawan",
              "Hj. Fatimah Zahra", "Yusuf Kurniawan", "Sri Mulyani", "Joko Susilo", "Dian Permata", "Hendra Gunawan",
              "Lestari Handayani"],
    "64.08": ["Nguyễn Thị Hoa", "Dewi Lestari", "Andi Makkasau", "Yosef Lakon", "Maria Goreti", "Samsul Bahri",
              "Nur Aini", "Petrus Ding", "Ayu Wulandari", "Rudi Hartono"],
    "64.09": ["Rahmat Hidayat", "Wahyuni Saputri", "Sulaiman Daeng", "Ika Pratiwi", "Arif Budiman", "Nia Kurnia",
              "Fajar Ramadhan", "Eka Saputra", "Łucja Ćwik"],
}
NO_SHOW, SUBSTITUTE = "Rahmat Hidayat", "Łucja Ćwik"
MISSED = {4: ("Agus Salim", "A", None), 6: ("Dewi Lestari", "S", "surat dokter")}  # session: who, letter, note
# planned, realised (rupiah); the honorarium line is the agenda's proposal (24 JP x Rp 900.000), left as proposed
COMPONENTS = {"uang_saku_peserta": (9_000_000, 8_400_000), "transport_peserta": (6_000_000, 5_800_000),
              "akomodasi": (18_000_000, 17_400_000), "konsumsi": (5_400_000, 5_220_000), "lainnya": (0, 0)}
CODE = "DIG-2023-01"


@pytest.fixture(autouse=True)
def patient_expectations():
    """Every page here answers after a round trip to a service (a save, a sign-in, an event to arrive): on a loaded
    machine that takes longer than Playwright's 5 s default. Conditions are still awaited, never slept on."""
    expect.set_options(timeout=30_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def story(kafka, postgres):
    """Identity, registration and training as processes on the story's clock (3 July 2023, 08:00 WITA)."""
    if LIBFAKETIME is None:
        pytest.fail("libfaketime missing: run .ci/install-deps (Debian package libfaketime)")
    logs = Path(tempfile.mkdtemp(prefix="sipelkop-story-"))  # the services' logs, kept when the story fails
    clock = StoryClock(logs / "faketime")
    clock.set(wita("2023-07-03 08:00"))
    urls = {name: postgres.new_database(name[:3]) for name in ("identity", "registration", "training")}
    running = start_stack(kafka_bootstrap=kafka.bootstrap, database_urls=urls,
                          topic_prefix=f"t{uuid.uuid4().hex[:8]}.", log_dir=logs, extra_env={
                              **clock.env(), "TRAINING_PUBLIC_BASE_URL": "https://sipelkop.kaltimprov.example",
                              # People come back the next day without signing in again (at most a day unused).
                              "IDENTITY_SESSION_IDLE_MINUTES": "1440", "IDENTITY_SESSION_ABSOLUTE_HOURS": "720"})
    print(f"\nservices' logs: {logs}")
    told = {"done": False}
    yield running, clock, told
    running.stop()
    if told["done"]:
        shutil.rmtree(logs, ignore_errors=True)


class Person:
    """One person's browser (laptop or phone), signed in at identity's /masuk whenever a page sends them there."""

    def __init__(self, browser, clock, identity: str, who: dict, device=LAPTOP):
        self.who, self.identity, self.sign_ins = who, identity, 0
        self.context = browser.new_context(**device)
        clock.follow(self.context)
        self.page = self.context.new_page()
        self.page.on("dialog", lambda dialog: dialog.accept())  # "Tutup sesi …?": yes
        self.actions = 0

    def open(self, url: str):
        self.page.goto(url)
        if self.page.url.startswith(f"{self.identity}/masuk"):
            self.fill("#username", self.who["username"])
            self.fill("#password", PASSWORD)
            self.click("button:has-text('Masuk')")
            self.page.wait_for_url(lambda u: not u.startswith(f"{self.identity}/masuk"))
            self.sign_ins += 1
            expect(self.page.locator("header")).to_contain_text(self.who["name"])
        return self.page

    def until(self, url: str, locator: str, text: str, tries: int = 120) -> None:
        """Reload a page until what another service sent by events shows (the person would press F5)."""
        for _ in range(tries):
            self.open(url)
            if text in self.page.locator(locator).inner_text():
                return
            self.page.wait_for_timeout(500)
        raise AssertionError(f"{text!r} never showed in {locator} of {url}")

    # what the person does, counted
    def click(self, selector: str) -> None:
        self.actions += 1
        self.page.click(selector)

    def fill(self, selector: str, value: str) -> None:
        self.actions += 1
        self.page.fill(selector, value)

    def select(self, selector: str, label: str) -> None:
        self.actions += 1
        self.page.select_option(selector, label=label)

    def check(self, selector: str) -> None:
        self.actions += 1
        self.page.check(selector)


def build_the_batch(staff: Person, training: str) -> str:
    """The staffer's part on 3 July: programme, officials, narasumber, batch, agenda. Returns the batch's page."""
    staff.open(f"{training}/konsol")
    staff.click("text=+ Program baru")
    expect(staff.page.locator("#fiscal_year")).to_have_value("2023")  # the province's year
    staff.fill("#name", "Peningkatan Kapasitas SDM Koperasi 2023")
    staff.fill("#funding_source", "DAK")
    staff.fill("#allocation", "1200000000")
    staff.fill("#target_cooperatives", "600")
    staff.click("button:has-text('Simpan program')")
    expect(staff.page.locator("[role=status]")).to_have_text("Program tersimpan.")
    expect(staff.page.locator("main")).to_contain_text("Rp 1.200.000.000")
    expect(staff.page.locator("main")).to_contain_text("600 koperasi")

    staff.click("nav[aria-label='Konsol pelatihan'] >> text=Pejabat")
    for name, nip, position in (OFFICIAL, CO_SIGNER):
        staff.fill("#name", name)
        staff.fill("#nip", nip)
        staff.fill("#position", position)
        staff.click("button:has-text('Simpan pejabat')")
        expect(staff.page.locator("[role=status]")).to_contain_text("tersimpan")

    staff.click("nav[aria-label='Konsol pelatihan'] >> text=Narasumber")
    for name, institution, number, username in NARASUMBER:
        staff.click("text=+ Narasumber baru")
        staff.fill("#name", name)
        staff.fill("#institution", institution)
        staff.fill("#nip" if len(number) == 18 else "#nik", number)
        staff.fill("#rate_per_jp", "900000")
        staff.select("#account_id", f"{name} ({username})")  # the trainer's account, picked by name
        staff.click("button:has-text('Simpan narasumber')")
        expect(staff.page.locator("[role=status]")).to_contain_text("tersimpan")

    staff.click("nav[aria-label='Konsol pelatihan'] >> text=Rencana tahun")
    staff.click("text=+ Angkatan baru")
    staff.fill("#code", CODE)
    staff.fill("#title", "Digitalisasi Usaha Koperasi")
    staff.select("#programme_id", "2023 · Peningkatan Kapasitas SDM Koperasi 2023")
    staff.fill("#venue", "Hotel Mesra, Samarinda")
    staff.fill("#start_date", "2023-07-04")
    staff.fill("#end_date", "2023-07-06")
    staff.fill("#planned_budget", "60000000")
    staff.fill("#completion_min_percent", "90")
    for code in ("64.02", "64.08", "64.09"):
        staff.check(f"input[name=eligible_districts][value='{code}']")
    staff.select("#signing_official_id", f"{OFFICIAL[0]} · {OFFICIAL[2]}")
    staff.select("#co_signer_id", f"{CO_SIGNER[0]} · {CO_SIGNER[2]}")
    staff.click("button:has-text('Jadwalkan angkatan')")
    expect(staff.page.locator("[role=status]")).to_contain_text("Angkatan terjadwal")

    for day, begin, end, topic, who in AGENDA:
        staff.fill("#date", day)
        staff.fill("#start_time", begin)
        staff.fill("#end_time", end)
        staff.fill("#topic", topic)
        staff.select("#trainer_id", f"{NARASUMBER[who][0]} · {NARASUMBER[who][1]}")
        staff.click("button:has-text('Tambah sesi')")
        expect(staff.page.locator("[role=status]")).to_contain_text("ditambahkan")
    return staff.page.url.split("?")[0].split("#")[0]


def nominate(officer: Person, registration: str, batch_id: str, district: str) -> None:
    """An officer's part on 3 July: import the office's cooperatives and managers, nominate all but the reserve."""
    cooperatives, managers = district_sheets(district, MANAGERS[district])
    page = officer.open(f"{registration}/impor")
    for kind, content, created in (("cooperatives", cooperatives, cooperatives.count(b"\n") - 1),
                                   ("participants", managers, len(MANAGERS[district]))):
        page.select_option("#kind", kind)
        page.set_input_files("#file", files=[{"name": f"{kind}-{district}.csv", "mimeType": "text/csv",
                                              "buffer": content}])
        page.click("button:has-text('Impor')")
        expect(page.locator("#import-summary")).to_contain_text(f"{created} baru")
    officer.until(f"{registration}/angkatan", "main", CODE)  # training's batch, learnt by event
    page.click(f"tr:has-text('{CODE}') >> text=Calonkan")
    for name in MANAGERS[district]:
        if name == SUBSTITUTE:
            continue
        page.click(f"button[aria-label='Calonkan {name}']")
        expect(page.locator("[role=status]")).to_contain_text("Terdaftar di angkatan")
    nominated = page.locator("#nominations tbody tr")
    expect(nominated).to_have_count(len(MANAGERS[district]) - (district == "64.09"))
    screenshot(page, f"story-nominated-{district}")


def mark(trainer: Person, training: str, number: int, roster_size: int = 30) -> None:
    """A narasumber on the phone: today's session, everyone Hadir but whoever missed it, saved, closed."""
    day, begin, _, topic, _ = AGENDA[number - 1]
    page = trainer.open(f"{training}/pelatih")
    expect(page.locator("main h1")).to_have_text("Sesi hari ini")
    page.click(f"a.session-today:has-text('Sesi {number}: {topic}')")
    rows = page.locator(".row")
    expect(rows).to_have_count(roster_size)
    if number == 1:  # the substitute, put in at registration this morning, reaches the phone's list by events
        for _ in range(60):
            if SUBSTITUTE in page.locator("#absensi").inner_text():
                break
            page.wait_for_timeout(500)
            page.reload()
        expect(page.locator("#absensi")).to_contain_text(SUBSTITUTE)
        expect(page.locator("#absensi")).not_to_contain_text(NO_SHOW)
    if number in MISSED:
        name, letter, note = MISSED[number]
        row = page.locator(".row", has=page.locator(f"strong:text-is('{name}')"))
        row.get_by_text(letter, exact=True).click()
        if note:
            row.locator(".note").fill(note)
    page.click("#save")
    expect(page.locator("#status.success")).to_contain_text(f"{roster_size} peserta")
    screenshot(page, f"story-session-{number}-marked-390")
    page.click("#close")
    if number == len(AGENDA):
        page.wait_for_url("**/kelulusan")
    else:
        expect(page.locator("#status")).to_contain_text("Sesi sudah ditutup")


def test_the_whole_story_of_a_batch_on_pages(story, browser):
    stack, clock, told = story
    identity, registration, training = (stack[n].url for n in ("identity", "registration", "training"))
    services = [stack[n] for n in ("identity", "registration", "training")]
    people = [STAFFER, *OFFICERS.values(), *({"username": u, "name": n, "role": "trainer"}
                                              for n, _, _, u in NARASUMBER)]
    laps, last = {}, [time.perf_counter()]

    def lap(name: str) -> None:  # where the test's minutes go, printed at the end
        now = time.perf_counter()
        laps[name], last[0] = round(now - last[0], 1), now

    create_accounts(stack, people)
    lap("accounts")

    # Monday 3 July 2023: the staffer builds the batch; the three district offices nominate thirty.
    staff = Person(browser, clock, identity, STAFFER)
    staff.open(f"{training}/konsol")  # signs in at /masuk and comes back: not counted as building
    # The trainers' accounts reach training's "Akun pelatih" list through identity's events (not counted either).
    staff.until(f"{training}/konsol/narasumber/baru", "#account_id", f"{NARASUMBER[-1][0]} ({NARASUMBER[-1][3]})")
    staff.actions, started = 0, time.perf_counter()
    batch_page = build_the_batch(staff, training)
    built, actions = time.perf_counter() - started, staff.actions
    print(f"\nthe staffer built {CODE} on pages (programme, officials, four narasumber, batch, seven sessions): "
          f"{actions} actions (clicks, fills, choices) in {built:.1f} s of browser time")
    main = staff.page.locator("main")
    expect(main).to_contain_text("jadwal 24 JP")
    expect(main).to_contain_text("4 Juli 2023 – 6 Juli 2023")
    expect(main).to_contain_text(f"{OFFICIAL[0]} ({OFFICIAL[2]}, NIP {OFFICIAL[1]}); kedua: {CO_SIGNER[0]}")
    assert staff.page.locator("#jadwal + .tabel tbody tr").count() == 7
    screenshot(staff.page, "story-batch-built")
    batch_id = batch_page.rsplit("/", 1)[1]

    officers = {d: Person(browser, clock, identity, who) for d, who in OFFICERS.items()}
    for district, officer in officers.items():
        nominate(officer, registration, batch_id, district)
    staff.until(batch_page, "#peserta", "Peserta (30)")
    screenshot(staff.page, "story-roster-30")
    lap("build and nominate")

    # Day 1, before the opening: Rahmat Hidayat has not come; the staffer gives his seat to Łucja Ćwik (64.09).
    clock.set(wita("2023-07-04 07:30"), services)
    page = staff.open(f"{registration}/angkatan/{batch_id}")
    staff.click(f"a[aria-label='Ganti {NO_SHOW}']")
    staff.page.locator("select[id^=pengganti-]").select_option(label=f"{SUBSTITUTE} (bendahara)")
    staff.click(f"button:has-text('Ganti {NO_SHOW}')")
    expect(page.locator("[role=status]")).to_contain_text("Peserta diganti")
    expect(page.locator("#nominations tr", has_text=NO_SHOW)).to_contain_text("dibatalkan")
    expect(page.locator("#nominations tr", has_text=SUBSTITUTE)).to_contain_text("terdaftar")
    screenshot(page, "story-substituted")
    lap("substitution")

    # Each narasumber marks their own sessions on their phone, on the day and at the hour they teach.
    trainers = [Person(browser, clock, identity, {"username": u, "name": n}, device=PHONE)
                for n, _, _, u in NARASUMBER]
    for number, (day, begin, _, _, who) in enumerate(AGENDA, start=1):
        clock.set(wita(f"{day} {begin}") + timedelta(minutes=10), services)
        mark(trainers[who], training, number)
        if number == len(AGENDA) or AGENDA[number][0] != day:  # after the day's last session the staffer looks
            clock.set(wita(f"{day} {'13:30' if number == len(AGENDA) else '14:30'}"), services)
            staff.open(batch_page)
            screenshot(staff.page, f"story-console-{day}")
    lap("seven sessions marked")
    completion = trainers[AGENDA[-1][4]].page.locator("#completion")
    assert completion.inner_text().count("Tidak lulus") == 2

    # Day 3, 13:30: 28 certificates; the staffer closes the batch by DAK component.
    expect(main).to_contain_text("Sertifikat (28)")
    assert staff.page.locator("#daftar-peserta .badge.bad").count() == 2
    expect(staff.page.locator("#realised_honor_narasumber")).to_have_value("21600000")
    for component, (planned, realised) in COMPONENTS.items():
        staff.fill(f"#planned_{component}", str(planned))
        staff.fill(f"#realised_{component}", f"{realised:,}".replace(",", "."))
    staff.fill("#planned_honor_narasumber", "21600000")
    staff.click("button:has-text('Tutup angkatan')")
    expect(staff.page.locator("[role=status]")).to_contain_text("Angkatan ditutup")
    expect(main).to_contain_text("realisasi Rp 58.420.000")
    expect(staff.page.locator("#realisasi + .tabel tfoot")).to_contain_text("Rp 60.000.000")
    screenshot(staff.page, "story-batch-closed")
    lap("closing")

    # The daftar hadir of session 1 as the staffer downloads it from the agenda.
    sheet = staff.page.locator("#jadwal + .tabel tbody tr").first.locator("a:has-text('Daftar hadir')")
    answer = staff.page.request.get(training + sheet.get_attribute("href"))
    assert answer.status == 200
    text, _ = keep_pdf(answer.body(), "story-daftar-hadir-sesi-1")
    for expected in ("Kebijakan digitalisasi koperasi (3 JP)", "Selasa, 4 Juli 2023", "08.00–10.15 WITA",
                     NARASUMBER[0][0], f"NIP {NARASUMBER[0][2]}", SUBSTITUTE, "Muhammad Ṣāliḥ", "Nguyễn Thị Hoa",
                     "Kab. Kutai Timur", "Tanda tangan"):
        assert expected in text, (expected, text)
    assert NO_SHOW not in text

    # Day 3, 14:00: the officer of Kutai Timur lists and downloads only 64.08's certificates.
    clock.set(wita("2023-07-06 14:00"), services)
    kutim = officers["64.08"]
    page = kutim.open(f"{training}/sertifikat")
    names = sorted(c.inner_text().strip() for c in page.locator("td[data-label=Nama]").all())
    assert names == sorted(n for n in MANAGERS["64.08"] if n != MISSED[6][0]), names
    screenshot(page, "story-certificates-64.08")
    hoa = page.locator("tr", has_text="Nguyễn Thị Hoa")
    answer = page.request.get(training + hoa.locator("a:has-text('Unduh PDF')").get_attribute("href"))
    assert answer.status == 200 and answer.body().startswith(b"%PDF")
    text, _ = keep_pdf(answer.body(), "story-sertifikat-nguyen-thi-hoa")
    for expected in ("Nguyễn Thị Hoa", "24", "JP", OFFICIAL[0], f"NIP {OFFICIAL[1]}", CO_SIGNER[0],
                     "Digitalisasi Usaha Koperasi", "Kutai Timur", "Pembukuan koperasi berbasis aplikasi",
                     "Rencana tindak lanjut"):
        assert expected in text, (expected, text)
    assert re.search(r"24\s+jam pelajaran", text), text
    staff_list = staff.page.locator("#sertifikat + p + .tabel tbody tr")
    other = staff_list.filter(has_text="Muhammad Ṣāliḥ").locator("td").first.inner_text().strip()
    assert page.request.get(f"{training}/api/v1/certificates/{other}/pdf").status == 403  # 64.02's, not hers

    lap("documents and the district's certificates")
    print(f"seconds by part: {laps}")
    sign_ins = {p.who["username"]: p.sign_ins for p in (staff, *officers.values(), *trainers)}
    print(f"sign-ins over the three days: {sign_ins}")
    for person in (staff, *officers.values(), *trainers):
        person.context.close()
    told["done"] = True
