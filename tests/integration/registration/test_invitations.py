"""Invitations over real PostgreSQL and a real SMTP server (aiosmtpd): 30 e-mails arrive with the batch, its dates,
venue and a personal link and no NIK; five decline through their links and the waiting list moves up; a link used
twice or tampered with gets a clear page; an SMTP server that is down loses nothing; the reminder job run twice,
and again after a restart, sends each reminder once."""
from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx

from services.registration.adapters.mail import SmtpMailer
from services.registration.bootstrap import create_registration_app, run_message_job
from services.registration.service_layer import delivery
from shared.web.format import tanggal
from tests.fixtures import factories
from tests.fixtures.infra import free_port
from tests.fixtures.smtp import smtp_server  # noqa: F401  (the fixture)

LINK = re.compile(r"https?://\S+/konfirmasi/[A-Za-z0-9_-]+")


def mailer(url: str) -> SmtpMailer:
    return SmtpMailer(url, "Panitia <panitia@uptd.contoh.id>", timeout=5)


def public(registration) -> httpx.AsyncClient:
    """A participant's browser: no account, no token."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=registration.app), base_url="http://registration",
                             headers={"Accept": "text/html"}, timeout=60)


async def people(admin, n: int, district: str = "64.02", email: bool = True) -> list[dict]:
    coop = (await admin.post("/api/v1/cooperatives", json=factories.cooperative(district))).json()
    made = []
    for _ in range(n):
        body = factories.participant(coop["id"], district)
        if email:
            body["email"] = f"peserta.{uuid.uuid4().hex[:10]}@contoh.id"
        answer = await admin.post("/api/v1/participants", json=body)
        assert answer.status_code == 201, answer.text
        made.append({**answer.json(), "nik": body["nik"]})
    return made


async def enrol(admin, batch: dict, persons: list[dict]) -> list[dict]:
    done = []
    for person in persons:
        answer = await admin.post("/api/v1/enrollments", json={"batch_id": batch["id"], "participant_id": person["id"]})
        assert answer.status_code == 201, answer.text
        done.append(answer.json())
    return done


def path_of(link: str) -> str:
    return urlsplit(link).path


async def test_thirty_invitations_arrive_and_five_declines_promote_the_waiting_list(registration, smtp_server):
    registration.app.state.mailer = mailer(smtp_server.url)
    admin, officer = registration.client("admin"), registration.client("district_officer", "64.02")
    batch = await registration.schedule_batch(capacity=30, title="Digitalisasi Usaha Koperasi", venue="Hotel Mesra, "
                                              "Samarinda", eligible_districts=["64.02"])
    persons = await people(admin, 36)
    nominations = await enrol(admin, batch, persons)
    assert [n["status"] for n in nominations] == ["enrolled"] * 30 + ["waitlisted"] * 6

    sent = await officer.post(f"/api/v1/batches/{batch['id']}/invitations")

    assert sent.status_code == 200, sent.text
    body = sent.json()
    assert len(body["items"]) == 30 and {i["email_status"] for i in body["items"]} == {"terkirim"}
    assert body["counts"] == {"confirmed": 0, "declined": 0, "unanswered": 30}
    for item in body["items"]:  # wa.me/<E.164 digits>?text=<message with the personal link>
        parts = urlsplit(item["whatsapp_link"])
        assert (parts.netloc, parts.path) == ("wa.me", "/" + item["phone"].lstrip("+"))
        text = parse_qs(parts.query)["text"][0]
        assert batch["code"] in text and LINK.search(text)
    received = smtp_server.received()
    assert len(received) == 30
    niks = [p["nik"] for p in persons]
    start, end = date.fromisoformat(batch["start_date"]), date.fromisoformat(batch["end_date"])
    links = {}
    for person in persons[:30]:
        [message] = smtp_server.to(person["email"])
        text = message.get_content()
        assert batch["code"] in message["Subject"] and "Digitalisasi Usaha Koperasi" in text
        assert tanggal(start) in text and tanggal(end) in text and "Hotel Mesra, Samarinda" in text
        assert person["full_name"] in text
        assert not [n for n in niks if n in text or n in message["Subject"]]
        links[person["id"]] = LINK.search(text).group(0)
    assert len(set(links.values())) == 30  # a personal link each

    again = await officer.post(f"/api/v1/batches/{batch['id']}/invitations")  # no second e-mail
    assert again.status_code == 200 and len(smtp_server.received()) == 30

    browser = public(registration)
    for person in persons[:5]:
        page = await browser.get(path_of(links[person["id"]]))
        assert page.status_code == 200 and "Tidak dapat hadir" in page.text and person["full_name"] in page.text
        answer = await browser.post(path_of(links[person["id"]]), data={"jawaban": "tidak_hadir"})
        assert answer.status_code == 200 and "kursi Anda diberikan kepada calon peserta lain" in answer.text
    for person in persons[5:8]:
        answer = await browser.post(path_of(links[person["id"]]), data={"jawaban": "hadir"})
        assert answer.status_code == 200 and "kehadiran Anda sudah tercatat" in answer.text

    rows = (await admin.get("/api/v1/enrollments", params={"batch_id": batch["id"]})).json()
    status = {r["participant_id"]: r["status"] for r in rows}
    assert [status[p["id"]] for p in persons[:5]] == ["cancelled"] * 5
    assert [status[p["id"]] for p in persons[30:35]] == ["enrolled"] * 5  # the first five in line moved up
    assert status[persons[35]["id"]] == "waitlisted"
    seats = (await admin.get(f"/api/v1/batches/{batch['id']}")).json()
    assert (seats["seats_taken"], seats["waitlisted"]) == (30, 1)
    cancelled = await registration.events(type_suffix="enrollment.cancelled.v1")
    assert {e["data"]["participant_id"] for e in cancelled} >= {p["id"] for p in persons[:5]}
    read = (await officer.get(f"/api/v1/batches/{batch['id']}/confirmations")).json()
    assert read["counts"] == {"confirmed": 3, "declined": 5, "unanswered": 27}  # 22 invited + 5 promoted
    promoted = {i["participant_id"]: i for i in read["items"]}
    assert {promoted[p["id"]]["email_status"] for p in persons[30:35]} == {"belum dikirim"}

    await officer.post(f"/api/v1/batches/{batch['id']}/invitations")  # the promoted are invited in their turn
    assert {m["To"].addresses[0].addr_spec for m in smtp_server.received()[30:]} == {p["email"] for p in persons[30:35]}


async def test_a_link_used_twice_or_tampered_with_gets_a_clear_page(registration, smtp_server):
    registration.app.state.mailer = mailer(smtp_server.url)
    admin = registration.client("admin")
    batch = await registration.schedule_batch(capacity=5, eligible_districts=["64.02"])
    [person] = await people(admin, 1)
    await enrol(admin, batch, [person])
    assert (await admin.post(f"/api/v1/batches/{batch['id']}/invitations")).status_code == 200
    [message] = smtp_server.to(person["email"])
    link = path_of(LINK.search(message.get_content()).group(0))
    browser = public(registration)

    first = await browser.post(link, data={"jawaban": "hadir"})
    second = await browser.post(link, data={"jawaban": "tidak_hadir"})
    opened = await browser.get(link)
    code = link.rsplit("/", 1)[1]
    tampered = await browser.get(link[:-len(code)] + code[:-2] + ("AA" if code[-2:] != "AA" else "BB"))
    invented = await browser.post("/konfirmasi/bukan-kode", data={"jawaban": "hadir"})
    api = await httpx.AsyncClient(transport=httpx.ASGITransport(app=registration.app),
                                  base_url="http://registration").post(link, data={"jawaban": "hadir"})

    assert first.status_code == 200
    assert second.status_code == 409 and "sudah mengonfirmasi kehadiran" in second.text
    assert opened.status_code == 409 and "sudah mengonfirmasi kehadiran" in opened.text
    assert 'name="jawaban"' not in opened.text  # no form to answer again
    assert tampered.status_code == 404 and "Tautan konfirmasi tidak dikenali" in tampered.text
    assert invented.status_code == 404 and "Tautan konfirmasi tidak dikenali" in invented.text
    assert api.status_code == 409 and api.json()["error"]["message"].startswith("Anda sudah mengonfirmasi")
    rows = (await admin.get("/api/v1/enrollments", params={"participant_id": person["id"]})).json()
    assert [r["status"] for r in rows] == ["enrolled"]  # the second answer changed nothing


async def test_an_smtp_server_that_is_down_keeps_every_invitation_for_later(registration, smtp_server):
    down = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    registration.app.state.mailer = mailer(down)
    officer = registration.client("district_officer", "64.02")
    batch = await registration.schedule_batch(capacity=10, eligible_districts=["64.02"])
    persons = await people(registration.client("admin"), 4)
    await enrol(registration.client("admin"), batch, persons)

    sent = await officer.post(f"/api/v1/batches/{batch['id']}/invitations")

    assert sent.status_code == 200, sent.text
    assert {i["email_status"] for i in sent.json()["items"]} == {"belum terkirim"}
    assert all(i["whatsapp_link"] for i in sent.json()["items"])  # WhatsApp needs no server
    read = (await officer.get(f"/api/v1/batches/{batch['id']}/confirmations")).json()
    assert {(i["email_status"], i["email_attempts"]) for i in read["items"]} == {("belum terkirim", 1)}
    assert all("SMTP" in i["email_error"] for i in read["items"])

    round_ = await delivery.deliver(registration.runtime.uow, mailer(smtp_server.url),
                                    secret=registration.runtime.settings.confirmation_key, base_url="http://x",
                                    now=datetime.now(UTC) + timedelta(minutes=5))  # the retry's time has come
    assert (round_.sent, round_.failed) == (4, 0)
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp_server.received()) == sorted(p["email"] for p in persons)
    read = (await officer.get(f"/api/v1/batches/{batch['id']}/confirmations")).json()
    assert {i["email_status"] for i in read["items"]} == {"terkirim"}


async def test_the_reminder_job_run_twice_and_after_a_restart_sends_once(registration, smtp_server, postgres):
    admin = registration.client("admin")
    tomorrow = await registration.schedule_batch(start_in_days=1, capacity=10, eligible_districts=["64.02"])
    later = await registration.schedule_batch(start_in_days=5, capacity=10, eligible_districts=["64.02"])
    persons = await people(admin, 4)
    no_email = await people(admin, 1, email=False)
    await enrol(admin, tomorrow, persons + no_email)
    await enrol(admin, later, await people(admin, 2))
    job = mailer(smtp_server.url)

    first = await run_message_job(registration.runtime, job)
    second = await run_message_job(registration.runtime, job)

    reminders = [m for m in smtp_server.received() if m["Subject"].startswith("Pengingat")]
    assert sorted(m["To"].addresses[0].addr_spec for m in reminders) == sorted(p["email"] for p in persons)
    assert first.sent >= 4 and second.sent == 0
    text = reminders[0].get_content()
    assert "dimulai besok" in text and tomorrow["code"] in text and LINK.search(text)
    # A restart: a new process on the same database finds every reminder already sent.
    restarted = create_registration_app(registration.runtime.settings, handlers={}, start_background=False)
    await restarted.state.runtime.start(run_relay=False, run_consumers=False)
    try:
        third = await run_message_job(restarted.state.runtime, job)
    finally:
        await restarted.state.runtime.stop()
    assert third.sent == 0
    assert len([m for m in smtp_server.received() if m["Subject"].startswith("Pengingat")]) == 4


async def test_the_undangan_letter_names_the_batch_days_venue_and_the_districts_participants(registration, tmp_path):
    import subprocess

    admin, officer = registration.client("admin"), registration.client("district_officer", "64.08")
    batch = await registration.schedule_batch(capacity=10, title="Digitalisasi Usaha Koperasi", venue="Aula UPTD, "
                                              "Samarinda", eligible_districts=["64.02", "64.08"])
    own = await people(admin, 2, district="64.08")
    other = await people(admin, 1, district="64.02")
    await enrol(admin, batch, own + other)

    answer = await officer.get(f"/api/v1/batches/{batch['id']}/invitation.pdf")

    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert f'undangan-{batch["code"]}.pdf' in answer.headers["content-disposition"]
    (tmp_path / "undangan.pdf").write_bytes(answer.content)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "undangan.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    start = date.fromisoformat(batch["start_date"])
    for words in ("PEMERINTAH PROVINSI KALIMANTAN TIMUR", "Undangan Pelatihan Digitalisasi Usaha Koperasi",
                  "Kutai Timur", "Aula UPTD, Samarinda", tanggal(start), "Surat tugas", "Kepala UPTD Pelatihan",
                  "NIP", own[0]["full_name"], own[1]["full_name"], "2 orang"):
        assert words in text, words
    assert other[0]["full_name"] not in text  # another district's people are not the officer's to print
    assert not [p["nik"] for p in own + other if p["nik"] in text]
    everyone = await admin.get(f"/api/v1/batches/{batch['id']}/invitation.pdf")  # one letter per district
    (tmp_path / "semua.pdf").write_bytes(everyone.content)
    both = subprocess.run(["pdftotext", str(tmp_path / "semua.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Kutai Kartanegara" in both and "Kutai Timur" in both and other[0]["full_name"] in both
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(tmp_path / "undangan.pdf"),
                    str(tmp_path / "undangan")], check=True)
    import shutil
    from pathlib import Path

    keep = Path("test-artifacts/registration")
    keep.mkdir(parents=True, exist_ok=True)
    for png in sorted(tmp_path.glob("undangan*.png")):
        shutil.copy(png, keep / png.name)


async def test_a_completion_sends_one_certificate_ready_message_with_the_verification_page(registration,
                                                                                          smtp_server):
    from shared.events.envelope import Envelope
    from shared.events.training import ParticipantCompleted
    from services.registration.service_layer import invitations

    admin = registration.client("admin")
    batch = await registration.schedule_batch(capacity=5, eligible_districts=["64.02"])
    [person] = await people(admin, 1)
    [bare] = await people(admin, 1, email=False)
    await enrol(admin, batch, [person, bare])
    coop = (await admin.get(f"/api/v1/participants/{person['id']}")).json()["cooperative_id"]
    for who in (person, bare, person):  # the same completion delivered twice
        event = ParticipantCompleted(batch_id=batch["id"], participant_id=who["id"], cooperative_id=coop,
                                     district_code="64.02", sector="pertanian", gender="P", sessions_present=3,
                                     sessions_total=3)
        envelope = Envelope.wrap(event, source="/sipelkop/training", subject=f"{batch['id']}:{who['id']}",
                                 aggregate_version=1)
        async with registration.runtime.uow() as uow:
            await invitations.apply_completion(uow, envelope, event)
            await uow.commit()
    smtp_server.clear()

    await run_message_job(registration.runtime, mailer(smtp_server.url))
    await run_message_job(registration.runtime, mailer(smtp_server.url))

    certificates = [m for m in smtp_server.received() if m["Subject"].startswith("Sertifikat")]
    assert [m["To"].addresses[0].addr_spec for m in certificates] == [person["email"]]
    text = certificates[0].get_content()
    assert batch["code"] in text and f"{registration.runtime.settings.training_url}/verifikasi" in text
    assert person["nik"] not in text and person["full_name"] in text


async def test_the_officer_s_page_says_belum_terkirim_while_the_smtp_server_is_down_never_an_error(registration):
    from tests.integration.registration.test_substitution_pages import browser

    registration.app.state.mailer = mailer(f"smtp://127.0.0.1:{free_port()}")  # nothing listens there
    batch = await registration.schedule_batch(capacity=5, eligible_districts=["64.02"])
    persons = await people(registration.client("admin"), 2)
    await enrol(registration.client("admin"), batch, persons)
    officer, csrf = browser(registration, role="district_officer", district="64.02", subject="dinas-kukar")

    sent = await officer.post(f"/angkatan/{batch['id']}/undangan", data={"csrf": csrf})

    assert sent.status_code == 200, sent.text
    assert "2 e-mail belum terkirim; dicoba lagi otomatis" in sent.text
    table = sent.text.split('id="konfirmasi"')[1].split("</table>")[0]
    assert table.count("belum terkirim") == 2 and table.count("https://wa.me/62") == 2
    assert all(p["full_name"] in table for p in persons)
    again = await officer.get(f"/angkatan/{batch['id']}/undangan")
    assert again.status_code == 200 and "Belum menjawab: <strong>2</strong>" in again.text
