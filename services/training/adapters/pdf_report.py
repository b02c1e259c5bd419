"""The laporan pelaksanaan of a batch and its daftar nominatif as PDF (fpdf2), on the project's paper (shared/pdf):
the kop with the logo, numbered chapters and sections, tables with borders, photographs with their captions, the
official's signature block with NIP, and the appendices (daftar nominatif, daftar hadir per sesi, jadwal acara).
Pure functions from a read model (report_model, xlsx.NominativeList) to bytes."""
from __future__ import annotations

import io

from fpdf.fonts import FontFace

from services.training.adapters.pdf import STATUS_LABELS
from services.training.adapters.report_model import NO_DATA, Photo, Report, Table, agenda_table
from services.training.adapters.xlsx import SEXES, NominativeList, position_label
from shared.pdf import (HEADING_STYLE, Paper, breaks_page, date_range, hours, letterhead_block, signature_row,
                        text)
from shared.web.format import hari_tanggal, tanggal

BOLD = FontFace(emphasis="BOLD")
NOMINATIVE_WIDTHS = (9, 52, 27, 52, 50, 10, 32, 25)


def _paper(title: str) -> Paper:
    pdf = Paper("P")
    pdf.numbered = True
    pdf.set_margins(20, 15, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(title)
    pdf.set_author("UPTD Pelatihan Koperasi dan UKM")
    return pdf


def _room(pdf: Paper, height: float) -> None:
    """A new page unless `height` mm still fit: a heading never stands alone at the foot of a page."""
    if pdf.get_y() + height > pdf.h - pdf.b_margin:
        pdf.add_page()


def _heading(pdf: Paper, words: str, size: float = 11.5, *, centred: bool = False, keep: float = 22) -> None:
    """A heading with at least `keep` mm under it on its page."""
    _room(pdf, keep)
    pdf.ln(2)
    pdf.font(size, "B")
    pdf.multi_cell(0, 6.5, text(words), align="C" if centred else "L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _paragraph(pdf: Paper, words: str) -> None:
    pdf.font(10.5)
    for block in (words or "").split("\n\n"):
        if block.strip():
            pdf.multi_cell(0, 5.6, text(" ".join(block.split())), align="J", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)


def _table(pdf: Paper, table: Table, *, size: float = 9) -> None:
    if table.lead:
        _paragraph(pdf, table.lead)
    pdf.font(size)
    width = pdf.epw
    relative = table.widths or tuple(1 for _ in table.head)
    widths = tuple(width * w / sum(relative) for w in relative)
    align = tuple("RIGHT" if i in table.numeric else "LEFT" for i in range(len(table.head)))
    with pdf.table(col_widths=widths, line_height=4.8, padding=(1.4, 1.2), headings_style=HEADING_STYLE,
                   text_align=align, width=width, repeat_headings=1) as grid:
        grid.row(table.head)
        for row in table.rows:
            grid.row(tuple(text(cell) for cell in row))
        if table.foot:
            cells = grid.row()
            for cell in table.foot:
                cells.cell(text(cell), style=BOLD)
    pdf.ln(3)


def _photos(pdf: Paper, photos: tuple[Photo, ...]) -> None:
    """Two photographs a row, each with its caption under it, numbered as figures."""
    gap, width = 8, (pdf.epw - 8) / 2
    for start in range(0, len(photos), 2):
        pair = photos[start:start + 2]
        _room(pdf, 82)
        top = pdf.get_y()
        lowest = top
        for offset, photo in enumerate(pair):
            x = pdf.l_margin + offset * (width + gap)
            pdf.image(io.BytesIO(photo.image), x=x, y=top, w=width, h=width * 0.66, keep_aspect_ratio=True)
            pdf.set_xy(x, top + width * 0.66 + 1.5)
            pdf.font(8.5)
            pdf.multi_cell(width, 4.2, text(f"Gambar {start + offset + 1}. {photo.caption}"), align="C")
            lowest = max(lowest, pdf.get_y())
        pdf.set_xy(pdf.l_margin, lowest + 4)


def _signature(pdf: Paper, report: Report) -> None:
    """The official on the right, the co-signer ("Mengetahui") on the left, their names on one line."""
    _room(pdf, 58)
    signer, co = report.signer, report.co_signer
    blocks = [(pdf.w - pdf.r_margin - 85, 85, f"{report.venue}, {tanggal(report.sign_date)}\n{signer.position}",
               signer if signer.name else None)]
    if co:
        blocks.append((pdf.l_margin, 80, f"Mengetahui,\n{co.position}", co))
    pdf.set_y(signature_row(pdf, pdf.get_y() + 6, blocks) + 3)


def report_pdf(report: Report) -> bytes:
    pdf = _paper(f"Laporan pelaksanaan {report.batch_code}")
    pdf.add_page()
    top = letterhead_block(pdf, report.letterhead, top=12)
    pdf.set_y(top + 8)
    pdf.font(15, "B")
    pdf.multi_cell(0, 8, "LAPORAN PELAKSANAAN KEGIATAN", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.font(13, "B")
    pdf.multi_cell(0, 7, text(f"PELATIHAN {report.batch_title.upper()}"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.font(10.5)
    pdf.multi_cell(0, 6, text(f"{report.venue}, {date_range(report.start_date, report.end_date)} · Tahun Anggaran "
                              f"{report.fiscal_year}"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    *chapters, closing = report.chapters or (None,)
    for chapter in chapters:
        _chapter(pdf, report, chapter)

    def ending(doc: Paper) -> None:
        if closing:
            _chapter(doc, report, closing)
        _signature(doc, report)

    # The closing chapter (kesimpulan dan saran) goes over with the signatures when they do not fit under it on
    # this page: the signature page never holds the signatures alone.
    if closing and breaks_page(pdf, ending):
        pdf.add_page()
    ending(pdf)
    _appendices(pdf, report)
    return bytes(pdf.output())


def _chapter(pdf: Paper, report: Report, chapter) -> None:
    _heading(pdf, chapter.title, 12.5, centred=True)
    for part in chapter.parts:
        documentation = part.heading == report.documentation_heading
        _heading(pdf, part.heading, keep=100 if documentation and report.photos else 22)
        if documentation:
            _documentation(pdf, report)
            continue
        if not part.paragraphs and not part.tables:
            _paragraph(pdf, NO_DATA)
        for paragraph in part.paragraphs:
            _paragraph(pdf, paragraph)
        for table in part.tables:
            _table(pdf, table)


def _documentation(pdf: Paper, report: Report) -> None:
    if not report.photos and not report.evidence_list:
        _paragraph(pdf, NO_DATA)
        return
    if report.photos:
        _photos(pdf, report.photos)
    if report.evidence_list:
        _paragraph(pdf, "Bukti lain yang disimpan bersama laporan ini:")
        _table(pdf, report.evidence_list)


def _appendices(pdf: Paper, report: Report) -> None:
    pdf.add_page(orientation="L")
    _heading(pdf, "LAMPIRAN I: DAFTAR NOMINATIF PESERTA", 12, centred=True)
    _nominative_body(pdf, report.nominative)
    pdf.add_page(orientation="P")
    _heading(pdf, "LAMPIRAN II: DAFTAR HADIR PER SESI", 12, centred=True)
    if not report.sheets:
        _paragraph(pdf, NO_DATA)
    for sheet in report.sheets:
        item = sheet.item
        _heading(pdf, f"Sesi {sheet.number}: {item.topic or '–'}", 10.5)
        _paragraph(pdf, f"{hari_tanggal(item.day)}, {hours(item.start, item.end)} · {item.jp} JP · narasumber "
                        f"{item.narasumber or '–'}")
        _table(pdf, Table(("No", "Nama", "Kabupaten/Kota", "Kehadiran"),
                          tuple((str(i), name, district, STATUS_LABELS.get(status, "belum ditandai"))
                                for i, (name, district, status) in enumerate(sheet.rows, start=1)),
                          widths=(8, 70, 55, 30)), size=8.5)
    pdf.add_page(orientation="P")
    _heading(pdf, "LAMPIRAN III: JADWAL ACARA", 12, centred=True)
    _table(pdf, agenda_table(report.agenda), size=9)


def nominative_table(nominative: NominativeList) -> Table:
    return Table(nominative.head, tuple(
        (str(i), row.full_name, position_label(row.position), row.cooperative_name, row.district,
         SEXES.get(row.gender, row.gender), row.nik_masked or "–", row.nib or "–")
        for i, row in enumerate(nominative.rows, start=1)), widths=NOMINATIVE_WIDTHS)


def _nominative_body(pdf: Paper, nominative: NominativeList) -> None:
    pdf.font(10)
    where = nominative.district or "semua kabupaten/kota"
    pdf.multi_cell(0, 5.5, text(f"Pelatihan {nominative.batch_title} ({nominative.batch_code}), {nominative.venue}, "
                                f"{date_range(nominative.start_date, nominative.end_date)} · {where} · "
                                f"{len(nominative.rows)} peserta"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    if nominative.rows:
        _table(pdf, nominative_table(nominative), size=8.5)
    else:
        _paragraph(pdf, "Belum ada peserta.")
    if nominative.note:
        pdf.font(8.5)
        pdf.multi_cell(0, 4.5, text(nominative.note), new_x="LMARGIN", new_y="NEXT")


def nominative_pdf(nominative: NominativeList, letterhead) -> bytes:
    pdf = Paper("L")
    pdf.numbered = True
    pdf.set_margins(15, 12, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(f"Daftar nominatif {nominative.batch_code}")
    pdf.add_page()
    top = letterhead_block(pdf, letterhead, top=12)
    pdf.set_y(top + 5)
    pdf.font(13, "B")
    pdf.multi_cell(0, 7, "DAFTAR NOMINATIF PESERTA", align="C", new_x="LMARGIN", new_y="NEXT")
    _nominative_body(pdf, nominative)
    return bytes(pdf.output())
