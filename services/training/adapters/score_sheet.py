"""The score sheet as a file (openpyxl, csv): the template a trainer downloads (the roster, with the scores as they
stand) and reading an uploaded XLSX or CSV back into rows (within shared/spreadsheets.py's limits: run it in the
worker with `parse_in_worker`). Pure: bytes in, rows out; rows in, bytes out."""
from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from shared.spreadsheets import SheetLimits, csv_rows, xlsx_rows

# (header as in the template, field, other headers accepted for it)
COLUMNS = (("no", "no", ()),
           ("nama", "full_name", ("nama_peserta", "nama_lengkap")),
           ("koperasi", "cooperative_name", ("nama_koperasi",)),
           ("pre_test", "pre_test", ("pretest", "nilai_pre_test", "pre")),
           ("post_test", "post_test", ("posttest", "nilai_post_test", "post")),
           ("id_peserta", "participant_id", ("participant_id", "kode_peserta")))
HEADERS = {field: header for header, field, _ in COLUMNS}
MAX_ROWS = 1000
LIMITS = SheetLimits(max_rows=MAX_ROWS, max_cells=50_000, max_uncompressed_bytes=16 * 2**20,
                     max_shared_strings_bytes=4 * 2**20)  # a batch's sheet is some tens of KB
HINTS = (("no", "nomor urut; tidak dibaca"),
         ("nama", "nama peserta; dipakai bila id_peserta kosong (harus sama persis dengan daftar peserta)"),
         ("koperasi", "tidak dibaca"),
         ("pre_test", "0–100, paling banyak satu angka di belakang koma (62,5); kosong = tidak diubah"),
         ("post_test", "0–100, paling banyak satu angka di belakang koma (62,5); kosong = tidak diubah"),
         ("id_peserta", "jangan diubah: menghubungkan baris dengan peserta di SIPELKOP"),
         ("", "Nilai yang salah di satu baris membatalkan seluruh impor; perbaiki lalu unggah lagi."),
         ("", "Menghapus nilai yang sudah tersimpan dilakukan di halaman nilai, bukan lewat impor."))


class UnreadableSheet(ValueError):
    """The file as a whole cannot be read (not a row's fault); the message speaks to the trainer."""


@dataclass(frozen=True)
class SheetRow:
    number: int  # as the spreadsheet shows it: the header is row 1
    values: dict[str, str]  # field -> the cell as text ("" when empty)


@dataclass(frozen=True)
class TemplateRow:
    full_name: str
    cooperative_name: str
    participant_id: str
    pre_test: float | None
    post_test: float | None


def _key(header) -> str:
    return "_".join(str(header or "").strip().lower().replace("*", "").replace("-", " ").replace("/", " ").split())


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # A cell Excel computed (=A2*0.9) may hold 62.300000000000004 for what it shows as 62,3.
        return f"{round(value, 1)}" if abs(value * 10 - round(value * 10)) < 1e-6 else repr(value)
    return str(value).strip()


def read_rows(filename: str, content: bytes) -> list[SheetRow]:
    """The first sheet's rows keyed by field; empty rows are skipped, columns not in the template ignored."""
    raw = _xlsx(content) if content[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx") else _csv(content)
    header = next(raw, None)
    if header is None:
        raise UnreadableSheet("Berkas kosong: baris pertama harus berisi judul kolom seperti pada templat.")
    lookup = {_key(name): field for header_name, field, aliases in COLUMNS for name in (header_name, field, *aliases)}
    fields = [lookup.get(_key(h)) for h in header]
    if not ({"pre_test", "post_test"} & set(fields)):
        raise UnreadableSheet("Kolom pre_test atau post_test tidak ditemukan; unduh templat dan isi nilainya di sana.")
    if not ({"participant_id", "full_name"} & set(fields)):
        raise UnreadableSheet("Kolom id_peserta atau nama tidak ditemukan; unduh templat dan isi nilainya di sana.")
    rows = []
    for number, cells in enumerate(raw, start=2):
        if number - 1 > MAX_ROWS:
            raise UnreadableSheet(f"Berkas berisi lebih dari {MAX_ROWS} baris; satu angkatan tidak sebanyak itu.")
        values = {f: _cell(v) for f, v in zip(fields, cells) if f}
        if any(values.get(f) for f in ("participant_id", "full_name", "pre_test", "post_test")):
            rows.append(SheetRow(number, values))
    return rows


def _csv(content: bytes):
    for encoding in ("utf-8-sig", "cp1252"):  # Excel on Windows saves "CSV" in the ANSI code page
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # bytes neither encoding has: not a text file at all
        raise UnreadableSheet("Berkas CSV tidak dapat dibaca: isinya bukan teks UTF-8 atau Windows-1252. Simpan "
                              "ulang dari Excel sebagai CSV UTF-8 atau sebagai .xlsx.")
    yield from csv_rows(text, LIMITS)


def _unreadable_xlsx() -> UnreadableSheet:
    return UnreadableSheet("Berkas XLSX tidak dapat dibaca; simpan ulang sebagai .xlsx atau .csv.")


def _xlsx(content: bytes):
    yield from xlsx_rows(content, LIMITS, _unreadable_xlsx)


def template(batch_code: str, batch_title: str, rows: list[TemplateRow]) -> bytes:
    """The roster with its scores as they stand: the trainer fills the two columns and uploads it again."""
    book = Workbook()
    sheet = book.active
    sheet.title = "nilai"
    sheet.append([header for header, _, _ in COLUMNS])
    head = PatternFill("solid", fgColor="E1E8F2")
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), head
    for number, row in enumerate(rows, start=1):
        sheet.append([number, row.full_name, row.cooperative_name, row.pre_test, row.post_test, row.participant_id])
    last = len(rows) + 1
    for letter in ("D", "E"):
        for (cell,) in sheet[f"{letter}2:{letter}{max(last, 2)}"]:
            cell.number_format = "0.0"
    rule = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True,
                          showErrorMessage=True, errorTitle="Nilai tidak sah", error="Nilai 0–100.")
    rule.add(f"D2:E{max(last, 2)}")
    sheet.add_data_validation(rule)
    for letter, width in zip("ABCDEF", (5, 32, 32, 10, 10, 38)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "B2"
    notes = book.create_sheet("petunjuk")
    notes.append([f"Nilai pre-test dan post-test angkatan {batch_code}: {batch_title}"])
    notes.append([])
    notes.append(["kolom", "keterangan"])
    for column, hint in HINTS:
        notes.append([column, hint])
    notes.column_dimensions["A"].width, notes.column_dimensions["B"].width = 14, 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
