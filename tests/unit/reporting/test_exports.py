"""Files a ministry officer files: CSV and XLSX per report (Indonesian headers, rupiah format), one-page PDF."""
import csv
import io

from openpyxl import load_workbook

from bench.synthetic import programme, seed_batch


async def seeded(log, feed):
    seed_batch(log, programme_id=programme(log))
    await feed(log.records)


async def test_the_district_csv_has_indonesian_headers_and_the_figures(log, feed, viewer):
    await seeded(log, feed)
    response = await viewer.get("/api/v1/reports/districts.csv", params={"fiscal_year": 2023})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert 'filename="sipelkop-districts-2023.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    kukar = next(r for r in rows if r["Kode Kemendagri"] == "64.02")
    assert (kukar["Kabupaten/Kota"], kukar["Peserta terdaftar"], kukar["Peserta lulus"], kukar["Koperasi terlatih"]) \
        == ("Kabupaten Kutai Kartanegara", "12", "10", "10")
    assert len(rows) == 10


async def test_the_workbook_has_one_sheet_per_breakdown_with_rupiah_formatted(log, feed, viewer):
    await seeded(log, feed)
    response = await viewer.get("/api/v1/reports/export.xlsx", params={"fiscal_year": 2023})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Ringkasan", "Kabupaten-Kota", "Sektor", "Jenis Koperasi", "Jenis Kelamin", "Angkatan",
                               "Hasil Belajar", "Kepuasan", "Narasumber", "Anggaran Komponen", "Anggaran Triwulan",
                               "Anggaran Kab-Kota", "Anggaran Angkatan", "Indikator Koperasi", "Jadwal"]
    summary = {row[0].value: row[1] for row in book["Ringkasan"].iter_rows(min_row=2)}
    assert summary["Koperasi terlatih"].value == 28 and summary["Target koperasi"].value == 600
    assert summary["Realisasi anggaran"].value == 56_000_000
    assert summary["Realisasi anggaran"].number_format == '"Rp" #,##0'
    batches = book["Angkatan"]
    headers = [c.value for c in batches[1]]
    realised = batches.cell(row=2, column=headers.index("Realisasi") + 1)
    assert (realised.value, realised.number_format) == (56_000_000, '"Rp" #,##0')
    assert batches.cell(row=2, column=headers.index("Status") + 1).value == "selesai"


async def test_each_report_downloads_as_xlsx_and_csv(log, feed, viewer):
    await seeded(log, feed)
    for name in ("summary", "districts", "sectors", "cooperative-types", "sexes", "batches", "learning",
                 "satisfaction", "narasumber", "budget-components", "budget-quarters", "budget-districts",
                 "budget-batches", "cooperatives", "schedule"):
        for fmt in ("csv", "xlsx"):
            response = await viewer.get(f"/api/v1/reports/{name}.{fmt}")
            assert response.status_code == 200, (name, fmt, response.text[:200])
    assert (await viewer.get("/api/v1/reports/salaries.csv")).status_code == 422


async def test_the_pdf_summary_is_two_pages(log, feed, viewer):
    await seeded(log, feed)
    response = await viewer.get("/api/v1/reports/summary.pdf", params={"fiscal_year": 2023})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response.content.count(b"/Type /Page") - response.content.count(b"/Type /Pages") == 2
