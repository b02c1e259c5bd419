"""The laporan pelaksanaan as a Word document (python-docx), the same read model as the PDF: officials edit it in
Word before it is signed. Kop, numbered chapters and sections, tables with borders ("Table Grid"), photographs with
captions, the signature block with NIP, the appendices (daftar nominatif on a landscape page). A pure function."""
from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from services.training.adapters.pdf import PROVINCE_LINES, STATUS_LABELS, date_range, hours, text
from services.training.adapters.pdf_report import nominative_table
from services.training.adapters.report_model import NO_DATA, Report, Table, agenda_table
from shared.web.format import hari_tanggal, tanggal

HEAD_FILL = "E1E8F2"
PICTURES = {".png", ".jpg", ".jpeg"}  # Word takes these; an SVG logo is left out of the DOCX kop
# Word's XML holds no C0 control character but tab, newline and return (lxml refuses the run): one pasted into the
# report's texts or a name is dropped, not a 500 for the whole document.
NOT_IN_XML = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def _words(value) -> str:
    return text(value).translate(NOT_IN_XML)


def _shade(cell, fill: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    props.append(shading)


def _rule(paragraph) -> None:
    """The kop's double rule under the agency's name (a paragraph border)."""
    props = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "thinThickSmallGap"), ("w:sz", "18"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    props.append(border)


def _para(doc, words: str = "", *, bold: bool = False, size: float = 11, align=None, after: float = 4):
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(_words(words))
    run.bold, run.font.size = bold, Pt(size)
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def _table(doc, table: Table) -> None:
    if table.lead:
        _para(doc, table.lead)
    grid = doc.add_table(rows=1, cols=len(table.head))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, heading in zip(grid.rows[0].cells, table.head):
        cell.text = ""
        run = cell.paragraphs[0].add_run(heading)
        run.bold, run.font.size = True, Pt(9.5)
        _shade(cell, HEAD_FILL)
    for values in (*table.rows, *((table.foot,) if table.foot else ())):
        cells = grid.add_row().cells
        for i, (cell, value) in enumerate(zip(cells, values)):
            run = cell.paragraphs[0].add_run(_words(value))
            run.font.size = Pt(9.5)
            run.bold = values is table.foot
            if i in table.numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if table.widths:
        total = sum(table.widths)
        usable = 16.0 if doc.sections[-1].orientation == WD_ORIENT.PORTRAIT else 25.0
        for row in grid.rows:
            for cell, width in zip(row.cells, table.widths):
                cell.width = Cm(usable * width / total)
    doc.add_paragraph().paragraph_format.space_after = Pt(2)


def _kop(doc, report: Report) -> None:
    logo = Path(str(report.letterhead.logo))
    if logo.suffix.lower() in PICTURES and logo.is_file():
        doc.add_picture(str(logo), height=Cm(2.2))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line, size in zip((*PROVINCE_LINES, report.letterhead.agency.upper()), (12, 13, 14)):
        _para(doc, line, bold=True, size=size, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _rule(doc.paragraphs[-1])
    _para(doc, after=6)


def _signature(doc, report: Report) -> None:
    grid = doc.add_table(rows=1, cols=2)
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, signer, heading in ((grid.rows[0].cells[1], report.signer,
                                   f"{report.venue}, {tanggal(report.sign_date)}\n{report.signer.position}"),
                                  (grid.rows[0].cells[0], report.co_signer,
                                   f"Mengetahui,\n{report.co_signer.position}" if report.co_signer else "")):
        if not heading:
            continue
        first = cell.paragraphs[0]
        first.alignment = WD_ALIGN_PARAGRAPH.CENTER
        first.add_run(_words(heading))
        for _ in range(3):
            cell.add_paragraph()
        name = cell.add_paragraph()
        name.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = name.add_run(_words(signer.name) if signer and signer.name else "(" + "." * 40 + ")")
        run.bold = run.underline = bool(signer and signer.name)
        nip = cell.add_paragraph()
        nip.alignment = WD_ALIGN_PARAGRAPH.CENTER
        nip.add_run(f"NIP {signer.nip}" if signer and signer.nip else "NIP " + "." * 30)


def _photos(doc, report: Report) -> None:
    grid = doc.add_table(rows=0, cols=2)
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for start in range(0, len(report.photos), 2):
        cells = grid.add_row().cells
        for offset, photo in enumerate(report.photos[start:start + 2]):
            cell = cells[offset]
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            cell.paragraphs[0].add_run().add_picture(io.BytesIO(photo.image), width=Cm(7.6))
            caption = cell.add_paragraph()
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = caption.add_run(_words(f"Gambar {start + offset + 1}. {photo.caption}"))
            run.font.size = Pt(9)
    doc.add_paragraph()


def report_docx(report: Report) -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Arial", Pt(11)
    for level in (1, 2):
        heading = doc.styles[f"Heading {level}"]
        heading.font.color.rgb = RGBColor(0, 0, 0)
        heading.font.name = "Arial"
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2)
    doc.core_properties.title = f"Laporan pelaksanaan {report.batch_code}"
    _kop(doc, report)
    _para(doc, "LAPORAN PELAKSANAAN KEGIATAN", bold=True, size=15, align=WD_ALIGN_PARAGRAPH.CENTER, after=2)
    _para(doc, f"PELATIHAN {report.batch_title.upper()}", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER,
          after=2)
    _para(doc, f"{report.venue}, {date_range(report.start_date, report.end_date)} · Tahun Anggaran "
               f"{report.fiscal_year}", align=WD_ALIGN_PARAGRAPH.CENTER, after=10)
    for chapter in report.chapters:
        doc.add_heading(chapter.title, level=1).alignment = WD_ALIGN_PARAGRAPH.CENTER
        for part in chapter.parts:
            doc.add_heading(part.heading, level=2)
            if part.heading == report.documentation_heading:
                if report.photos:
                    _photos(doc, report)
                if report.evidence_list:
                    _para(doc, "Bukti lain yang disimpan bersama laporan ini:")
                    _table(doc, report.evidence_list)
                if not report.photos and not report.evidence_list:
                    _para(doc, NO_DATA)
                continue
            if not part.paragraphs and not part.tables:
                _para(doc, NO_DATA)
            for paragraph in part.paragraphs:
                for block in paragraph.split("\n\n"):
                    _para(doc, " ".join(block.split())).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            for table in part.tables:
                _table(doc, table)
    _signature(doc, report)
    _appendices(doc, report)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _appendices(doc, report: Report) -> None:
    wide = doc.add_section()
    wide.orientation = WD_ORIENT.LANDSCAPE
    wide.page_width, wide.page_height = Cm(29.7), Cm(21)
    doc.add_heading("LAMPIRAN I: DAFTAR NOMINATIF PESERTA", level=1).alignment = WD_ALIGN_PARAGRAPH.CENTER
    nominative = report.nominative
    _para(doc, f"Pelatihan {nominative.batch_title} ({nominative.batch_code}), {nominative.venue}, "
               f"{date_range(nominative.start_date, nominative.end_date)} · {len(nominative.rows)} peserta",
          align=WD_ALIGN_PARAGRAPH.CENTER)
    if nominative.rows:
        _table(doc, nominative_table(nominative))
    else:
        _para(doc, "Belum ada peserta.")
    if nominative.note:
        _para(doc, nominative.note, size=9)
    tall = doc.add_section()
    tall.orientation = WD_ORIENT.PORTRAIT
    tall.page_width, tall.page_height = Cm(21), Cm(29.7)
    doc.add_heading("LAMPIRAN II: DAFTAR HADIR PER SESI", level=1).alignment = WD_ALIGN_PARAGRAPH.CENTER
    if not report.sheets:
        _para(doc, NO_DATA)
    for sheet in report.sheets:
        item = sheet.item
        doc.add_heading(_words(f"Sesi {sheet.number}: {item.topic or '–'}"), level=2)
        _para(doc, f"{hari_tanggal(item.day)}, {hours(item.start, item.end)} · {item.jp} JP · narasumber "
                   f"{item.narasumber or '–'}")
        _table(doc, Table(("No", "Nama", "Kabupaten/Kota", "Kehadiran"),
                          tuple((str(i), name, district, STATUS_LABELS.get(status, "belum ditandai"))
                                for i, (name, district, status) in enumerate(sheet.rows, start=1)),
                          widths=(8, 70, 55, 30)))
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_heading("LAMPIRAN III: JADWAL ACARA", level=1).alignment = WD_ALIGN_PARAGRAPH.CENTER
    _table(doc, agenda_table(report.agenda))
