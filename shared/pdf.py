"""The paper every printed document is made on (fpdf2): DejaVu Sans, so a name in any script prints (shipped unmodified
in shared/data/fonts, Bitstream Vera licence), the kop, the signature block, "Halaman 2 dari 3", Indonesian dates
and WITA hours, and a block kept whole on one page. Each service's documents build on it in their adapters."""
from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from importlib import resources
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from shared.web.format import tanggal

FONTS = Path(str(resources.files("shared.data") / "fonts"))
FONT = "DejaVu"
# The project's logo; a service may name the agency's own (PNG, JPEG or SVG, which fpdf2 draws itself).
DEFAULT_LOGO = Path(str(resources.files("shared.web") / "static" / "logo.svg"))
PROVINCE_LINES = ("PEMERINTAH PROVINSI KALIMANTAN TIMUR", "DINAS KOPERASI DAN USAHA KECIL DAN MENENGAH")
BLANK_NAME = "(" + "." * 40 + ")"
BLANK_NIP = "NIP " + "." * 30
HEADING_STYLE = FontFace(emphasis="BOLD", fill_color=(225, 232, 242))


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


def text(value) -> str:
    """What a cell prints: precomposed letters (NFC), so a name typed as S + combining dot prints as the one glyph."""
    return unicodedata.normalize("NFC", str(value or ""))


def date_range(start: date, end: date) -> str:
    """"4 Juli 2023", "4–6 Juli 2023" or "30 Juni 2023 – 2 Juli 2023"."""
    if start == end:
        return tanggal(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{tanggal(end)}"
    return f"{tanggal(start)} – {tanggal(end)}"


def hours(start: time, end: time) -> str:
    return f"{start:%H.%M}–{end:%H.%M} WITA"


class Paper(FPDF):
    """A4 in millimetres with DejaVu Sans (regular, bold, oblique) and black text."""

    numbered = False  # "Halaman 2 dari 3" at the foot: a document of many pages is filed page by page

    def __init__(self, orientation: str = "P"):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.add_font(FONT, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.add_font(FONT, "I", FONTS / "DejaVuSans-Oblique.ttf")
        self.set_text_color(0, 0, 0)

    def font(self, size: float, style: str = "") -> None:
        self.set_font(FONT, style, size)

    def footer(self) -> None:
        if self.numbered:
            self.set_y(-11)
            self.font(7.5)
            self.cell(0, 4, f"Halaman {self.page_no()} dari {{nb}}", align="R")

    def fit(self, words: str, width: float, size: float, style: str = "") -> None:
        """The font at `size`, or smaller until `words` fit on one line of `width` (a long name or agency)."""
        self.font(size, style)
        while size > 7 and self.get_string_width(text(words)) > width:
            size -= 0.5
            self.font(size, style)

    def centred(self, y: float, height: float, words: str, *, x: float | None = None, width: float | None = None):
        self.set_xy(self.l_margin if x is None else x, y)
        self.cell(width or self.epw, height, text(words), align="C")


def letterhead_block(pdf: Paper, head: Letterhead, *, top: float) -> float:
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


SIGN_ROOM = 19.6  # mm to sign in, between a block's heading and the name


def signature_block(pdf: Paper, x: float, y: float, width: float, heading: str, signer: Signer | None, *,
                    name_at: float = 30) -> None:
    """Heading (place and date, position), room to sign, the name underlined `name_at` mm under the top, the NIP;
    dotted lines to fill in when nobody is named. Blocks side by side share `name_at`: names on one line."""
    pdf.font(10.5)
    pdf.set_xy(x, y)
    pdf.multi_cell(width, 5.2, text(heading), align="C")
    pdf.set_xy(x, y + name_at)
    if signer is None or not signer.name:
        pdf.cell(width, 5.5, BLANK_NAME, align="C")
        pdf.set_xy(x, y + name_at + 5.5)
        pdf.cell(width, 5.5, BLANK_NIP, align="C")
    else:
        pdf.fit(signer.name, width - 2, 10.5, "BU")  # a long name with its titles shrinks to stay in its block
        pdf.cell(width, 5.5, text(signer.name), align="C")
        if signer.nip:
            pdf.font(10)
            pdf.set_xy(x, y + name_at + 5.5)
            pdf.cell(width, 5.5, f"NIP {signer.nip}", align="C")
    pdf.set_y(y + name_at + 11)  # under the block: what follows starts below it


def signature_row(pdf: Paper, y: float, blocks) -> float:
    """Signature blocks side by side, each (x, width, heading, signer), with the names on one line under the tallest
    heading (a long position wraps); returns the foot of the row."""
    pdf.font(10.5)
    tallest = max(len(pdf.multi_cell(width, 5.2, text(heading), dry_run=True, output="LINES"))
                  for _, width, heading, _ in blocks)
    name_at = tallest * 5.2 + SIGN_ROOM
    for x, width, heading, signer in blocks:
        signature_block(pdf, x, y, width, heading, signer, name_at=name_at)
    return y + name_at + 11


def breaks_page(pdf: Paper, draw: Callable[[Paper], None]) -> bool:
    """Whether `draw(pdf)` would run past the foot of the page, found on a trial copy (fpdf2's offset_rendering)
    and not drawn: the caller then decides what goes over with it, so nothing stands alone on a new page."""
    with pdf.offset_rendering() as trial:
        draw(trial)
    return trial.page_break_triggered
