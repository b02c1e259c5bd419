"""Files a ministry officer can file: CSV per report, XLSX (one sheet per breakdown), a one-page PDF summary."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from services.reporting.entrypoints.columns import (REPORT_COLUMNS, SHEET_TITLES, STATUS, SUMMARY_ROWS, pick,
                                                    rupiah, show)
from shared.regions import district_name

RUPIAH_FORMAT = '"Rp" #,##0'
PERCENT_FORMAT = "0.0%"
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")


def _plain(value):
    """A value for CSV/XLSX cells: numbers stay numbers, status words in Bahasa Indonesia."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, str) and value in STATUS:
        return STATUS[value]
    return value


def report_csv(name: str, rows: list[dict]) -> bytes:
    columns = REPORT_COLUMNS[name]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header for c in columns])
    for row in rows:
        writer.writerow(["" if row.get(c.key) is None else _plain(row.get(c.key)) for c in columns])
    return out.getvalue().encode("utf-8")


def summary_csv(summary: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Indikator", "Nilai"])
    for header, key, _ in SUMMARY_ROWS:
        value = pick(summary, key)
        writer.writerow([header, "" if value is None else _plain(value)])
    return out.getvalue().encode("utf-8")


def _header(sheet, headers: list[str]) -> None:
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


def _format(cell, kind: str) -> None:
    if kind == "rupiah":
        cell.number_format = RUPIAH_FORMAT
    elif kind == "pct":
        cell.number_format = PERCENT_FORMAT
    elif kind == "date" and isinstance(cell.value, (date, datetime)):
        cell.number_format = "DD/MM/YYYY"


def _summary_sheet(sheet, summary: dict) -> None:
    _header(sheet, ["Indikator", "Nilai"])
    for header, key, kind in SUMMARY_ROWS:
        sheet.append([header, _plain(pick(summary, key))])
        _format(sheet.cell(row=sheet.max_row, column=2), kind)
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 34, 22


def _breakdown_sheet(sheet, name: str, rows: list[dict]) -> None:
    columns = REPORT_COLUMNS[name]
    _header(sheet, [c.header for c in columns])
    for row in rows:
        sheet.append([_plain(row.get(c.key)) for c in columns])
        for i, column in enumerate(columns, start=1):
            _format(sheet.cell(row=sheet.max_row, column=i), column.kind)
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = 28 if column.kind == "text" else 16


def workbook(report: dict, names: tuple[str, ...]) -> bytes:
    """`report` holds "summary" and/or breakdown rows by name; one sheet each, in the order of `names`."""
    book = Workbook()
    book.remove(book.active)
    for name in names:
        sheet = book.create_sheet(SHEET_TITLES[name])
        if name == "summary":
            _summary_sheet(sheet, report["summary"])
        else:
            _breakdown_sheet(sheet, name, report[name])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def summary_pdf(report: dict) -> bytes:
    """One A4 page: headline figures, budget, and the ten regencies/cities."""
    from fpdf import FPDF

    summary = report["summary"]
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    year = summary["fiscal_year"] or "semua tahun"
    pdf.cell(0, 8, f"Ringkasan Capaian Pelatihan Koperasi - Tahun Anggaran {year}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    as_of = summary["data_as_of"].strftime("%d/%m/%Y %H:%M UTC") if summary["data_as_of"] else "belum ada data"
    pdf.cell(0, 5, f"UPTD Pelatihan Koperasi dan UKM Kalimantan Timur - data per {as_of}", new_x="LMARGIN",
             new_y="NEXT")
    pdf.ln(2)
    pairs = [(h, show(pick(summary, k), kind)) for h, k, kind in SUMMARY_ROWS
             if k not in ("fiscal_year", "data_as_of")]
    half = (len(pairs) + 1) // 2
    pdf.set_font("Helvetica", "", 8.5)
    for left, right in zip(pairs[:half], pairs[half:] + [("", "")]):
        for header, value in (left, right):
            pdf.cell(58, 5.2, header, border="B")
            pdf.cell(35, 5.2, value, border="B", align="R")
        pdf.ln(5.2)
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, "Per kabupaten/kota", new_x="LMARGIN", new_y="NEXT")
    widths = (52, 22, 22, 24, 24, 22, 20)
    heads = ("Kabupaten/Kota", "Terdaftar", "Lulus", "Kop. terlatih", "Kop. aktif", "Cakupan", "Kelulusan")
    pdf.set_font("Helvetica", "B", 8)
    for w, h in zip(widths, heads):
        pdf.cell(w, 6, h, border=1, align="C")
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 8)
    for row in report["districts"]:
        values = (district_name(row["key"]), show(row["participants_enrolled"], "int"),
                  show(row["participants_completed"], "int"), show(row["cooperatives_trained"], "int"),
                  show(row["active_cooperatives"], "int"), show(row["coverage"], "pct"),
                  show(row["completion_rate"], "pct"))
        for i, (w, v) in enumerate(zip(widths, values)):
            pdf.cell(w, 5.5, v, border=1, align="L" if i == 0 else "R")
        pdf.ln(5.5)
    pdf.ln(3)
    pdf.set_font("Helvetica", "I", 7.5)
    pdf.multi_cell(0, 4, "Koperasi terlatih: koperasi dengan sekurang-kurangnya satu peserta lulus. Biaya per lulusan "
                         "dan per koperasi dihitung dari angkatan yang sudah ditutup. Sektor riil: di luar simpan "
                         f"pinjam. Pagu {rupiah(summary['budget']['allocation'])}.")
    return bytes(pdf.output())
