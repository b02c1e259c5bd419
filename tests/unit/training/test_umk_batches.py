"""Training's side of UMK participants: a batch's eligibility travels in its state, an unknown one is refused, the
laporan counts a UMK owner's business apart from the cooperatives, and every paper of a batch open to UMK heads
the cooperative's column "Koperasi/Usaha" (a cooperatives-only batch keeps "Koperasi")."""
import contextlib
import uuid
from datetime import date
from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from services.training.schemas import BatchCreate
from services.training.service_layer.batches import batch_state
from services.training.service_layer.report import _learning, _participants, nominative_of, suggested_texts
from shared.events.training import BatchScheduled
from tests.fixtures import factories


def test_the_eligibility_is_set_per_batch_and_defaults_to_cooperatives_only():
    assert BatchCreate(**factories.batch()).eligibility == "koperasi"
    assert BatchCreate(**factories.batch(eligibility="koperasi_dan_umk")).eligibility == "koperasi_dan_umk"
    with pytest.raises(ValidationError) as refused:
        BatchCreate(**factories.batch(eligibility="umk_saja"))
    assert refused.value.errors()[0]["loc"] == ("eligibility",)


def test_the_batch_state_carries_the_eligibility():
    batch = SimpleNamespace(id=uuid.uuid4(), code="UMK-1", title="Pemasaran Digital", programme_id=None,
                            fiscal_year=2026, venue="Samarinda", start_date=date(2026, 7, 4),
                            end_date=date(2026, 7, 6), capacity=30, eligible_districts=["64.02"],
                            district_quotas={}, planned_budget=0, eligibility="koperasi_dan_umk")
    assert BatchScheduled(**batch_state(batch, 3)).eligibility == "koperasi_dan_umk"


def test_the_laporan_counts_umk_owners_apart_from_cooperatives():
    coop = uuid.uuid4()
    people = [SimpleNamespace(cooperative_id=coop, category="pengurus_koperasi", gender="L", district_code="64.02",
                              position="ketua"),
              SimpleNamespace(cooperative_id=coop, category="anggota_koperasi", gender="P", district_code="64.02",
                              position="anggota"),
              SimpleNamespace(cooperative_id=uuid.uuid4(), category="pelaku_umk", gender="P", district_code="64.02",
                              position="pemilik usaha")]
    part = _participants(people, SimpleNamespace(capacity=30))
    assert "Peserta berjumlah 3 orang (kapasitas 30) dari 1 koperasi dan 1 pelaku UMK tanpa koperasi." in part.paragraphs[0]
    assert part.paragraphs[1] == "Menurut jabatan di koperasi atau usaha:"  # an owner holds no post in a cooperative
    assert _participants(people[:2], SimpleNamespace(capacity=30)).paragraphs[1] == "Menurut jabatan di koperasi:"


def test_the_laporan_s_first_draft_speaks_of_umk_owners_where_the_batch_admits_them():
    def drafted(eligibility):
        return suggested_texts(SimpleNamespace(title="Pemasaran Digital", fiscal_year=2026, eligibility=eligibility),
                               None)

    umk, cooperatives = drafted("koperasi_dan_umk"), drafted("koperasi")
    assert "bagi pengurus koperasi dan pelaku UMK dari kabupaten/kota peserta" in umk["background"]
    assert "di koperasi atau usahanya masing-masing" in umk["aims"]
    assert "UMK" not in cooperatives["background"] + cooperatives["aims"]
    assert "di koperasinya masing-masing" in cooperatives["aims"]


@contextlib.asynccontextmanager
async def training_as_admin(tmp_path):
    """Training on SQLite with no broker, and a client signed in as the provincial admin."""
    import httpx

    from services.training.bootstrap import create_training_app
    from services.training.config import TrainingSettings
    from tests.fixtures.tokens import test_token

    settings = TrainingSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/t.db", kafka_bootstrap="127.0.0.1:9",
                                identity_url="http://identity.test")
    app = create_training_app(settings, handlers={})
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://training",
                                     headers={"Authorization": f"Bearer {test_token(role='admin')}"}) as admin:
            yield app, admin


async def enrol(app, batch_id: str, **overrides) -> None:
    """A ParticipantEnrolled from registration, applied to training's roster."""
    from services.training.service_layer import roster
    from shared.events.envelope import Envelope
    from shared.events.registration import ParticipantEnrolled

    event = ParticipantEnrolled(**{**factories.enrolled(batch_id), **overrides})
    async with app.state.runtime.uow() as uow:
        await roster.apply_enrolled(uow, Envelope.wrap(event, source="/sipelkop/registration",
                                                       subject=str(event.enrollment_id), aggregate_version=1), event)
        await uow.commit()


UMK_OWNER = {"category": "pelaku_umk", "position": "pemilik usaha", "cooperative_name": "Kerupuk Ikan"}


async def test_a_batch_with_umk_owners_on_its_roster_cannot_be_closed_to_umk(tmp_path):
    async with training_as_admin(tmp_path) as (app, admin):
        made = await admin.post("/api/v1/batches", json=factories.batch(eligibility="koperasi_dan_umk"))
        assert made.status_code == 201 and made.json()["eligibility"] == "koperasi_dan_umk", made.text
        batch_id = made.json()["id"]
        await enrol(app, batch_id, **UMK_OWNER)
        [entry] = (await admin.get(f"/api/v1/batches/{batch_id}/roster")).json()
        assert (entry["category"], entry["cooperative_name"]) == ("pelaku_umk", "Kerupuk Ikan")
        refused = await admin.patch(f"/api/v1/batches/{batch_id}", json={"eligibility": "koperasi"})
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"]["fields"][0]["field"] == "eligibility"
        assert (await admin.get(f"/api/v1/batches/{batch_id}")).json()["eligibility"] == "koperasi_dan_umk"


