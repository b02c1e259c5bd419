"""The daftar hadir as an office prints it: the signature blocks never stand alone on a page (the last rows go over
with them, under the column headings), and the panitia block carries the batch's official (name, position, NIP) with
its co-signer under "Mengetahui"; read back with pdftotext page by page."""
from __future__ import annotations

import dataclasses
import subprocess

import pytest

from services.training.adapters import pdf
from tests.unit.training.test_documents import CO_NIP, NIP, page_count, sheet, text_of

OFFICIAL = pdf.Signer("Kepala UPTD Pelatihan Koperasi dan UKM", "Drs. Ḥasan Bašić, M.Si.", "197512202000031004")
CO_SIGNER = pdf.Signer("Kepala Dinas Koperasi dan UKM Provinsi Kalimantan Timur", "Hj. Rina Wati, S.Sos.", CO_NIP)
HEADINGS = "No Nama Jabatan Koperasi Kabupaten/Kota Status Tanda tangan"


def pages_of(content: bytes) -> list[str]:
    return [text_of(content, page=n) for n in range(1, page_count(content) + 1)]


def rows_on(page: str) -> int:
    return page.count("Kab. Kutai Timur")  # every row's kabupaten/kota (the fixture's rows are all there)


# 30 with both officials: their blocks fell alone on page 3; 14 and 31 without: the same with one block row.
@pytest.mark.parametrize(("count", "committee"), [(30, (OFFICIAL, CO_SIGNER)), (14, ()), (31, ())])
def test_the_signature_blocks_go_over_with_the_last_rows(count, committee):
    content = pdf.attendance_sheet_pdf(dataclasses.replace(sheet(count), committee=committee))
    pages = pages_of(content)
    assert len(pages) >= 2
    assert all(rows_on(page) for page in pages), [rows_on(page) for page in pages]  # no page of signatures only
    assert sum(rows_on(page) for page in pages) == count
    last = pages[-1]
    assert HEADINGS in last and f"{count}." in last and f"{count - 1}." in last
    assert "Narasumber," in last and "Panitia Penyelenggara," in last and f"NIP {NIP}" in last
    assert not any("Panitia Penyelenggara," in page for page in pages[:-1])


def test_the_panitia_block_names_the_batchs_official_and_the_co_signer_knows_of_it():
    content = pdf.attendance_sheet_pdf(dataclasses.replace(sheet(30), committee=(OFFICIAL, CO_SIGNER)))
    last = pages_of(content)[-1]
    assert ("Samarinda, 4 Juli 2023 Panitia Penyelenggara, Kepala UPTD Pelatihan Koperasi dan UKM "
            "Drs. Ḥasan Bašić, M.Si. NIP 197512202000031004") in last, last
    assert ("Mengetahui, Kepala Dinas Koperasi dan UKM Provinsi Kalimantan Timur Hj. Rina Wati, S.Sos. "
            f"NIP {CO_NIP}") in last
    assert pdf.BLANK_NAME not in last
    # As laid out: the narasumber's and the official's names on one line, their NIPs on the next.
    lines = subprocess.run(["pdftotext", "-layout", "-f", "3", "-l", "3", "-", "-"], input=content,
                           capture_output=True, check=True).stdout.decode("utf-8").splitlines()
    names = next(n for n, line in enumerate(lines) if "Drs. Ḥasan Bašić, M.Si." in line)
    assert "Nguyễn Thị Hoa" in lines[names]
    assert f"NIP {NIP}" in lines[names + 1] and f"NIP {OFFICIAL.nip}" in lines[names + 1]


def test_a_batch_without_an_official_leaves_the_panitia_block_to_fill_in_by_hand():
    last = pages_of(pdf.attendance_sheet_pdf(sheet(6)))[-1]
    assert "Panitia Penyelenggara," in last and last.count(pdf.BLANK_NAME) == 1 and "Mengetahui" not in last
    assert "NIP " + "." * 30 in last


UMK_HEADINGS = "No Nama Jabatan Koperasi/Usaha Kabupaten/Kota Status Tanda tangan"


def test_a_batch_open_to_umk_heads_the_column_koperasi_usaha_and_a_cooperatives_only_batch_koperasi():
    owner = pdf.SheetRow("Darmawan Wijaya", "pemilik usaha", "Amplang Ikan Pipih Bontang Kuala", "Kota Bontang",
                         "hadir")
    umk = sheet(31)
    umk = dataclasses.replace(umk, rows=(*umk.rows[:3], owner, *umk.rows[3:]), eligibility="koperasi_dan_umk")
    pages = pages_of(pdf.attendance_sheet_pdf(umk))
    assert all(UMK_HEADINGS in page for page in pages)  # the headings repeat on every page
    assert "4 Darmawan Wijaya Pemilik usaha Amplang Ikan Pipih Bontang Kuala Kota Bontang Hadir" in pages[0]

    only_cooperatives = " ".join(pages_of(pdf.attendance_sheet_pdf(sheet(31))))
    assert HEADINGS in only_cooperatives and "Koperasi/Usaha" not in only_cooperatives
