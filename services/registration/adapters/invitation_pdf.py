"""The undangan for the dinas (fpdf2, A4 portrait): per kabupaten/kota one letter with the province's kop, the
batch's days and venue, what to bring, the signature block, and an appendix naming the district's participants
(no NIK). A pure function from the read model to bytes, on the project's paper (shared/pdf: DejaVu Sans prints
any name)."""
from __future__ import annotations

from services.registration.service_layer.letters import DistrictLetter, Letter
from shared.pdf import HEADING_STYLE, Letterhead, Paper, letterhead_block, signature_block, text
from shared.web.format import hari_tanggal, tanggal


class _Paper(Paper):
    def __init__(self):
        super().__init__("P")
        self.set_margins(22, 15, 20)
        self.set_auto_page_break(True, margin=18)

    def line_of(self, words: str, *, height: float = 5.6, size: float = 11, style: str = "", align: str = "L",
                indent: float = 0) -> None:
        self.font(size, style)
        self.set_x(self.l_margin + indent)
        self.multi_cell(self.epw - indent, height, text(words), align=align, new_x="LMARGIN", new_y="NEXT")


def _kop(pdf: _Paper, agency: str) -> None:
    pdf.set_y(letterhead_block(pdf, Letterhead(agency), top=pdf.t_margin) + 3.7)


def _days(letter: Letter) -> str:
    if letter.start_date == letter.end_date:
        return hari_tanggal(letter.start_date)
    return f"{hari_tanggal(letter.start_date)} sampai {hari_tanggal(letter.end_date)}"


def _letter(pdf: _Paper, letter: Letter, district: DistrictLetter) -> None:
    pdf.add_page()
    _kop(pdf, letter.agency)
    pdf.font(11)
    pdf.cell(0, 5.6, text(f"{letter.city}, {tanggal(letter.dated)}"), align="R", new_x="LMARGIN", new_y="NEXT")
    for label, value in (("Nomor", "......................................"),
                         ("Lampiran", "1 (satu) lembar daftar peserta"),
                         ("Perihal", f"Undangan Pelatihan {letter.batch_title}")):
        pdf.set_x(pdf.l_margin)
        pdf.cell(24, 5.6, label)
        pdf.cell(4, 5.6, ":")
        pdf.multi_cell(pdf.epw - 28, 5.6, text(value), new_x="LMARGIN", new_y="NEXT")
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
        pdf.multi_cell(pdf.epw - 42, 5.6, text(value), new_x="LMARGIN", new_y="NEXT")
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
    """The signing position with dotted lines: the letter is signed and numbered by hand at the dinas."""
    width = 80
    if pdf.get_y() > pdf.h - 70:
        pdf.add_page()
    signature_block(pdf, pdf.w - pdf.r_margin - width, pdf.get_y() + 8, width, letter.signing_position, None)


def _appendix(pdf: _Paper, letter: Letter, district: DistrictLetter) -> None:
    pdf.add_page()
    pdf.line_of(f"Lampiran surat undangan pelatihan {letter.batch_title} ({letter.batch_code})", style="B")
    pdf.line_of(f"Daftar peserta dari {district.district}")
    pdf.ln(3)
    if not district.invitees:
        pdf.line_of("Belum ada peserta terdaftar dari kabupaten/kota ini.")
        return
    pdf.font(10)
    with pdf.table(col_widths=(10, 60, 35, 63), headings_style=HEADING_STYLE, line_height=6.5,
                   text_align=("RIGHT", "LEFT", "LEFT", "LEFT")) as table:
        row = table.row()
        for title in ("No", "Nama", "Jabatan", "Koperasi"):
            row.cell(title)
        for n, person in enumerate(district.invitees, start=1):
            row = table.row()
            for value in (str(n), person.full_name, person.position, person.cooperative):
                row.cell(text(value))


def invitation_pdf(letter: Letter) -> bytes:
    pdf = _Paper()
    pdf.set_title(f"Undangan pelatihan {letter.batch_code}")
    pdf.set_author(letter.agency)
    for district in letter.letters:
        _letter(pdf, letter, district)
    return bytes(pdf.output())