async def test_the_daftar_hadir_and_the_grid_as_served_name_the_column_for_the_batch(tmp_path):
    import io

    from openpyxl import load_workbook

    from tests.unit.training.test_documents import text_of

    async with training_as_admin(tmp_path) as (app, admin):
        printed = {}
        for eligibility in ("koperasi_dan_umk", "koperasi"):
            batch_id = (await admin.post("/api/v1/batches", json=factories.batch(eligibility=eligibility))).json()["id"]
            await enrol(app, batch_id, **(UMK_OWNER if eligibility == "koperasi_dan_umk" else {}))
            sheet = await admin.get(f"/api/v1/batches/{batch_id}/sessions/1/attendance-sheet.pdf")
            assert sheet.status_code == 200, sheet.text
            grid = await admin.get(f"/api/v1/batches/{batch_id}/attendance.xlsx")
            head = [c.value for c in load_workbook(io.BytesIO(grid.content))["Kehadiran"][6]][:5]
            printed[eligibility] = text_of(sheet.content), head
    sheet, head = printed["koperasi_dan_umk"]
    assert "No Nama Jabatan Koperasi/Usaha Kabupaten/Kota Status Tanda tangan" in sheet and "Kerupuk Ikan" in sheet
    assert head == ["No", "Nama", "Jabatan", "Koperasi/Usaha", "Kabupaten/Kota"]
    sheet, head = printed["koperasi"]
    assert "No Nama Jabatan Koperasi Kabupaten/Kota Status Tanda tangan" in sheet and "Koperasi/Usaha" not in sheet
    assert head == ["No", "Nama", "Jabatan", "Koperasi", "Kabupaten/Kota"]


def _batch(eligibility: str) -> SimpleNamespace:
    return SimpleNamespace(title="Kewirausahaan Koperasi Perikanan", code="KWR-2026-07", venue="Bontang",
                           start_date=date(2026, 12, 8), end_date=date(2026, 12, 10), eligibility=eligibility)


PEOPLE = [SimpleNamespace(full_name="Darmawan Wijaya", position="pemilik usaha", gender="L", district_code="64.74",
                          cooperative_name="Amplang Ikan Pipih Bontang Kuala"),
          SimpleNamespace(full_name="Siti Rahmawati", position="ketua", gender="P", district_code="64.74",
                          cooperative_name="Koperasi Nelayan Bahari Sejahtera Loktuan")]


@pytest.mark.parametrize(("eligibility", "column"), [("koperasi_dan_umk", "Koperasi/Usaha"), ("koperasi", "Koperasi")])
def test_the_daftar_nominatif_and_the_laporan_name_the_column_for_the_batch(eligibility, column):
    import dataclasses
    import io

    from docx import Document
    from openpyxl import load_workbook

    from services.training.adapters import docx_report, pdf_report, xlsx
    from tests.unit.training import report_samples
    from tests.unit.training.test_documents import HEAD, text_of

    listing = nominative_of(_batch(eligibility), PEOPLE)
    sheet = load_workbook(io.BytesIO(xlsx.nominative_xlsx(listing)))["Daftar Nominatif"]
    assert [c.value for c in sheet[6]][:5] == ["No", "Nama", "Jabatan", column, "Kabupaten/Kota"]
    assert [c.value for c in sheet[7]][:4] == [1, "Darmawan Wijaya", "Pemilik usaha",
                                               "Amplang Ikan Pipih Bontang Kuala"]
    printed = text_of(pdf_report.nominative_pdf(listing, HEAD))
    assert f"No Nama Jabatan {column} Kabupaten/Kota L/P" in printed
    assert ("Koperasi/Usaha" in printed) == (eligibility == "koperasi_dan_umk")
    # Why the NIK and NIB columns are empty, truly: registration holds both (a cooperative's and a UMK owner's NIB).
    assert "keduanya disimpan layanan pendaftaran" in printed and "belum dicatat" not in printed

    report = dataclasses.replace(report_samples.report(photos=0), nominative=listing)
    rows = [[c.text for c in row.cells] for table in Document(io.BytesIO(docx_report.report_docx(report))).tables
            for row in table.rows]
    assert ["No", "Nama", "Jabatan", column, "Kabupaten/Kota", "L/P", "NIK (tersamar)", "NIB"] in rows
    assert f"No Nama Jabatan {column} Kabupaten/Kota L/P" in text_of(pdf_report.report_pdf(report))


@pytest.mark.parametrize(("eligibility", "column"), [("koperasi_dan_umk", "Koperasi/Usaha"), ("koperasi", "Koperasi")])
def test_the_laporan_s_table_of_low_post_tests_names_the_column_for_the_batch(eligibility, column):
    from decimal import Decimal

    from services.training.domain.scores import ParticipantResult, batch_results

    found = batch_results([ParticipantResult(uuid.uuid4(), "Darmawan Wijaya", "Amplang Ikan Pipih Bontang Kuala",
                                             Decimal(40), Decimal(50)),
                           ParticipantResult(uuid.uuid4(), "Siti Rahmawati", "Koperasi Nelayan Bahari Sejahtera",
                                             Decimal(60), Decimal(80))])
    below = _learning(found, 60, eligibility).tables[-1]
    assert below.head == ("No", "Nama", column, "Pre-test", "Post-test")
    assert below.rows == (("1", "Darmawan Wijaya", "Amplang Ikan Pipih Bontang Kuala", "40,0", "50,0"),)
