"""Printed papers (fpdf2): certificates with their agenda and a QR code to the public verification page, and the
daftar hadir of a session. Pure functions from a read model to bytes; text in DejaVu Sans, any script. The paper,
kop and signature block are shared with the laporan pelaksanaan and daftar nominatif (pdf_report)."""
from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, time
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import segno
from fpdf import FPDF
from fpdf.fonts import FontFace

from shared.web.format import hari_tanggal, tanggal

ASSETS = Path(__file__).resolve().parent / "static"
# The project's logo; TRAINING_LOGO_FILE names the agency's own (PNG, JPEG or SVG, which fpdf2 draws itself).
DEFAULT_LOGO = Path(str(resources.files("shared.web") / "static" / "logo.svg"))
FONT = "DejaVu"  # shipped unmodified beside this module (Bitstream Vera licence: LICENSE-DejaVu.txt)
PROVINCE_LINES = ("PEMERINTAH PROVINSI KALIMANTAN TIMUR", "DINAS KOPERASI DAN USAHA KECIL DAN MENENGAH")
STATUS_LABELS = {"hadir": "Hadir", "terlambat": "Terlambat", "izin": "Izin", "sakit": "Sakit", "alpa": "Alpa"}
NAVY = (11, 61, 110)
BLANK_NAME = "(" + "." * 40 + ")"


@dataclass(frozen=True)
class Letterhead:
    """The kop: the agency under the province's lines, with its logo."""
    agency: str
    logo: Path | str = DEFAULT_LOGO


@dataclass(frozen=True)
class Signer:
    position: str
    name: str
    nip: str | None = None


@dataclass(frozen=True)
class AgendaItem:
    day: date
    start: time
    end: time
    topic: str
    jp: int
    narasumber: str | None = None


@dataclass(frozen=True)
class CertificatePaper:
    number: str
    full_name: str
    cooperative_name: str
    district: str
    batch_title: str
    venue: str
    start_date: date
    end_date: date
    signers: tuple[Signer, ...]  # the official first, then the co-signer
    agenda: tuple[AgendaItem, ...]
    verification_url: str
    letterhead: Letterhead
    replaces: str | None = None  # re-issued after a correction: the number this paper replaces

    @property
    def total_jp(self) -> int:
        return sum(item.jp for item in self.agenda)


@dataclass(frozen=True)
class SheetRow:
    full_name: str
    position: str
    cooperative_name: str
    district: str
    status: str | None = None  # hadir | terlambat | izin | sakit | alpa, or not marked yet


@dataclass(frozen=True)
class AttendanceSheet:
    letterhead: Letterhead
    batch_title: str
    batch_code: str
    venue: str
    session_no: int
    item: AgendaItem
    narasumber_nip: str | None
    rows: tuple[SheetRow, ...]


def date_range(start: date, end: date) -> str:
    if start == end:
        return tanggal(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{tanggal(end)}"
    return f"{tanggal(start)} – {tanggal(end)}"


def hours(start: time, end: time) -> str:
    return f"{start:%H.%M}–{end:%H.%M} WITA"


def _text(value) -> str:
    # Precomposed letters (NFC): a name typed as S + combining dot prints as the one glyph Ṣ.
    return unicodedata.normalize("NFC", str(value or ""))


class _Paper(FPDF):
    def __init__(self, orientation: str):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.add_font(FONT, "", ASSETS / "DejaVuSans.ttf")
        self.add_font(FONT, "B", ASSETS / "DejaVuSans-Bold.ttf")
        self.set_text_color(0, 0, 0)

    def font(self, size: float, style: str = "") -> None:
        self.set_font(FONT, style, size)

    numbered = False  # "Halaman 2 dari 3" at the foot: a daftar hadir of many pages is filed page by page

    def footer(self) -> None:
        if self.numbered:
            self.set_y(-11)
            self.font(7.5)
            self.cell(0, 4, f"Halaman {self.page_no()} dari {{nb}}", align="R")

    def fit(self, text: str, width: float, size: float, style: str = "") -> None:
        """The font at `size`, or smaller until `text` fits on one line of `width` (a long name or agency)."""
        self.font(size, style)
        while size > 7 and self.get_string_width(_text(text)) > width:
            size -= 0.5
            self.font(size, style)

    def centred(self, y: float, height: float, text: str, *, x: float | None = None, width: float | None = None):
        self.set_xy(self.l_margin if x is None else x, y)
        self.cell(width or self.epw, height, _text(text), align="C")


def _letterhead(pdf: _Paper, head: Letterhead, *, top: float) -> float:
    """Logo on the left, the province's lines and the agency centred, the double rule under it; returns its foot."""
    pdf.image(str(head.logo), x=pdf.l_margin + 2, y=top, h=22, keep_aspect_ratio=True)
    lines = (*PROVINCE_LINES, head.agency.upper())
    x, width = pdf.l_margin + 26, pdf.epw - 28
    for i, (line, size) in enumerate(zip(lines, (11, 12, 13))):
        pdf.fit(line, width, size, "B")
        pdf.centred(top + 1 + i * 6.5, 6, line, x=x, width=width)
    foot = top + 24
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.9)
    pdf.line(pdf.l_margin, foot, pdf.w - pdf.r_margin, foot)
    pdf.set_line_width(0.25)
    pdf.line(pdf.l_margin, foot + 1.3, pdf.w - pdf.r_margin, foot + 1.3)
    return foot + 1.3


