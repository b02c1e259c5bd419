"""Printed papers (fpdf2): certificates with their agenda and a QR code to the public verification page, and the
daftar hadir of a session. Pure functions from a read model to bytes, on the project's paper (shared/pdf: DejaVu
Sans, the kop, the signature block), which the laporan pelaksanaan and daftar nominatif (pdf_report) share."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, time
from urllib.parse import parse_qs, urlsplit

import segno
from fpdf import FPDF
from fpdf.fonts import FontFace

from services.training.domain.certificates import written_code
from services.training.domain.eligibility import COOPERATIVES_ONLY, headed
# Re-exported: training's other papers (docx_report, report_model, xlsx) and its service layer read them from here.
from shared.pdf import (BLANK_NAME, DEFAULT_LOGO, HEADING_STYLE, PROVINCE_LINES, Letterhead, Paper,  # noqa: F401
                        Signer, breaks_page, date_range, hours, letterhead_block, signature_block,
                        signature_row, text)
from shared.web.format import hari_tanggal, tanggal

STATUS_LABELS = {"hadir": "Hadir", "terlambat": "Terlambat", "izin": "Izin", "sakit": "Sakit", "alpa": "Alpa"}
NAVY = (11, 61, 110)


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
    committee: tuple[Signer, ...] = ()  # the batch's official (name, NIP, position), then its co-signer if any
    eligibility: str = COOPERATIVES_ONLY  # the batch's: names the cooperative's column


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


def certificate_pdf(paper: CertificatePaper) -> bytes:
    pdf = Paper("L")
    pdf.set_margins(20, 16, 20)
    pdf.set_auto_page_break(False)
    pdf.set_title(f"Sertifikat {paper.number}")
    pdf.add_page()
    _frame(pdf)
    top = letterhead_block(pdf, paper.letterhead, top=17)
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
    pdf.multi_cell(pdf.w - 64, 6.5, text(
        f"telah mengikuti dan menyelesaikan pelatihan “{paper.batch_title}” yang diselenggarakan oleh "
        f"{paper.letterhead.agency} di {paper.venue} pada tanggal {date_range(paper.start_date, paper.end_date)} "
        f"selama {paper.total_jp} jam pelajaran (JP)."), align="C")
    signer, *co = paper.signers
    sign_y = top + 78
    signature_block(pdf, 180, sign_y, 95, f"{paper.venue}, {tanggal(paper.end_date)}\n{signer.position}", signer)
    if co:
        signature_block(pdf, 85, sign_y, 90, f"Mengetahui,\n{co[0].position}", co[0])
    qr_block(pdf, paper.verification_url, 27, sign_y + 2, 32)
    pdf.font(7)
    pdf.set_xy(20, sign_y + 35)
    pdf.cell(46, 3.5, "Pindai untuk memeriksa keaslian", align="C")
    if code := parse_qs(urlsplit(paper.verification_url).query).get("kode", [""])[0]:
        # For whoever types the number into the verification page instead of scanning: both are needed there.
        pdf.set_xy(20, sign_y + 39)
        pdf.font(7, "B")
        pdf.cell(46, 3.5, f"Kode verifikasi: {written_code(code)}", align="C")
    pdf.set_xy(20, pdf.h - 20)
    pdf.cell(200, 3.5, text(paper.verification_url[:120]))
    _agenda_page(pdf, paper)
    return bytes(pdf.output())


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)


def _agenda_page(pdf: Paper, paper: CertificatePaper) -> None:
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
    with pdf.table(col_widths=(10, 48, 34, 105, 45, 15), line_height=5.6, headings_style=HEADING_STYLE,
                   text_align=("CENTER", "LEFT", "CENTER", "LEFT", "LEFT", "CENTER")) as table:
        table.row(("No", "Hari/Tanggal", "Waktu", "Materi", "Narasumber", "JP"))
        for i, item in enumerate(paper.agenda, start=1):
            table.row((str(i), hari_tanggal(item.day), hours(item.start, item.end), text(item.topic) or "–",
                       text(item.narasumber or "–"), str(item.jp)))
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


SHEET_HEAD = ("No", "Nama", "Jabatan", "Koperasi", "Kabupaten/Kota", "Status", "Tanda tangan")
SHEET_WIDTHS = (8, 38, 20, 33, 30, 19, 32)
# The last rows go over to a new page with the signature blocks when those do not fit under them: a page of the
# daftar hadir never holds the signatures alone.
KEEP_WITH_SIGNATURES = 3


def attendance_sheet_pdf(sheet: AttendanceSheet) -> bytes:
    """Daftar hadir for the SPJ: a row per participant to sign on paper (statuses already marked are printed),
    signed by the narasumber and the committee (the batch's official, and its co-signer as "Mengetahui")."""
    pdf = Paper("P")
    pdf.numbered = True
    pdf.set_margins(15, 12, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(f"Daftar hadir {sheet.batch_code} sesi {sheet.session_no}")
    pdf.add_page()
    top = letterhead_block(pdf, sheet.letterhead, top=12)
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
        pdf.multi_cell(0, 5.5, text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    numbered = tuple(enumerate(sheet.rows, start=1))
    body, last = numbered[:-KEEP_WITH_SIGNATURES], numbered[-KEEP_WITH_SIGNATURES:]
    head = headed(SHEET_HEAD, sheet.eligibility)
    if body:
        _sheet_rows(pdf, body, head, headings=True)

    def ending(doc: Paper, headings: bool) -> None:
        _sheet_rows(doc, last, head, headings=headings)
        _sheet_signatures(doc, sheet)

    if body and breaks_page(pdf, lambda trial: ending(trial, False)):
        pdf.add_page()
        ending(pdf, True)
    else:
        ending(pdf, not body)
    return bytes(pdf.output())


def _sheet_rows(pdf: Paper, rows, head: tuple[str, ...], *, headings: bool) -> None:
    """Rows of the table; without headings it continues the table above it on the same page."""
    pdf.font(8.5)
    with pdf.table(col_widths=SHEET_WIDTHS, line_height=4.4, padding=(2.2, 1), headings_style=HEADING_STYLE,
                   first_row_as_headings=headings, width=sum(SHEET_WIDTHS),
                   text_align=("CENTER", "LEFT", "LEFT", "LEFT", "LEFT", "CENTER", "LEFT")) as table:
        if headings:
            table.row(head)
        for i, row in rows:
            cells = table.row()
            for value in (str(i), text(row.full_name), text(row.position).capitalize(), text(row.cooperative_name),
                          text(row.district), STATUS_LABELS.get(row.status or "", "")):
                cells.cell(value)
            # Staggered numbers, as on paper: neighbours never sign on the same spot.
            cells.cell(f"{i}.", align="LEFT" if i % 2 else "CENTER")


def _sheet_signatures(pdf: Paper, sheet: AttendanceSheet) -> None:
    """The narasumber on the left, the panitia (the batch's official) on the right, names on one line; the
    co-signer under them as "Mengetahui". Dotted lines to fill in for whoever is not named."""
    item = sheet.item
    official, *co = sheet.committee or (None,)
    narasumber = Signer("", item.narasumber, sheet.narasumber_nip) if item.narasumber else None
    panitia = f"{sheet.venue}, {tanggal(item.day)}\nPanitia Penyelenggara,"
    if official and official.position:
        panitia += f"\n{official.position}"
    foot = signature_row(pdf, pdf.get_y() + 8, ((15, 80, "\nNarasumber,", narasumber), (115, 80, panitia, official)))
    if co:
        signature_row(pdf, foot + 4, (((pdf.w - 90) / 2, 90, f"Mengetahui,\n{co[0].position}", co[0]),))


def short_district(name: str) -> str:
    """"Kabupaten Kutai Timur" -> "Kab. Kutai Timur": the column is narrow."""
    return name.replace("Kabupaten ", "Kab. ", 1)

