"""The planning page and the nomination picker in a real headless Chromium at a 1366×768 laptop and a 390×844
phone, over the running stack: training's participant.completed reaches registration through the broker, the
planning page shows that cooperative as trained with its batch and the others as still to train, the picker finds
managers by name, cooperative or the NIK's last digits and marks the trained cooperative, and nominating from it
asks for confirmation first."""
import asyncio
import io
import uuid
from concurrent.futures import ThreadPoolExecutor

from aiokafka import AIOKafkaProducer
from openpyxl import load_workbook
from playwright.sync_api import expect

from shared.clock import business_today
from shared.events.envelope import Envelope
from shared.events.training import ParticipantCompleted
from tests.e2e.registration.conftest import schedule_batch
from tests.e2e.registration.test_pages import DESKTOP, PHONE, api, looks_right
from tests.fixtures import factories
from tests.fixtures.browser import screenshot
from tests.fixtures.services import wait_for
from tests.fixtures.tokens import sign_in_browser

PASER = "64.01"


def training_completes(stack, kafka, batch_id: str, cooperative: dict) -> None:
    """Training's participant.completed for someone of `cooperative`, on the stack's completion topic."""
    event = ParticipantCompleted(batch_id=batch_id, participant_id=uuid.uuid4(), cooperative_id=cooperative["id"],
                                 district_code=cooperative["district_code"], sector=cooperative["sector"],
                                 gender="P", sessions_present=6, sessions_total=6, jp_present=24, jp_total=24)
    envelope = Envelope.wrap(event, source="/sipelkop/training", subject=f"{batch_id}:{event.participant_id}",
                             aggregate_version=1)
    prefix = stack["registration"].env["SIPELKOP_TOPIC_PREFIX"]

    async def send():
        producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap, **kafka.options("training"))
        await producer.start()
        try:
            await producer.send_and_wait(prefix + event.topic, envelope.model_dump_json().encode(),
                                         key=envelope.subject.encode())
        finally:
            await producer.stop()

    # Playwright's sync API holds this thread's event loop: the producer gets a thread of its own.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, send()).result(timeout=120)


