"""The read model of a batch's laporan pelaksanaan, as both its PDF (pdf_report) and its DOCX (docx_report) print
it: plain data, gathered by service_layer/report.py, so the two documents cannot say different things."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from services.training.adapters.pdf import AgendaItem, Letterhead, Signer, hours
from services.training.adapters.xlsx import NominativeList
from shared.web.format import hari_tanggal

NO_DATA = "Belum ada data."


@dataclass(frozen=True)
class Table:
    """A table as printed: headings, rows of text, an optional total row; `numeric` columns align right."""
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    foot: tuple[str, ...] | None = None
    widths: tuple[float, ...] | None = None  # relative
    numeric: tuple[int, ...] = ()
    lead: str = ""  # a sentence printed just above the table (a part's paragraphs all come before its tables)


@dataclass(frozen=True)
class Part:
    """One numbered section: paragraphs and tables in order, or NO_DATA when there is nothing to show."""
    heading: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class Chapter:
    title: str  # "BAB I PENDAHULUAN"
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Photo:
    caption: str
    image: bytes  # a JPEG scaled for print


@dataclass(frozen=True)
class SheetAppendix:
    """A session's daftar hadir as recorded (the signed paper itself is among the evidence scans)."""
    number: int
    item: AgendaItem
    rows: tuple[tuple[str, str, str], ...]  # name, kabupaten/kota, status


@dataclass(frozen=True)
class Report:
    letterhead: Letterhead
    batch_title: str
    batch_code: str
    venue: str
    start_date: date
    end_date: date
    fiscal_year: int
    chapters: tuple[Chapter, ...]
    photos: tuple[Photo, ...]
    evidence_list: Table | None  # scans and other evidence, named in the documentation section
    signer: Signer
    co_signer: Signer | None
    sign_date: date
    nominative: NominativeList
    sheets: tuple[SheetAppendix, ...]
    agenda: tuple[tuple[int, AgendaItem], ...]
    documentation_heading: str = "G. Dokumentasi"
    extra: dict = field(default_factory=dict)

    @property
    def total_jp(self) -> int:
        return sum(item.jp for _, item in self.agenda)


def agenda_table(agenda: tuple[tuple[int, AgendaItem], ...]) -> Table:
    """The jadwal acara as printed in section II.A and in the third appendix."""
    return Table(("Sesi", "Hari/Tanggal", "Waktu", "Materi", "Narasumber", "JP"),
                 tuple((str(no), hari_tanggal(i.day), hours(i.start, i.end), i.topic or "–", i.narasumber or "–",
                        str(i.jp)) for no, i in agenda),
                 foot=("", "", "", "", "Jumlah", str(sum(i.jp for _, i in agenda))), widths=(11, 30, 26, 53, 40, 9),
                 numeric=(5,))
