"""The planning list as a workbook for the district office: a summary, the active cooperatives not yet trained and
those trained this fiscal year (with batch and date), every registry field beside them."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from services.registration.adapters.spreadsheet import FORMULA_STARTS
from shared.web.format import tanggal
COLUMNS = ("No", "Nama koperasi", "Nomor Induk Koperasi", "NIB", "Jenis", "Sektor usaha", "Status", "Grade ODS",
           "Tahun RAT terakhir", "Pola syariah", "Anggota L", "Anggota P", "Pengurus", "Karyawan")


def _row(n: int, c: dict, sector_name) -> list:
    return [n, c["name"], c["registration_number"], c["nib"] or "", c["kind"], sector_name(c["sector"]),
            "aktif" if c["active"] else "tidak aktif", c["grade"] or "", c["last_rat_year"] or "",
            "ya" if c["syariah"] else "tidak", c["members_male"], c["members_female"], c["managers_count"],
            c["employees_count"]]


def _sheet(sheet, headers, rows) -> None:
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(header) + 4))
    sheet.column_dimensions["B"].width = 40
    sheet.freeze_panes = "B2"


def planning_workbook(listing: dict, *, sector_name=lambda code: code) -> bytes:
    book = Workbook()
    summary = book.active
    summary.title = "ringkasan"
    target = listing["target"]
    for label, value in (("Kabupaten/kota", f"{listing['district_name']} ({listing['district_code']})"),
                         ("Tahun anggaran", listing["fiscal_year"]),
                         ("Koperasi aktif", listing["active_count"]),
                         ("Koperasi sudah dilatih", listing["trained_count"]),
                         ("Koperasi aktif belum dilatih", listing["untrained_count"]),
                         ("Target kabupaten/kota", target if target is not None else "belum ditetapkan program"),
                         ("Capaian", f"{listing['progress_percent']:.1f}%".replace(".", ",")
                          if listing["progress_percent"] is not None else "–")):
        summary.append([label, value])
    summary.column_dimensions["A"].width, summary.column_dimensions["B"].width = 30, 45
    items = listing["items"]
    _sheet(book.create_sheet("belum dilatih"), COLUMNS,
           [_row(n, c, sector_name) for n, c in enumerate((c for c in items if not c["trained"]), start=1)])
    trained = []
    for c in (c for c in items if c["trained"]):
        for t in c["trainings"]:
            trained.append(_row(len(trained) + 1, c, sector_name)
                           + [t["batch_code"], t["batch_title"], tanggal(t["end_date"]), t["completers"]])
    _sheet(book.create_sheet("sudah dilatih"), (*COLUMNS, "Angkatan", "Judul pelatihan", "Tanggal selesai",
                                                  "Lulusan"), trained)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type, cell.quotePrefix = "s", True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
