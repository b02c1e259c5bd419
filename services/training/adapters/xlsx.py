"""Training's spreadsheets (openpyxl): a batch's attendance grid (participants x sessions with the status letters and
the JP attended, and a sheet of the sessions) and its daftar nominatif. Pure functions from a read model to bytes,
each saved through `workbook_bytes`, which writes every text cell as text (no formula runs when it is opened)."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from services.training.adapters.pdf import AgendaItem, date_range, hours
from services.training.domain.completion import PRESENT
from services.training.domain.eligibility import COOPERATIVES_ONLY, headed
from shared.web.format import hari_tanggal, tanggal_singkat

LETTERS = {"hadir": "H", "terlambat": "T", "izin": "I", "sakit": "S", "alpa": "A"}
LEGEND = "H = Hadir, T = Terlambat, I = Izin, S = Sakit, A = Alpa, kosong = belum ditandai. JP hadir menghitung H dan T."
PERSON = ("No", "Nama", "Jabatan", "Koperasi", "Kabupaten/Kota")
HEAD_FILL = PatternFill("solid", fgColor="E1E8F2")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


@dataclass(frozen=True)
class GridRow:
    full_name: str
    position: str
    cooperative_name: str
    district: str
    statuses: tuple[str | None, ...]  # one per session, in the grid's order


@dataclass(frozen=True)
class AttendanceGrid:
    batch_title: str
    batch_code: str
    venue: str
    start_date: date
    end_date: date
    sessions: tuple[tuple[int, AgendaItem], ...]  # (session number, the session), in time order
    rows: tuple[GridRow, ...]
    eligibility: str = COOPERATIVES_ONLY  # the batch's: names the cooperative's column

    def jp_attended(self, row: GridRow) -> int:
        return sum(item.jp for (_, item), status in zip(self.sessions, row.statuses) if status in PRESENT)


def _head(cell) -> None:
    cell.font, cell.fill, cell.border = Font(bold=True), HEAD_FILL, BOX
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def attendance_grid_xlsx(grid: AttendanceGrid) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Kehadiran"
    total_jp = sum(item.jp for _, item in grid.sessions)
    sheet["A1"] = "REKAP KEHADIRAN PESERTA"
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = f"Pelatihan: {grid.batch_title} ({grid.batch_code})"
    sheet["A3"] = f"Tempat dan tanggal: {grid.venue}, {date_range(grid.start_date, grid.end_date)}"
    sheet["A4"] = f"{len(grid.sessions)} sesi, {total_jp} JP. {LEGEND}"
    sessions = (f"Sesi {no}\n{tanggal_singkat(item.day)}\n{item.start:%H.%M} · {item.jp} JP"
                for no, item in grid.sessions)
    header = [*headed(PERSON, grid.eligibility), *sessions, "Sesi hadir", "JP hadir", f"% JP (dari {total_jp})"]
    first = 6
    for col, title in enumerate(header, start=1):
        _head(sheet.cell(first, col, title))
    sheet.row_dimensions[first].height = 45
    for i, row in enumerate(grid.rows, start=1):
        letters = [LETTERS.get(s or "", "") for s in row.statuses]
        attended = grid.jp_attended(row)
        values = [i, row.full_name, row.position.capitalize(), row.cooperative_name, row.district, *letters,
                  sum(1 for s in row.statuses if s in PRESENT), attended,
                  round(100 * attended / total_jp, 1) if total_jp else None]
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(first + i, col, value)
            cell.border = BOX
            if col == 1 or len(PERSON) < col <= len(PERSON) + len(letters):
                cell.alignment = Alignment(horizontal="center")
    for col, width in enumerate((5, 32, 12, 32, 26), start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    for col in range(len(PERSON) + 1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 11
    sheet.freeze_panes = sheet.cell(first + 1, len(PERSON) + 1)
    _agenda_sheet(book.create_sheet("Sesi"), grid)
    return workbook_bytes(book)


# A cell starting with one of these is read as a formula by a spreadsheet (OWASP "CSV injection"): a name typed as
# =HYPERLINK("http://…") would become a live link in the UPTD's Excel.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(book: Workbook) -> Workbook:
    """Every text cell that a spreadsheet would take for a formula written as a string, quote-prefixed (Excel shows
    it as typed and keeps it text when edited). openpyxl itself turns any str starting with "=" into a formula."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"
                    cell.quotePrefix = True
    return book


def workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    defuse(book).save(buffer)
    return buffer.getvalue()


def _agenda_sheet(sheet, grid: AttendanceGrid) -> None:
    for col, title in enumerate(("Sesi", "Hari/Tanggal", "Waktu", "Materi", "Narasumber", "JP"), start=1):
        _head(sheet.cell(1, col, title))
    for r, (no, item) in enumerate(grid.sessions, start=2):
        for col, value in enumerate((no, hari_tanggal(item.day), hours(item.start, item.end), item.topic,
                                     item.narasumber or "", item.jp), start=1):
            sheet.cell(r, col, value).border = BOX
    for col, width in enumerate((6, 24, 18, 50, 32, 6), start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width


POSITIONS = {"ketua": "Ketua", "sekretaris": "Sekretaris", "bendahara": "Bendahara", "pengawas": "Pengawas",
             "manajer": "Manajer/Pengelola", "karyawan": "Karyawan"}
SEXES = {"L": "L", "P": "P"}
NOMINATIVE_HEAD = ("No", "Nama", "Jabatan", "Koperasi", "Kabupaten/Kota", "L/P", "NIK (tersamar)", "NIB")


def position_label(code: str) -> str:
    return POSITIONS.get(code, (code or "").replace("_", " ").capitalize())


@dataclass(frozen=True)
class NominativeRow:
    full_name: str
    position: str
    cooperative_name: str
    district: str
    gender: str
    nik_masked: str | None = None
    nib: str | None = None


@dataclass(frozen=True)
class NominativeList:
    batch_title: str
    batch_code: str
    venue: str
    start_date: date
    end_date: date
    rows: tuple[NominativeRow, ...]
    district: str | None = None  # the list of one kabupaten/kota
    note: str = ""  # what the list cannot show and why
    eligibility: str = COOPERATIVES_ONLY  # the batch's: names the cooperative's column

    @property
    def head(self) -> tuple[str, ...]:
        return headed(NOMINATIVE_HEAD, self.eligibility)


def nominative_xlsx(nominative: NominativeList) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Daftar Nominatif"
    sheet["A1"] = "DAFTAR NOMINATIF PESERTA"
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = f"Pelatihan: {nominative.batch_title} ({nominative.batch_code})"
    sheet["A3"] = (f"Tempat dan tanggal: {nominative.venue}, "
                   f"{date_range(nominative.start_date, nominative.end_date)}")
    sheet["A4"] = (f"Kabupaten/Kota: {nominative.district}" if nominative.district else "Semua kabupaten/kota") + \
        f" · {len(nominative.rows)} peserta"
    first = 6
    for col, title in enumerate(nominative.head, start=1):
        _head(sheet.cell(first, col, title))
    for i, row in enumerate(nominative.rows, start=1):
        values = (i, row.full_name, position_label(row.position), row.cooperative_name, row.district,
                  SEXES.get(row.gender, row.gender), row.nik_masked or "–", row.nib or "–")
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(first + i, col, value)
            cell.border = BOX
            if col in (1, 6):
                cell.alignment = Alignment(horizontal="center")
    if nominative.note:
        sheet.cell(first + len(nominative.rows) + 2, 1, nominative.note).alignment = Alignment(wrap_text=False)
    for col, width in enumerate((5, 32, 18, 32, 28, 6, 20, 16), start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = sheet.cell(first + 1, 3)
    return workbook_bytes(book)
