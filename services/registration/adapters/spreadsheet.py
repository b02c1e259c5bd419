"""Reading uploaded CSV/XLSX sheets into rows (within shared/spreadsheets.py's limits: run it in the worker with
`parse_in_worker`), and writing the import templates and error reports."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from shared.spreadsheets import SheetLimits, csv_rows, xlsx_rows
from shared.web.format import angka


class UnreadableSheet(ValueError):
    """The file as a whole cannot be read (not a row's fault); the message speaks to the officer."""


class TooManyRows(UnreadableSheet):
    pass


@dataclass(frozen=True)
class Column:
    header: str  # as in the template, Bahasa Indonesia
    field: str  # the API's field name
    hint: str
    aliases: tuple[str, ...] = ()
    text: bool = False  # long digit strings: Excel must keep them as text or it rounds them


@dataclass
class Row:
    number: int  # as the officer sees it in the spreadsheet: the header is row 1
    values: dict[str, str]


@dataclass
class Table:
    rows: list[Row]
    unknown_columns: list[str]  # headers of the file that no column takes, as written: reported, never guessed


def _key(header) -> str:
    return "_".join(str(header or "").strip().lower().replace("*", "").replace("-", " ").replace("/", " ").split())


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "aktif" if value else "tidak aktif"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 6402014507900001 as a number
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_rows(filename: str, content: bytes, columns: list[Column], *, max_rows: int,
              limits: SheetLimits | None = None) -> list[Row]:
    """Rows of the first sheet, keyed by field name; empty rows are skipped, unknown columns ignored."""
    return read_table(filename, content, columns, max_rows=max_rows, limits=limits).rows


def read_table(filename: str, content: bytes, columns: list[Column], *, max_rows: int,
               limits: SheetLimits | None = None) -> Table:
    """The first sheet's rows keyed by field name (empty rows skipped) and the headers no column takes."""
    limits = limits or SheetLimits(max_rows=max_rows)
    if content[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        raw = _xlsx_rows(content, max_rows, limits)
    else:
        raw = _csv_rows(content, max_rows, limits)
    header = next(raw, None)
    if header is None:
        raise UnreadableSheet("Berkas kosong: baris pertama harus berisi judul kolom seperti pada templat.")
    lookup = {}
    for column in columns:
        for name in (column.header, column.field, *column.aliases):
            lookup[_key(name)] = column.field
    fields = [lookup.get(_key(h)) for h in header]
    if not any(fields):
        raise UnreadableSheet("Judul kolom tidak dikenali; unduh templat dan salin data ke dalamnya.")
    rows = []
    for number, cells in enumerate(raw, start=2):
        values = {f: _cell(v) for f, v in zip(fields, cells) if f}
        if any(values.values()):
            rows.append(Row(number, values))
    unknown = [str(h).strip() for h, f in zip(header, fields) if f is None and str(h or "").strip()]
    return Table(rows, unknown)


def _csv_rows(content: bytes, max_rows: int, limits: SheetLimits):
    for encoding in ("utf-8-sig", "cp1252"):  # Excel on Windows saves "CSV" in the ANSI code page
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # bytes neither encoding has (0x81, 0x8D, 0x8F, 0x90, 0x9D in cp1252): not a text file at all
        raise UnreadableSheet("Berkas CSV tidak dapat dibaca: isinya bukan teks UTF-8 atau Windows-1252. Simpan "
                              "ulang dari Excel sebagai CSV UTF-8 atau sebagai .xlsx.")
    for n, row in enumerate(csv_rows(text, limits)):
        if n > max_rows:
            raise TooManyRows(f"Berkas berisi lebih dari {angka(max_rows)} baris data; bagi menjadi beberapa berkas.")
        yield row


def _unreadable_xlsx() -> UnreadableSheet:
    return UnreadableSheet("Berkas XLSX tidak dapat dibaca; simpan ulang sebagai .xlsx atau .csv.")


def _xlsx_rows(content: bytes, max_rows: int, limits: SheetLimits):
    for n, row in enumerate(xlsx_rows(content, limits, _unreadable_xlsx)):
        if n > max_rows:
            raise TooManyRows(f"Berkas berisi lebih dari {angka(max_rows)} baris data; bagi menjadi beberapa berkas.")
        yield row


def template(columns: list[Column], *, sheet_title: str, choices: dict[str, list[str]]) -> bytes:
    """An empty sheet with the headers (text-formatted where Excel would round) and a sheet of instructions."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    sheet.append([c.header for c in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(14, len(column.header) + 2)
        if column.text:
            sheet.column_dimensions[letter].number_format = "@"  # a column style keeps the template tiny
        if options := choices.get(column.field):
            listed = ",".join(options)
            if len(listed) < 250:  # Excel's limit for an inline list
                rule = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
                rule.add(f"{letter}2:{letter}5001")
                sheet.add_data_validation(rule)
    notes = book.create_sheet("petunjuk")
    notes.append(["kolom", "keterangan"])
    for column in columns:
        notes.append([column.header, column.hint])
    for field, options in choices.items():
        header = next(c.header for c in columns if c.field == field)
        notes.append([f"pilihan {header}", ", ".join(options)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# A cell starting with one of these is read as a formula by a spreadsheet (OWASP "CSV injection"): a name sent as
# =HYPERLINK(...) would come back as a live link in the officer's Excel.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value: str) -> str:
    """A value a spreadsheet would take for a formula, written with a leading apostrophe (shown as typed)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def error_report(columns: list[Column], rejected: list[tuple[Row, list[str]]]) -> bytes:
    """CSV of the rejected rows as sent, with their row numbers and reasons: fix them and upload this file again."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["baris", "alasan", *[c.header for c in columns]])
    for row, reasons in rejected:
        writer.writerow([row.number, "; ".join(reasons), *[as_text(row.values.get(c.field, "")) for c in columns]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8
