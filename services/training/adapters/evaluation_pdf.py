"""The sheet of a batch's personal evaluation links (fpdf2): per participant who attended, the name, the QR code and
the short link, and a WhatsApp link with the message to forward; 32 to a page (a batch of 30 fits on one). A pure
function from the rows to bytes; the codes in it exist nowhere else (only their hashes are stored)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from services.training.adapters.pdf import qr_block
from shared.pdf import Paper, date_range, text

COLUMNS, ROW_HEIGHT, QR_SIZE, TOP = 4, 31.0, 18.0, 26.0


@dataclass(frozen=True)
class LinkCard:
    full_name: str
    cooperative_name: str
    url: str | None  # None: this participant has already answered


@dataclass(frozen=True)
class LinkSheet:
    batch_title: str
    batch_code: str
    venue: str
    start_date: date
    end_date: date
    cards: tuple[LinkCard, ...]


def whatsapp_text(batch_title: str, full_name: str, url: str) -> str:
    """What the officer forwards to the participant (training holds no phone numbers: the officer picks the chat)."""
    return (f"Yth. {full_name}, mohon isi evaluasi pelatihan {batch_title} melalui tautan pribadi berikut (hanya "
            f"untuk Anda, sekali isi, jawaban tanpa nama): {url}")


def whatsapp_link(batch_title: str, full_name: str, url: str) -> str:
    return "https://wa.me/?text=" + quote(whatsapp_text(batch_title, full_name, url), safe="")


def links_pdf(sheet: LinkSheet) -> bytes:
    pdf = Paper("P")
    pdf.set_margins(10, 10, 10)
    pdf.set_auto_page_break(False)
    width = pdf.epw / COLUMNS
    for index, card in enumerate(sheet.cards):
        slot = index % (COLUMNS * 8)
        if slot == 0:
            _page(pdf, sheet)
        x = pdf.l_margin + (slot % COLUMNS) * width
        y = TOP + (slot // COLUMNS) * ROW_HEIGHT
        _card(pdf, sheet, card, x, y, width)
    if not sheet.cards:
        _page(pdf, sheet)
    return bytes(pdf.output())


def _page(pdf: Paper, sheet: LinkSheet) -> None:
    pdf.add_page()
    pdf.font(12, "B")
    pdf.set_xy(pdf.l_margin, 10)
    pdf.cell(pdf.epw, 6, text("TAUTAN EVALUASI PESERTA"), align="C")
    pdf.font(9)
    pdf.set_xy(pdf.l_margin, 16.5)
    pdf.cell(pdf.epw, 4.5, text(f"{sheet.batch_title} · {sheet.batch_code} · {sheet.venue}, "
                                f"{date_range(sheet.start_date, sheet.end_date)}"), align="C")
    pdf.font(7.5)
    pdf.set_xy(pdf.l_margin, 21)
    pdf.cell(pdf.epw, 3.5, text("Potong per kotak dan berikan kepada pesertanya. Setiap tautan hanya dapat dipakai "
                                "sekali; jawaban tidak ditampilkan dengan nama."), align="C")


def _shortened(pdf: Paper, name: str, width: float) -> str:
    """A name too long for its box even in the smallest size loses its end to an ellipsis (the QR is what counts)."""
    if pdf.get_string_width(name) <= width:
        return name
    while name and pdf.get_string_width(name + "…") > width:
        name = name[:-1]
    return name.rstrip() + "…"


def _card(pdf: Paper, sheet: LinkSheet, card: LinkCard, x: float, y: float, width: float) -> None:
    pdf.set_draw_color(170, 170, 170)
    pdf.set_line_width(0.2)
    pdf.set_dash_pattern(dash=1, gap=1)
    pdf.rect(x + 0.5, y, width - 1, ROW_HEIGHT - 1)
    pdf.set_dash_pattern()
    inner = width - 3
    if card.url:
        qr_block(pdf, card.url, x + (width - QR_SIZE) / 2, y + 1.2, QR_SIZE)
    else:
        pdf.font(8, "B")
        pdf.set_xy(x + 1.5, y + 8)
        pdf.cell(inner, 4, text("Sudah mengisi"), align="C")
    pdf.fit(card.full_name, inner, 7.5, "B")
    pdf.set_xy(x + 1.5, y + QR_SIZE + 1.6)
    pdf.cell(inner, 3.4, _shortened(pdf, text(card.full_name), inner), align="C")
    if card.url:
        pdf.font(5)
        pdf.set_xy(x + 1.5, y + QR_SIZE + 5)
        pdf.multi_cell(inner, 2.2, text(card.url), align="C")
        pdf.font(6, "B")
        pdf.set_text_color(11, 61, 110)
        pdf.set_xy(x + 1.5, y + ROW_HEIGHT - 4.4)
        pdf.cell(inner, 3, text("Kirim lewat WhatsApp"), align="C",
                 link=whatsapp_link(sheet.batch_title, card.full_name, card.url))
        pdf.set_text_color(0, 0, 0)
