"""Printed papers: certificates (with a QR code to the public verification page) and attendance sheets (fpdf2)."""
from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import date

import segno
from fpdf import FPDF

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
STATUS_LABELS = {"hadir": "Hadir", "terlambat": "Terlambat", "izin": "Izin", "sakit": "Sakit", "alpa": "Alpa"}


def tanggal(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def date_range(start: date, end: date) -> str:
    if start == end:
        return tanggal(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}-{tanggal(end)}"
    return f"{tanggal(start)} - {tanggal(end)}"


def _latin1(text: str) -> str:
    # The PDF core fonts speak Latin-1; names with other letters keep their base letter rather than failing.
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if not unicodedata.combining(c)).encode("latin-1", "replace").decode("latin-1")


def _qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
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


def _signature(pdf: FPDF, x: float, position: str | None, name: str, nip: str) -> None:
    """A signature block from an official's record: position, room to sign, the name underlined, the NIP."""
    pdf.set_font("Helvetica", "", 12)
    pdf.set_xy(x, 146)
    pdf.multi_cell(95, 6, _latin1(position or ""), align="C")
    pdf.set_font("Helvetica", "BU", 12)
    pdf.set_xy(x, 174)
    pdf.cell(95, 6, _latin1(name), align="C")
    pdf.set_font("Helvetica", "", 11)
    pdf.set_xy(x, 180)
    pdf.cell(95, 6, f"NIP {nip}", align="C")


def certificate_pdf(cert, verification_url: str) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(_latin1(f"Sertifikat {cert.number}"))
    pdf.add_page()
    pdf.set_draw_color(20, 70, 120)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, 271, 184)
    pdf.set_font("Helvetica", "B", 14)
    pdf.set_xy(15, 22)
    pdf.cell(267, 7, _latin1(cert.signing_title.upper()), align="C")
    pdf.set_font("Helvetica", "B", 30)
    pdf.set_xy(15, 38)
    pdf.cell(267, 14, "SERTIFIKAT", align="C")
    pdf.set_font("Helvetica", "", 12)
    pdf.set_xy(15, 53)
    pdf.cell(267, 6, _latin1(f"Nomor: {cert.number}"), align="C")
    pdf.set_xy(15, 68)
    pdf.cell(267, 6, "Diberikan kepada:", align="C")
    pdf.set_font("Helvetica", "B", 24)
    pdf.set_xy(15, 77)
    pdf.cell(267, 12, _latin1(cert.full_name), align="C")
    pdf.set_font("Helvetica", "", 13)
    pdf.set_xy(15, 91)
    pdf.cell(267, 7, _latin1(cert.cooperative_name), align="C")
    pdf.set_xy(35, 104)
    pdf.multi_cell(227, 7, _latin1(
        f"telah mengikuti dan menyelesaikan pelatihan \"{cert.batch_title}\" yang diselenggarakan di {cert.venue} "
        f"pada tanggal {date_range(cert.start_date, cert.end_date)}."), align="C")
    pdf.set_xy(180, 140)
    pdf.cell(95, 6, _latin1(f"{cert.venue}, {tanggal(cert.end_date)}"), align="C")
    if getattr(cert, "signing_nip", None):
        _signature(pdf, 180, cert.signing_position, cert.signing_official, cert.signing_nip)
        if getattr(cert, "co_signing_nip", None):
            _signature(pdf, 80, cert.co_signing_position, cert.co_signing_official, cert.co_signing_nip)
    else:  # an official from the settings: one line of text, no NIP
        pdf.set_xy(180, 146)
        pdf.multi_cell(95, 6, _latin1(cert.signing_official), align="C")
        pdf.set_font("Helvetica", "BU", 12)
        pdf.set_xy(180, 178)
        pdf.cell(95, 6, "(tanda tangan dan cap)", align="C")
    _qr(pdf, verification_url, 25, 140, 38)
    pdf.set_font("Helvetica", "", 8)
    pdf.set_xy(20, 180)
    pdf.cell(60, 4, "Pindai untuk memeriksa keaslian", align="C")
    pdf.set_xy(20, 184 if not getattr(cert, "co_signing_nip", None) else 189)  # below a co-signer's NIP
    pdf.cell(120, 4, _latin1(verification_url[:110]))
    return bytes(pdf.output())


def certificates_zip(certs_with_urls) -> bytes:
    """One PDF per certificate, named by its number (slashes become dashes in file names)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for cert, url in certs_with_urls:
            archive.writestr(f"{cert.number.replace('/', '-')}.pdf", certificate_pdf(cert, url))
    return buffer.getvalue()


def attendance_sheet_pdf(batch, session_row, roster, marks: dict) -> bytes:
    """Daftar hadir: a row per participant to sign on paper; statuses already marked are printed."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, "DAFTAR HADIR PESERTA", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for line in (f"Pelatihan: {batch.title} ({batch.code})", f"Tempat: {batch.venue}",
                 f"Sesi {session_row.number}: {session_row.topic} - {tanggal(session_row.date)}, "
                 f"{session_row.start_time:%H:%M}-{session_row.end_time:%H:%M} WITA"):
        pdf.cell(0, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    widths = (10, 62, 58, 25, 35)
    with pdf.table(col_widths=widths, text_align=("CENTER", "LEFT", "LEFT", "CENTER", "CENTER"),
                   line_height=8, first_row_as_headings=True) as table:
        table.row(("No", "Nama", "Koperasi", "Status", "Tanda tangan"))
        for i, entry in enumerate(roster, start=1):
            status = STATUS_LABELS.get(marks.get(entry.participant_id), "")
            table.row((str(i), _latin1(entry.full_name), _latin1(entry.cooperative_name), status, ""))
    pdf.ln(8)
    pdf.cell(0, 6, _latin1(f"Pelatih: {session_row.trainer or '..............................'}"),
             new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