def qr_block(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    """Draw the QR code as vector squares: crisp when printed, and no image encoding per certificate."""
    matrix = [list(row) for row in segno.make(url, error="m").matrix_iter(scale=1, border=0)]
    cell = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                run = c
                while run < len(row) and row[run]:
                    run += 1
                pdf.rect(x + c * cell, y + r * cell, (run - c) * cell, cell, style="F")
                c = run
            else:
                c += 1


def _signature(pdf: _Paper, x: float, y: float, width: float, heading: str, signer: Signer | None) -> None:
    """Heading (place and date, position), room to sign, the name underlined, the NIP; blank lines when unnamed."""
    pdf.font(10.5)
    pdf.set_xy(x, y)
    pdf.multi_cell(width, 5.2, _text(heading), align="C")
    pdf.set_xy(x, y + 30)
    if signer is None:
        pdf.cell(width, 5.5, BLANK_NAME, align="C")
        pdf.set_xy(x, y + 35.5)
        pdf.cell(width, 5.5, "NIP " + "." * 30, align="C")
        return
    pdf.font(10.5, "BU")
    pdf.cell(width, 5.5, _text(signer.name), align="C")
    if signer.nip:
        pdf.font(10)
        pdf.set_xy(x, y + 35.5)
        pdf.cell(width, 5.5, f"NIP {signer.nip}", align="C")


def certificate_pdf(paper: CertificatePaper) -> bytes:
    pdf = _Paper("L")
    pdf.set_margins(20, 16, 20)
    pdf.set_auto_page_break(False)
    pdf.set_title(f"Sertifikat {paper.number}")
    pdf.add_page()
    _frame(pdf)
    top = _letterhead(pdf, paper.letterhead, top=17)
    pdf.set_text_color(*NAVY)
    pdf.font(28, "B")
    pdf.centred(top + 5, 13, "SERTIFIKAT")
    pdf.set_text_color(0, 0, 0)
    pdf.font(11)
    pdf.centred(top + 18, 6, f"Nomor: {paper.number}")
    if paper.replaces:
        pdf.font(8)
        pdf.centred(top + 23, 4, f"Menggantikan sertifikat nomor {paper.replaces}")
        pdf.font(11)
    pdf.centred(top + 27, 6, "Diberikan kepada:")
    pdf.fit(paper.full_name, pdf.epw, 21, "B")
    pdf.centred(top + 34, 11, paper.full_name)
    origin = f"{paper.cooperative_name} – {paper.district}"
    pdf.fit(origin, pdf.epw, 12)
    pdf.centred(top + 46, 6.5, origin)
    pdf.font(12)
    pdf.set_xy(32, top + 56)
    pdf.multi_cell(pdf.w - 64, 6.5, _text(
        f"telah mengikuti dan menyelesaikan pelatihan “{paper.batch_title}” yang diselenggarakan oleh "
        f"{paper.letterhead.agency} di {paper.venue} pada tanggal {date_range(paper.start_date, paper.end_date)} "
        f"selama {paper.total_jp} jam pelajaran (JP)."), align="C")
    signer, *co = paper.signers
    sign_y = top + 78
    _signature(pdf, 180, sign_y, 95, f"{paper.venue}, {tanggal(paper.end_date)}\n{signer.position}", signer)
    if co:
        _signature(pdf, 85, sign_y, 90, f"Mengetahui,\n{co[0].position}", co[0])
    qr_block(pdf, paper.verification_url, 27, sign_y + 2, 32)
    pdf.font(7)
    pdf.set_xy(20, sign_y + 35)
    pdf.cell(46, 3.5, "Pindai untuk memeriksa keaslian", align="C")
    if code := parse_qs(urlsplit(paper.verification_url).query).get("kode", [""])[0]:
        # For whoever types the number into the verification page instead of scanning: both are needed there.
        pdf.set_xy(20, sign_y + 39)
        pdf.font(7, "B")
        pdf.cell(46, 3.5, f"Kode verifikasi: {code[:5]}-{code[5:]}", align="C")
    pdf.set_xy(20, pdf.h - 20)
    pdf.cell(200, 3.5, _text(paper.verification_url[:120]))
    _agenda_page(pdf, paper)
    return bytes(pdf.output())


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)