def test_the_planning_page_and_the_picker_on_a_laptop_and_a_phone(reg_stack, kafka, browser):
    base = reg_stack["registration"].url
    officer = api(reg_stack, "district_officer", PASER, "Siti Masitah")
    tag = uuid.uuid4().hex[:4]
    year = business_today().year  # both batches in this fiscal year, whatever the dates (one may start in January)
    done = schedule_batch(reg_stack, start_in_days=2, eligible_districts=[PASER], code=f"PSR-{tag}-1", fiscal_year=year)
    batch = schedule_batch(reg_stack, start_in_days=30, eligible_districts=[PASER], capacity=10, code=f"PSR-{tag}-2",
                           fiscal_year=year)
    coops = {}
    for key, name in (("trained", f"Koperasi Syariah Tana Paser {tag}"), ("fresh", f"Koperasi Nelayan Tanjung Aru {tag}"),
                      ("other", f"Koperasi Sawit Long Ikis {tag}")):
        made = officer.post("/api/v1/cooperatives", json=factories.cooperative(
            PASER, name=name, syariah=key == "trained", last_rat_year=2025, nib=f"91200{abs(hash(name)) % 10**8:08d}"))
        assert made.status_code == 201, made.text
        coops[key] = made.json()
    people = {}
    for key, (coop, name, position) in {
            "trained": ("trained", "Hj. Rahmawati Daeng", "dewan pengawas syariah"),
            "trained2": ("trained", "Andi Baso Tenri", "sekretaris"),
            "fresh": ("fresh", "Yohanes Lahang", "bendahara")}.items():
        body = factories.participant(coops[coop]["id"], PASER, nik=factories.nik(PASER), full_name=f"{name} {tag}",
                                     position=position)
        made = officer.post("/api/v1/participants", json=body)
        assert made.status_code == 201, made.text
        people[key] = {**made.json(), "nik": body["nik"]}
    training_completes(reg_stack, kafka, done["id"], coops["trained"])
    wait_for(lambda: officer.get("/api/v1/planning/cooperatives").json()["trained_count"] >= 1,
             message="the completion in registration's planning list")

    for size, viewport in (("1366", DESKTOP), ("390", PHONE)):
        context = browser.new_context(locale="id-ID", viewport=viewport, accept_downloads=True)
        try:
            page = context.new_page()
            sign_in_browser(context, base, role="district_officer", district=PASER, name="Siti Masitah")
            page.goto(f"{base}/perencanaan")
            main = looks_right(page, viewport["width"])
            table = page.locator("#planning")
            expect(table).to_contain_text(coops["fresh"]["name"])
            expect(table).not_to_contain_text(coops["trained"]["name"])
            assert "Target kabupaten/kota belum ditetapkan" in main and "Kabupaten Paser" in main
            screenshot(page, f"registration-planning-{size}")
            page.select_option("#status", "sudah")
            page.click("form >> button:has-text('Tampilkan')")
            trained_row = page.locator("#planning tr", has_text=coops["trained"]["name"])
            expect(trained_row).to_contain_text("sudah dilatih")
            expect(trained_row).to_contain_text(done["code"])
            expect(trained_row).to_contain_text("syariah")
            looks_right(page, viewport["width"])
            screenshot(page, f"registration-planning-trained-{size}")
            if size == "1366":
                with page.expect_download() as download:
                    page.click("text=Unduh XLSX")
                book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
                names = [row[1] for row in book["sudah dilatih"].iter_rows(min_row=2, values_only=True)]
                assert coops["trained"]["name"] in names

            page.goto(f"{base}/angkatan/{batch['id']}")
            picker = page.locator("#picker")
            expect(picker.locator("tr", has_text=people["trained2"]["full_name"])).to_contain_text(
                "koperasi sudah dilatih")  # the other manager of the trained cooperative, never nominated here
            expect(picker.locator("tr", has_text=people["fresh"]["full_name"])).to_contain_text("belum dilatih")
            looks_right(page, viewport["width"])
            screenshot(page, f"registration-picker-{size}")
            if size == "1366":
                # By the cooperative's name: its two managers, DPS among them; nominate one, confirm the warning.
                page.fill("#cari", "tana paser")
                page.click("form[role=search] button")
                expect(page.locator("#picker-count")).to_contain_text("2 pengurus cocok")
                row = page.locator("#picker tr", has_text=people["trained"]["full_name"])
                expect(row).to_contain_text("dewan pengawas syariah")
                assert "?" not in page.url and "tana" not in page.url.lower()  # what was typed stays in the body
                row.locator("button").click()
                expect(page.locator("#konfirmasi")).to_contain_text("sudah memiliki peserta yang lulus")
                screenshot(page, f"registration-picker-confirm-{size}")
                page.click("#konfirmasi >> button:has-text('Ya, tetap calonkan')")
                expect(page.locator("[role=status]")).to_have_text("Terdaftar di angkatan.")
            else:
                # By the NIK's last four digits, typed on a phone; an untrained cooperative goes straight on.
                page.fill("#cari", people["fresh"]["nik"][-4:])
                page.click("form[role=search] button")
                expect(page.locator("#picker tbody tr")).to_have_count(1)
                assert people["fresh"]["nik"][-4:] not in page.url
                page.locator("#picker tr", has_text=people["fresh"]["full_name"]).locator("button").click()
                expect(page.locator("[role=status]")).to_have_text("Terdaftar di angkatan.")
                looks_right(page, viewport["width"])
                screenshot(page, f"registration-picker-nominated-{size}")
        finally:
            context.close()
    statuses = {e["participant_id"]: e["status"] for e in officer.get(
        "/api/v1/enrollments", params={"batch_id": batch["id"]}).json()}
    assert statuses == {people["trained"]["id"]: "enrolled", people["fresh"]["id"]: "enrolled"}
