"""The undangan for the dinas (fpdf2, A4 portrait): per kabupaten/kota one letter with the province's kop, the
batch's days and venue, what to bring, the signature block, and an appendix naming the district's participants
(no NIK). A pure function from the read model to bytes; DejaVu Sans (shipped beside this module) prints any name."""
from __future__ import annotations

import unicodedata
from importlib import resources
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from services.registration.service_layer.letters import DistrictLetter, Letter
from shared.web.format import hari_tanggal, tanggal

ASSETS = Path(__file__).resolve().parent / "static"
LOGO = Path(str(resources.files("shared.web") / "static" / "logo.svg"))
FONT = "DejaVu"
PROVINCE_LINES = ("PEMERINTAH PROVINSI KALIMANTAN TIMUR", "DINAS KOPERASI DAN USAHA KECIL DAN MENENGAH")
BLANK_NAME = "(" + "." * 40 + ")"


def _text(value) -> str:
    return unicodedata.normalize("NFC", str(value or ""))


class _Paper(FPDF):
    def __init__(self):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font(FONT, "", ASSETS / "DejaVuSans.ttf")
        self.add_font(FONT, "B", ASSETS / "DejaVuSans-Bold.ttf")
        self.set_margins(22, 15, 20)
        self.set_auto_page_break(True, margin=18)

    def font(self, size: float, style: str = "") -> None:
        self.set_font(FONT, style, size)

    def line_of(self, text: str, *, height: float = 5.6, size: float = 11, style: str = "", align: str = "L",
                indent: float = 0) -> None:
        self.font(size, style)
        self.set_x(self.l_margin + indent)
        self.multi_cell(self.epw - indent, height, _text(text), align=align, new_x="LMARGIN", new_y="NEXT")


def _kop(pdf: _Paper, agency: str) -> None:
    top = pdf.t_margin
    pdf.image(str(LOGO), x=pdf.l_margin, y=top, h=22, keep_aspect_ratio=True)
    x, width = pdf.l_margin + 24, pdf.epw - 24
    for i, (line, size) in enumerate(zip((*PROVINCE_LINES, agency.upper()), (11, 11.5, 12.5))):
        pdf.font(size, "B")
        pdf.set_xy(x, top + 1 + i * 6.5)
        pdf.cell(width, 6, _text(line), align="C")
    foot = top + 24
    pdf.set_line_width(0.9)
    pdf.line(pdf.l_margin, foot, pdf.w - pdf.r_margin, foot)
    pdf.set_line_width(0.25)
    pdf.line(pdf.l_margin, foot + 1.3, pdf.w - pdf.r_margin, foot + 1.3)
    pdf.set_y(foot + 5)


def _days(letter: Letter) -> str:
    if letter.start_date == letter.end_date:
        return hari_tanggal(letter.start_date)
    return f"{hari_tanggal(letter.start_date)} sampai {hari_tanggal(letter.end_date)}"


def _letter(pdf: _Paper, letter: Letter, district: DistrictLetter) -> None:
    pdf.add_page()
    _kop(pdf, letter.agency)
    pdf.font(11)
    pdf.cell(0, 5.6, _text(f"{letter.city}, {tanggal(letter.dated)}"), align="R", new_x="LMARGIN", new_y="NEXT")
    for label, value in (("Nomor", "......................................"),
                         ("Lampiran", "1 (satu) lembar daftar peserta"),
                         ("Perihal", f"Undangan Pelatihan {letter.batch_title}")):
        pdf.set_x(pdf.l_margin)
        pdf.cell(24, 5.6, label)
        pdf.cell(4, 5.6, ":")
        pdf.multi_cell(pdf.epw - 28, 5.6, _text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.line_of("Yth. Kepala Dinas Koperasi dan UKM")
    pdf.line_of(district.district, style="B")
    pdf.line_of("di tempat")
    pdf.ln(4)
    count = len(district.invitees)
    pdf.line_of(f"Dengan hormat, dalam rangka meningkatkan kapasitas pengurus koperasi dan pelaku usaha, "
                f"{letter.agency} Provinsi Kalimantan Timur menyelenggarakan pelatihan \"{letter.batch_title}\" "
                f"(angkatan {letter.batch_code}) yang akan dilaksanakan pada:", align="J")
    pdf.ln(2)
    for label, value in (("Hari/tanggal", _days(letter)), ("Tempat", letter.venue),
                         ("Peserta", f"{count} orang dari {district.district} (daftar terlampir)")):
        pdf.font(11)
        pdf.set_x(pdf.l_margin + 8)
        pdf.cell(30, 5.6, label)
        pdf.cell(4, 5.6, ":")
        pdf.multi_cell(pdf.epw - 42, 5.6, _text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.line_of("Sehubungan dengan hal tersebut, kami mohon Saudara menugaskan peserta yang namanya tercantum "
                "dalam lampiran untuk hadir tepat waktu dan membawa:", align="J")
    for n, item in enumerate(letter.bring, start=1):
        pdf.line_of(f"{n}. {item}", indent=8)
    pdf.ln(2)
    pdf.line_of(letter.closing, align="J")
    _signature(pdf, letter)
    _appendix(pdf, letter, district)


def _signature(pdf: _Paper, letter: Letter) -> None:
    width = 80
    x = pdf.w - pdf.r_margin - width
    if pdf.get_y() > pdf.h - 70:
        pdf.add_page()
    y = pdf.get_y() + 8
    pdf.font(11)
    pdf.set_xy(x, y)
    pdf.multi_cell(width, 5.4, _text(letter.signing_position), align="C")
    pdf.set_xy(x, y + 32)
    pdf.cell(width, 5.5, BLANK_NAME, align="C")
    pdf.set_xy(x, y + 37.5)
    pdf.cell(width, 5.5, "NIP " + "." * 30, align="C")


def _appendix(pdf: _Paper, letter: Letter, district: DistrictLetter) -> None:
    pdf.add_page()
    pdf.line_of(f"Lampiran surat undangan pelatihan {letter.batch_title} ({letter.batch_code})", style="B")
    pdf.line_of(f"Daftar peserta dari {district.district}")
    pdf.ln(3)
    if not district.invitees:
        pdf.line_of("Belum ada peserta terdaftar dari kabupaten/kota ini.")
        return
    pdf.font(10)
    heading = FontFace(emphasis="BOLD", fill_color=(228, 234, 242))
    with pdf.table(col_widths=(10, 60, 35, 63), headings_style=heading, line_height=6.5,
                   text_align=("RIGHT", "LEFT", "LEFT", "LEFT")) as table:
        row = table.row()
        for title in ("No", "Nama", "Jabatan", "Koperasi"):
            row.cell(title)
        for n, person in enumerate(district.invitees, start=1):
            row = table.row()
            for value in (str(n), person.full_name, person.position, person.cooperative):
                row.cell(_text(value))


def invitation_pdf(letter: Letter) -> bytes:
    pdf = _Paper()
    pdf.set_title(f"Undangan pelatihan {letter.batch_code}")
    pdf.set_author(letter.agency)
    for district in letter.letters:
        _letter(pdf, letter, district)
    return bytes(pdf.output())
