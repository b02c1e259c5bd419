"""The project's paper (shared/pdf): DejaVu Sans from the package's data prints names in any script in each style,
the kop and the signature block read as printed, Indonesian date ranges and WITA hours, and breaks_page tells
whether a block fits on the page without drawing it; read back with pdftotext."""
from __future__ import annotations

import re
import subprocess
from datetime import date, time
from importlib import resources

import pytest

from shared import pdf

NAMES = ("Muhammad Ṣāliḥ", "Nguyễn Thị Hoa", "Łucja Ćwik", "Ayşe Yılmaz–Doğan", "Koperasi Ŝ-Mart")


def text_of(content: bytes) -> str:
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


def test_the_fonts_and_their_licence_are_package_data_of_shared():
    # Where the wheel (and so the service image) has them: setuptools' package-data "fonts/*" of shared.data.
    shipped = {f.name for f in resources.files("shared.data").joinpath("fonts").iterdir()}
    assert {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "LICENSE-DejaVu.txt"} <= shipped


@pytest.mark.parametrize("style", ["", "B", "I", "BU"])
def test_names_beyond_latin_1_print_in_every_style(style):
    paper = pdf.Paper()
    paper.add_page()
    paper.font(11, style)
    for name in NAMES:
        paper.cell(0, 6, pdf.text(name), new_x="LMARGIN", new_y="NEXT")
    printed = text_of(bytes(paper.output()))
    assert all(name in printed for name in NAMES), printed


def test_a_name_typed_decomposed_prints_as_its_letters():
    assert pdf.text("S\u0323a\u0304lih") == "Ṣālih" and pdf.text(None) == ""


def test_the_kop_and_a_signature_block_with_and_without_a_name():
    paper = pdf.Paper()
    paper.add_page()
    foot = pdf.letterhead_block(paper, pdf.Letterhead("UPTD Pelatihan Koperasi dan UKM"), top=12)
    official = pdf.Signer("Kepala UPTD", "Dr. Ṣāliḥ Hadi, M.Si.", "197001011995031001")
    pdf.signature_row(paper, foot + 10, ((15, 80, "Samarinda, 4 Juli 2023\nKepala UPTD", official),
                                         (115, 80, "\nNarasumber,", None)))
    printed = text_of(bytes(paper.output()))
    for words in ("PEMERINTAH PROVINSI KALIMANTAN TIMUR", "DINAS KOPERASI DAN USAHA KECIL DAN MENENGAH",
                  "UPTD PELATIHAN KOPERASI DAN UKM", "Samarinda, 4 Juli 2023 Kepala UPTD Dr. Ṣāliḥ Hadi, M.Si. "
                  "NIP 197001011995031001", f"Narasumber, {pdf.BLANK_NAME} {pdf.BLANK_NIP}"):
        assert words in printed, (words, printed)


def test_dates_and_hours_as_read_in_kalimantan_timur():
    assert pdf.date_range(date(2023, 7, 4), date(2023, 7, 4)) == "4 Juli 2023"
    assert pdf.date_range(date(2023, 7, 4), date(2023, 7, 6)) == "4–6 Juli 2023"
    assert pdf.date_range(date(2023, 6, 30), date(2023, 7, 2)) == "30 Juni 2023 – 2 Juli 2023"
    assert pdf.hours(time(8, 0), time(9, 30)) == "08.00–09.30 WITA"


def lines(count: int):
    def draw(paper):
        paper.font(10)
        for n in range(count):
            paper.cell(0, 10, f"Baris {n}", new_x="LMARGIN", new_y="NEXT")
    return draw


def test_breaks_page_tells_whether_a_block_fits_and_draws_nothing():
    paper = pdf.Paper()
    paper.set_auto_page_break(True, margin=15)
    paper.add_page()
    paper.set_y(200)  # 82 mm left above the bottom margin: 8 lines of 10 mm fit, 9 do not
    assert pdf.breaks_page(paper, lines(8)) is False
    assert pdf.breaks_page(paper, lines(9)) is True
    assert (paper.page_no(), paper.get_y()) == (1, 200)
    lines(1)(paper)
    assert text_of(bytes(paper.output())).count("Baris") == 1  # only what was drawn for real


def test_a_long_name_with_its_titles_stays_inside_its_signature_block():
    paper = pdf.Paper()
    paper.add_page()
    name = "Dr. Ir. H. Muhammad Ṣāliḥ Wahid, S.E., M.Si., Ph.D."  # 105 mm wide at 10.5 pt
    pdf.signature_block(paper, 115, 40, 80, "Panitia Penyelenggara,", pdf.Signer("Ketua", name, "197001011995031001"))
    words = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=bytes(paper.output()), capture_output=True,
                           check=True).stdout.decode("utf-8")
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"[^>]*>Ph\.D\.<', words))
    assert right <= (115 + 80) * 72 / 25.4  # the block's right edge, in points
    assert name in text_of(bytes(paper.output()))