def _agenda_page(pdf: _Paper, paper: CertificatePaper) -> None:
    """The second page: every session's materi with its JP, and the total the first page states."""
    pdf.add_page()
    _frame(pdf)
    pdf.font(14, "B")
    pdf.centred(22, 8, "MATERI PELATIHAN")
    pdf.font(11)
    pdf.centred(31, 6, f"{paper.batch_title} – {paper.venue}, {date_range(paper.start_date, paper.end_date)}")
    pdf.centred(37, 6, f"a.n. {paper.full_name} (Nomor {paper.number})")
    pdf.set_xy(pdf.l_margin, 47)
    pdf.font(9.5)
    heading = FontFace(emphasis="BOLD", fill_color=(225, 232, 242))
    with pdf.table(col_widths=(10, 48, 34, 105, 45, 15), line_height=5.6, headings_style=heading,
                   text_align=("CENTER", "LEFT", "CENTER", "LEFT", "LEFT", "CENTER")) as table:
        table.row(("No", "Hari/Tanggal", "Waktu", "Materi", "Narasumber", "JP"))
        for i, item in enumerate(paper.agenda, start=1):
            table.row((str(i), hari_tanggal(item.day), hours(item.start, item.end), _text(item.topic) or "–",
                       _text(item.narasumber or "–"), str(item.jp)))
        total = table.row()
        total.cell("Jumlah jam pelajaran", colspan=5, align="RIGHT", style=FontFace(emphasis="BOLD"))
        total.cell(str(paper.total_jp), align="CENTER", style=FontFace(emphasis="BOLD"))


def certificates_zip(papers) -> bytes:
    """One PDF per certificate, named by its number (slashes become dashes in file names)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for paper in papers:
            archive.writestr(f"{paper.number.replace('/', '-')}.pdf", certificate_pdf(paper))
    return buffer.getvalue()


def attendance_sheet_pdf(sheet: AttendanceSheet) -> bytes:
    """Daftar hadir for the SPJ: a row per participant to sign on paper (statuses already marked are printed),
    signed by the narasumber and the committee."""
    pdf = _Paper("P")
    pdf.numbered = True
    pdf.set_margins(15, 12, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(f"Daftar hadir {sheet.batch_code} sesi {sheet.session_no}")
    pdf.add_page()
    top = _letterhead(pdf, sheet.letterhead, top=12)
    pdf.font(13, "B")
    pdf.centred(top + 4, 7, "DAFTAR HADIR PESERTA")
    item = sheet.item
    pdf.set_xy(pdf.l_margin, top + 14)
    for label, value in (("Pelatihan", f"{sheet.batch_title} ({sheet.batch_code})"), ("Tempat", sheet.venue),
                         ("Hari/Tanggal", hari_tanggal(item.day)), ("Waktu", hours(item.start, item.end)),
                         ("Sesi / Materi", f"{sheet.session_no} – {item.topic} ({item.jp} JP)"),
                         ("Narasumber", item.narasumber or "")):
        pdf.font(9.5)
        pdf.cell(30, 5.5, label)
        pdf.cell(4, 5.5, ":")
        pdf.multi_cell(0, 5.5, _text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.font(8.5)
    heading = FontFace(emphasis="BOLD", fill_color=(225, 232, 242))
    with pdf.table(col_widths=(8, 38, 20, 33, 30, 19, 32), line_height=4.4, padding=(2.2, 1), headings_style=heading,
                   text_align=("CENTER", "LEFT", "LEFT", "LEFT", "LEFT", "CENTER", "LEFT")) as table:
        table.row(("No", "Nama", "Jabatan", "Koperasi", "Kabupaten/Kota", "Status", "Tanda tangan"))
        for i, row in enumerate(sheet.rows, start=1):
            cells = table.row()
            for text in (str(i), _text(row.full_name), _text(row.position).capitalize(), _text(row.cooperative_name),
                         _text(row.district), STATUS_LABELS.get(row.status or "", "")):
                cells.cell(text)
            # Staggered numbers, as on paper: neighbours never sign on the same spot.
            cells.cell(f"{i}.", align="LEFT" if i % 2 else "CENTER")
    if pdf.get_y() + 52 > pdf.h - pdf.b_margin:
        pdf.add_page()
    y = pdf.get_y() + 8
    narasumber = Signer("", item.narasumber, sheet.narasumber_nip) if item.narasumber else None
    _signature(pdf, 15, y, 80, "\nNarasumber,", narasumber)
    _signature(pdf, 115, y, 80, f"{sheet.venue}, {tanggal(item.day)}\nPanitia Penyelenggara,", None)
    return bytes(pdf.output())


def short_district(name: str) -> str:
    """"Kabupaten Kutai Timur" -> "Kab. Kutai Timur": the column is narrow."""
    return name.replace("Kabupaten ", "Kab. ", 1)


# What the other papers of training (pdf_report) build on: one kop, one signature block, one way to set text.
Paper, letterhead_block, signature_block, text = _Paper, _letterhead, _signature, _text
HEADING_STYLE = FontFace(emphasis="BOLD", fill_color=(225, 232, 242))
