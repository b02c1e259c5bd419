"""The invitation pages in a real headless Chromium at a 1366×768 laptop and a 390×844 phone, over the running
stack (which has no SMTP server set: the e-mails show "belum terkirim", never an error page): the officer sends the
invitations and gets each participant's WhatsApp link; the participant opens the personal link without an account,
declines (the first in line takes the seat) or confirms; the link used again says so; the officer sees the answers."""
import re
import uuid
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.e2e.registration.conftest import schedule_batch
from tests.e2e.registration.test_pages import DESKTOP, PHONE, api, looks_right
from tests.fixtures import factories
from tests.fixtures.browser import screenshot
from tests.fixtures.services import wait_for
from tests.fixtures.tokens import sign_in_browser

LINK = re.compile(r"https?://\S+/konfirmasi/[A-Za-z0-9_-]+")


def test_the_officer_invites_and_participants_answer_on_a_laptop_and_a_phone(reg_stack, browser):
    base = reg_stack["registration"].url
    officer = api(reg_stack, "district_officer", "64.02", "Rina Marlina")
    tag = uuid.uuid4().hex[:4]
    batch = schedule_batch(reg_stack, start_in_days=12, capacity=3, eligible_districts=["64.02"],
                           code=f"UND-{tag}", venue="Hotel Mesra, Samarinda")
    coop = officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02")).json()
    people = []
    for name in ("Siti Aminah", "Muhammad Yusuf", "Dewi Lestari", "Abdul Rahman"):
        body = factories.participant(coop["id"], "64.02", full_name=f"{name} {tag}",
                                     email=f"{name.split()[0].lower()}.{tag}@contoh.id")
        made = officer.post("/api/v1/participants", json=body)
        assert made.status_code == 201, made.text
        people.append(made.json())
    for person in people:
        assert officer.post("/api/v1/enrollments", json={"batch_id": batch["id"],
                                                         "participant_id": person["id"]}).status_code == 201

    links = {}
    for size, viewport, choice in (("1366", DESKTOP, "Tidak dapat hadir"), ("390", PHONE, "Ya, saya hadir")):
        context = browser.new_context(locale="id-ID", viewport=viewport)
        try:
            page = context.new_page()
            sign_in_browser(context, base, role="district_officer", district="64.02", name="Rina Marlina")
            page.goto(f"{base}/angkatan/{batch['id']}")
            page.click("text=Undangan dan konfirmasi kehadiran")
            expect(page.locator("h1")).to_contain_text(batch["code"])
            page.click("form.card button")
            expect(page.locator("[role=status]")).to_contain_text("belum terkirim")  # no SMTP server: kept
            table = page.locator("#konfirmasi")
            expect(table.locator(".badge.warn").first).to_have_text("belum terkirim")
            hrefs = [a.get_attribute("href") for a in table.locator("a:has-text('Kirim WhatsApp')").all()]
            assert hrefs and all(h.startswith("https://wa.me/62") for h in hrefs)
            looks_right(page, viewport["width"])
            screenshot(page, f"registration-undangan-{size}")
            for href in hrefs:
                text = parse_qs(urlsplit(href).query)["text"][0]
                assert batch["code"] in text and "Hotel Mesra, Samarinda" in text
                name = next(p["full_name"] for p in people if p["full_name"] in text)
                links.setdefault(name, LINK.search(text).group(0))

            answering = people[0]["full_name"] if size == "1366" else people[1]["full_name"]
            public = browser.new_context(locale="id-ID", viewport=viewport)  # the participant: no account
            try:
                visitor = public.new_page()
                visitor.goto(links[answering])
                expect(visitor.locator("h1")).to_have_text("Konfirmasi kehadiran")
                expect(visitor.locator("main")).to_contain_text(answering)
                looks_right(visitor, viewport["width"])
                screenshot(visitor, f"registration-konfirmasi-{size}")
                visitor.click(f"button:has-text('{choice}')")
                expect(visitor.locator("#hasil")).to_contain_text(
                    "kursi Anda diberikan" if size == "1366" else "kehadiran Anda sudah tercatat")
                looks_right(visitor, viewport["width"])
                screenshot(visitor, f"registration-konfirmasi-terjawab-{size}")
                visitor.goto(links[answering])  # the link used again
                expect(visitor.locator("#hasil")).to_contain_text("sudah")
                assert visitor.locator("button[name=jawaban]").count() == 0
                visitor.goto(links[answering][:-3] + "xyz")  # tampered with
                expect(visitor.locator("#hasil")).to_contain_text("Tautan konfirmasi tidak dikenali")
                assert "Masuk" not in visitor.inner_text("main")  # no account to sign in to
                looks_right(visitor, viewport["width"])
                screenshot(visitor, f"registration-konfirmasi-salah-{size}")
            finally:
                public.close()
        finally:
            context.close()

    # The decline freed a seat: the one waiting took it; the officer's page shows both answers.
    rows = officer.get("/api/v1/enrollments", params={"batch_id": batch["id"]}).json()
    status = {r["participant_id"]: r["status"] for r in rows}
    assert (status[people[0]["id"]], status[people[3]["id"]]) == ("cancelled", "enrolled")
    read = wait_for(lambda: officer.get(f"/api/v1/batches/{batch['id']}/confirmations").json(),
                    message="the confirmations")
    assert read["counts"] == {"confirmed": 1, "declined": 1, "unanswered": 2}
    context = browser.new_context(locale="id-ID", viewport=DESKTOP)
    try:
        page = context.new_page()
        sign_in_browser(context, base, role="district_officer", district="64.02", name="Rina Marlina")
        page.goto(f"{base}/angkatan/{batch['id']}/undangan")
        expect(page.locator("#rekap")).to_contain_text("Hadir: 1 · Tidak dapat hadir: 1 · Belum menjawab: 2")
        declined = page.locator("#konfirmasi tr", has_text=people[0]["full_name"])
        expect(declined).to_contain_text("tidak dapat hadir")
        expect(declined).to_contain_text("tidak dikirim")  # the declined one's e-mail will not go out
        expect(page.locator("#konfirmasi")).to_contain_text("Kabupaten Kutai Kartanegara")
        expect(page.locator("#konfirmasi")).to_contain_text("server e-mail belum diatur")
        screenshot(page, "registration-undangan-jawaban-1366")
    finally:
        context.close()
