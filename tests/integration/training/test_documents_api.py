"""Training's papers through its HTTP API over real PostgreSQL: a batch with an agenda, narasumber and an official;
the daftar hadir names the narasumber, the attendance grid (XLSX) has a letter per session and the JP attended, and
the certificate states the kabupaten/kota, the total JP, the official's NIP and the agenda."""
from __future__ import annotations

import io
import subprocess
from pathlib import Path

from openpyxl import load_workbook

from services.training.service_layer import roster
from shared.events.envelope import Envelope
from shared.events.registration import ParticipantEnrolled
from tests.fixtures import factories
from tests.integration.training.test_agenda import narasumber, officer
from tests.integration.training.test_officials import NIP, official

NAMES = ("Muhammad Ṣāliḥ", "Nguyễn Thị Hoa", "Łucja Ćwik")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "documents"


def keep_png(content: bytes, name: str) -> None:
    """Every page as a PNG under test-artifacts/documents/ for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-", str(ARTIFACTS / name)], input=content, check=True)


def text_of(content: bytes, *, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(["pdftotext", "-raw", *pages, "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


async def enrol_named(training, batch_id) -> list[dict]:
    people = []
    async with training.runtime.uow() as uow:
        for name, district in zip(NAMES, ("64.08", "64.02", "64.72")):
            event = ParticipantEnrolled(**factories.enrolled(batch_id, district, full_name=name))
            envelope = Envelope.wrap(event, source="/sipelkop/registration", subject=str(event.enrollment_id),
                                     aggregate_version=1)
            await roster.apply_enrolled(uow, envelope, event)
            people.append(event.model_dump(mode="json"))
        await uow.commit()
    return people


async def batch_with_agenda(training) -> tuple[dict, list[dict], dict]:
    admin = training.client()
    head = (await admin.post("/api/v1/officials", json=official())).json()
    opening = await narasumber(training, "Dr. H. Muhammad Zaini, S.E., M.Si.", n=11)
    digital = await narasumber(training, "Nurul Hidayah, S.Kom.", n=12)
    body = factories.batch(start_in_days=0, days=1, trainers=["pelatih-1"], signing_official_id=head["id"])
    day = body["start_date"]
    body["sessions"] = [
        {"date": day, "start_time": "08:00", "end_time": "09:30", "topic": "Pembukaan dan kebijakan koperasi",
         "trainer_id": opening["id"]},
        {"date": day, "start_time": "09:45", "end_time": "12:00", "topic": "Pemasaran digital koperasi",
         "trainer_id": digital["id"]}]
    created = await admin.post("/api/v1/batches", json=body)
    assert created.status_code == 201, created.text
    batch = created.json()
    people = await enrol_named(training, batch["id"])
    trainer = training.client("trainer", "pelatih-1")
    for no, statuses in ((1, ("hadir", "hadir", "izin")), (2, ("hadir", "terlambat", "hadir"))):
        marks = [{"participant_id": p["participant_id"], "status": s} for p, s in zip(people, statuses)]
        marked = await trainer.put(f"/api/v1/batches/{batch['id']}/sessions/{no}/attendance",
                                   json={"marks": marks, "recorded_at": f"{day}T12:30:00+08:00"})
        assert marked.status_code == 200, marked.text
    return batch, people, {"opening": opening, "digital": digital}


async def test_the_daftar_hadir_names_the_narasumber_and_the_grid_counts_the_jp_attended(training):
    batch, people, speakers = await batch_with_agenda(training)
    trainer = training.client("trainer", "pelatih-1")
    sheet = await trainer.get(f"/api/v1/batches/{batch['id']}/sessions/2/attendance-sheet.pdf")
    assert sheet.status_code == 200 and sheet.headers["content-type"] == "application/pdf"
    keep_png(sheet.content, "daftar-hadir")
    text = text_of(sheet.content)
    for expected in ("DAFTAR HADIR PESERTA", "Pemasaran digital koperasi (3 JP)", "09.45–12.00 WITA",
                     "Narasumber : Nurul Hidayah, S.Kom.", "Kab. Kutai Timur", "Kota Samarinda", "Terlambat",
                     "Panitia Penyelenggara,", *NAMES):
        assert expected in text, (expected, text)
    assert "pelatih-1" not in text

    url = f"/api/v1/batches/{batch['id']}/attendance.xlsx"
    for client in (training.client(), training.client("training_staff"), trainer):
        grid = await client.get(url)
        assert grid.status_code == 200, grid.text
        assert grid.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert f'kehadiran-{batch["code"]}.xlsx' in grid.headers["content-disposition"]
    sheet_ = load_workbook(io.BytesIO(grid.content))["Kehadiran"]
    assert batch["code"] in sheet_["A2"].value and "5 JP" in sheet_["A4"].value
    rows = {r[1]: r[5:] for r in sheet_.iter_rows(min_row=7, values_only=True)}
    assert rows == {NAMES[0]: ("H", "H", 2, 5, 100.0), NAMES[1]: ("H", "T", 2, 5, 100.0),
                    NAMES[2]: ("I", "H", 1, 3, 60.0)}
    for client in (training.client("trainer", "pelatih-9"), officer(training), training.client("viewer")):
        assert (await client.get(url)).status_code == 403
    assert (await training.client().get(
        "/api/v1/batches/00000000-0000-4000-8000-000000000000/attendance.xlsx")).status_code == 404


async def test_the_certificate_states_the_district_the_jp_the_official_and_the_agenda(training):
    batch, people, _ = await batch_with_agenda(training)
    trainer = training.client("trainer", "pelatih-1")
    for no in (1, 2):
        assert (await trainer.post(f"/api/v1/batches/{batch['id']}/sessions/{no}/complete")).status_code == 200
    certs = {c["full_name"]: c for c in (await trainer.get(f"/api/v1/batches/{batch['id']}/certificates")).json()}
    assert set(certs) == set(NAMES[:2])  # the third missed a session
    paper = await trainer.get(f"/api/v1/certificates/{certs[NAMES[0]]['number']}/pdf")
    assert paper.status_code == 200
    keep_png(paper.content, "sertifikat")
    front, back = text_of(paper.content, page=1), text_of(paper.content, page=2)
    for expected in (NAMES[0], "Kabupaten Kutai Timur", "selama 5 jam pelajaran (JP)", f"NIP {NIP}",
                     "Kepala UPTD Pelatihan Koperasi dan UKM", "UPTD PELATIHAN KOPERASI DAN UKM"):
        assert expected in front, (expected, front)
    for expected in ("MATERI PELATIHAN", "Pembukaan dan kebijakan koperasi", "Pemasaran digital koperasi",
                     "Nurul Hidayah, S.Kom. 3", "Jumlah jam pelajaran 5"):
        assert expected in back, (expected, back)
