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
from shared.pdf import Paper, text
from shared.regions import district_name
from shared.web.format import tanggal_jam

RUPIAH_FORMAT = '"Rp" #,##0'
PERCENT_FORMAT = "0.0%"
DECIMAL_FORMAT = "0.00"
# A cell that a spreadsheet would read as a formula (or that could start one after a tab or carriage return).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A CSV value a spreadsheet opens as text: one starting like a formula gets a leading apostrophe."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _text_cells(row) -> None:
    """XLSX: every string cell stays a string (openpyxl would store "=..." as a formula), and one starting like a
    formula carries Excel's quote prefix so that editing it does not turn it into one either."""
    for cell in row:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if cell.value.startswith(FORMULA_START):
                cell.quotePrefix = True
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
        writer.writerow(["" if row.get(c.key) is None else csv_cell(_plain(row.get(c.key))) for c in columns])
    return out.getvalue().encode("utf-8")


def summary_csv(summary: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Indikator", "Nilai"])
    for header, key, _ in SUMMARY_ROWS:
        value = pick(summary, key)
        writer.writerow([header, "" if value is None else csv_cell(_plain(value))])
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
    elif kind == "dec":
        cell.number_format = DECIMAL_FORMAT
    elif kind == "date" and isinstance(cell.value, (date, datetime)):
        cell.number_format = "DD/MM/YYYY"


def _summary_sheet(sheet, summary: dict) -> None:
    _header(sheet, ["Indikator", "Nilai"])
    for header, key, kind in SUMMARY_ROWS:
        sheet.append([header, _plain(pick(summary, key))])
        _text_cells(sheet[sheet.max_row])
        _format(sheet.cell(row=sheet.max_row, column=2), kind)
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 34, 22


def _breakdown_sheet(sheet, name: str, rows: list[dict]) -> None:
    columns = REPORT_COLUMNS[name]
    _header(sheet, [c.header for c in columns])
    for row in rows:
        sheet.append([_plain(row.get(c.key)) for c in columns])
        _text_cells(sheet[sheet.max_row])
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


def _table(pdf: Paper, widths, heads, rows, *, size: float = 7.5) -> None:
    pdf.font(size, "B")
    for w, h in zip(widths, heads):
        pdf.cell(w, 5.5, text(h), border=1, align="C")
    pdf.ln(5.5)
    pdf.font(size)
    for values in rows:
        for i, (w, v) in enumerate(zip(widths, values)):
            pdf.cell(w, 5, text(v), border=1, align="L" if i == 0 else "R")
        pdf.ln(5)


def _heading(pdf: Paper, words: str) -> None:
    pdf.ln(2.5)
    pdf.font(10, "B")
    pdf.cell(0, 6, text(words), new_x="LMARGIN", new_y="NEXT")


def _budget_and_learning_page(pdf: Paper, report: dict) -> None:
    """Page 2: the DAK budget by component and triwulan, learning results, satisfaction per batch."""
    budget, learned, rated = report["budget_report"], report["learning_report"], report["satisfaction_report"]
    pdf.add_page()
    pdf.font(12, "B")
    pdf.cell(0, 7, "Anggaran DAK, hasil belajar dan kepuasan peserta", new_x="LMARGIN", new_y="NEXT")
    _heading(pdf, "Rencana dan realisasi per komponen (angkatan yang ditutup)")
    rows = [(c["label"], rupiah(c["planned"]), rupiah(c["realised"]), show(c["absorption"], "pct"),
             rupiah(c["cost_per_completer"])) for c in budget["components"] if c["planned"] or c["realised"]]
    rows.append(("Jumlah", rupiah(budget["planned"]), rupiah(budget["realised"]), show(
        rate_of(budget["realised"], budget["planned"]), "pct"), rupiah(budget["cost_per_completer"])))
    _table(pdf, (56, 36, 36, 24, 38), ("Komponen", "Rencana", "Realisasi", "Daya serap", "Per lulusan"), rows)
    _heading(pdf, "Realisasi per triwulan (menurut tanggal selesai angkatan)")
    _table(pdf, (40, 24, 40, 40, 46), ("Triwulan", "Angkatan", "Realisasi", "Kumulatif", "Daya serap kumulatif"),
           [(q["label"], show(q["batches_closed"], "int"), rupiah(q["realised"]), rupiah(q["cumulative"]),
             show(q["absorption_cumulative"], "pct")) for q in budget["quarters"]])
    _heading(pdf, "Hasil belajar (pre-test dan post-test)")
    if learned["batches_scored"]:
        _table(pdf, (50, 28, 28, 32, 26, 26), ("Angkatan", "Pre-test", "Post-test", "Kenaikan", "Kedua nilai",
                                               "Naik"),
               [(b["label"], show(b["average_pre"], "dec"), show(b["average_post"], "dec"),
                 show(b["average_gain"], "dec"), show(b["participants_with_both"], "int"),
                 show(b["improved_share"], "pct")) for b in learned["batches"]]
               + [("Semua angkatan", show(learned["average_pre"], "dec"), show(learned["average_post"], "dec"),
                   show(learned["average_gain"], "dec"), show(learned["participants_with_both"], "int"),
                   show(learned["improved_share"], "pct"))])
    else:
        pdf.font(8.5, "I")
        pdf.cell(0, 5, "Belum ada data nilai.", new_x="LMARGIN", new_y="NEXT")
    _heading(pdf, "Kepuasan peserta (skala 1–5)")
    if rated["batches_evaluated"]:
        _table(pdf, (34, 26, 26, 26, 26, 26, 26), ("Angkatan", "Pengisian", "Penyelenggaraan", "Sarana", "Materi",
                                                   "Narasumber", "Responden"),
               [(b["code"] or "–", show(b["response_rate"], "pct"), show(b["mean_penyelenggaraan"], "dec"),
                 show(b["mean_sarana"], "dec"), show(b["mean_materi"], "dec"), show(b["mean_narasumber"], "dec"),
                 show(b["respondents"], "int")) for b in rated["batches"]], size=7)
    else:
        pdf.font(8.5, "I")
        pdf.cell(0, 5, "Belum ada data evaluasi.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.font(7.5, "I")
    pdf.multi_cell(0, 4, "Kenaikan: post-test dikurangi pre-test, hanya peserta yang memiliki kedua nilai. "
                         "Narasumber pada laporan kepuasan ditulis dengan kode kecuali bersedia disebut namanya.")


def rate_of(part, whole):
    return round(part / whole, 4) if whole else None


def summary_pdf(report: dict) -> bytes:
    """Two A4 pages: headline figures, budget and the ten regencies/cities; then the budget by component and
    triwulan, learning and satisfaction. On the project's paper (shared/pdf): DejaVu Sans prints any batch code,
    component or name as typed."""
    summary = report["summary"]
    pdf = Paper("P")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    year = summary["fiscal_year"] or "semua tahun"
    title = f"Ringkasan Capaian Pelatihan Koperasi – Tahun Anggaran {year}"
    pdf.fit(title, pdf.epw, 14, "B")
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.font(9)
    as_of = tanggal_jam(summary["data_as_of"]) if summary["data_as_of"] else "belum ada data"
    pdf.cell(0, 5, f"UPTD Pelatihan Koperasi dan UKM Kalimantan Timur – data per {as_of}", new_x="LMARGIN",
             new_y="NEXT")
    pdf.ln(2)
    pairs = [(h, show(pick(summary, k), kind)) for h, k, kind in SUMMARY_ROWS
             if k not in ("fiscal_year", "data_as_of")]
    half = (len(pairs) + 1) // 2
    pdf.font(8.5)
    for left, right in zip(pairs[:half], pairs[half:] + [("", "")]):
        for header, value in (left, right):
            pdf.cell(58, 5.2, text(header), border="B")
            pdf.cell(35, 5.2, text(value), border="B", align="R")
        pdf.ln(5.2)
    pdf.ln(3)
    pdf.font(10, "B")
    pdf.cell(0, 6, "Per kabupaten/kota", new_x="LMARGIN", new_y="NEXT")
    widths = (52, 22, 22, 24, 24, 22, 20)
    heads = ("Kabupaten/Kota", "Terdaftar", "Lulus", "Kop. terlatih", "Kop. aktif", "Cakupan", "Kelulusan")
    pdf.font(8, "B")
    for w, h in zip(widths, heads):
        pdf.cell(w, 6, h, border=1, align="C")
    pdf.ln(6)
    pdf.font(8)
    for row in report["districts"]:
        values = (district_name(row["key"]), show(row["participants_enrolled"], "int"),
                  show(row["participants_completed"], "int"), show(row["cooperatives_trained"], "int"),
                  show(row["active_cooperatives"], "int"), show(row["coverage"], "pct"),
                  show(row["completion_rate"], "pct"))
        for i, (w, v) in enumerate(zip(widths, values)):
            pdf.cell(w, 5.5, text(v), border=1, align="L" if i == 0 else "R")
        pdf.ln(5.5)
    pdf.ln(3)
    pdf.font(7.5, "I")
    pdf.multi_cell(0, 4, "Koperasi terlatih: koperasi dengan sekurang-kurangnya satu peserta lulus. Biaya per lulusan "
                         "dan per koperasi dihitung dari angkatan yang sudah ditutup. Sektor riil: di luar simpan "
                         f"pinjam. Pagu {rupiah(summary['budget']['allocation'])}.")
    if "budget_report" in report:
        _budget_and_learning_page(pdf, report)
    return bytes(pdf.output())
