"""Training's papers as built from their read models: the certificate (kop, the name in any script, cooperative and
kabupaten/kota, dates, total JP, the officials with NIP, the agenda on its second page) and the daftar hadir, read
back with pdftotext as anyone would; the attendance grid read back with openpyxl."""
from __future__ import annotations

import io
import subprocess
import unicodedata
from datetime import date, time

import pytest
from openpyxl import load_workbook

from services.training.adapters import pdf, xlsx

NAMES = ("Dr. H. Muhammad Zaini, S.E., M.Si.", "Muhammad Ṣāliḥ", "Nguyễn Thị Hoa", "Łucja Ćwik")
NIP, CO_NIP = "197001011995031001", "196805121990032002"
HEAD = pdf.Letterhead("UPTD Pelatihan Koperasi dan UKM Provinsi Kalimantan Timur")
AGENDA = (
    pdf.AgendaItem(date(2023, 7, 4), time(8, 0), time(9, 30), "Kebijakan pemberdayaan koperasi", 2, NAMES[0]),
    pdf.AgendaItem(date(2023, 7, 4), time(9, 45), time(12, 0), "Pemasaran digital", 3, "Nurul Hidayah, S.Kom."),
    pdf.AgendaItem(date(2023, 7, 5), time(13, 0), time(15, 15), "Pembukuan digital dengan aplikasi", 3, None),
)
OFFICIAL = pdf.Signer("Kepala UPTD Pelatihan Koperasi dan UKM", "Dr. H. Muhammad Zaini, S.E., M.Si.", NIP)
CO_SIGNER = pdf.Signer("Kepala Dinas Koperasi dan UKM", "Hj. Rina Wati, S.Sos.", CO_NIP)


def text_of(content: bytes, *, page: int | None = None) -> str:
    """pdftotext's reading order, whitespace collapsed (a name wrapped in a narrow cell reads whole)."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(["pdftotext", "-raw", *pages, "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


def page_count(content: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def certificate(full_name: str = NAMES[1], signers=(OFFICIAL, CO_SIGNER), **overrides) -> pdf.CertificatePaper:
    values = dict(number="UPTD-KUKM/2023/0007", full_name=full_name, cooperative_name="Koperasi Sawit Makmur",
                  district="Kabupaten Kutai Timur", batch_title="Digitalisasi Usaha Koperasi", venue="Samarinda",
                  start_date=date(2023, 7, 4), end_date=date(2023, 7, 6), signers=signers, agenda=AGENDA,
                  verification_url="https://sipelkop.example/verifikasi?nomor=UPTD-KUKM%2F2023%2F0007&kode=K7QM2XR9TA",
                  letterhead=HEAD)
    return pdf.CertificatePaper(**{**values, **overrides})


@pytest.mark.parametrize("name", NAMES)
def test_the_certificate_prints_the_name_in_its_own_letters(name):
    content = pdf.certificate_pdf(certificate(name))
    assert name in text_of(content, page=1)
    # Typed decomposed (S + combining dot), it still prints as the letters themselves.
    assert name in text_of(pdf.certificate_pdf(certificate(unicodedata.normalize("NFD", name))), page=1)


def test_the_certificate_states_the_batch_its_jp_and_who_signs_and_lists_the_agenda_overleaf():
    content = pdf.certificate_pdf(certificate())
    assert page_count(content) == 2
    front = text_of(content, page=1)
    for expected in ("PEMERINTAH PROVINSI KALIMANTAN TIMUR", "UPTD PELATIHAN KOPERASI DAN UKM PROVINSI KALIMANTAN TIMUR",
                     "SERTIFIKAT", "Nomor: UPTD-KUKM/2023/0007", "Koperasi Sawit Makmur – Kabupaten Kutai Timur",
                     "“Digitalisasi Usaha Koperasi”", "di Samarinda pada tanggal 4–6 Juli 2023",
                     "selama 8 jam pelajaran (JP)", "Samarinda, 6 Juli 2023", OFFICIAL.position, OFFICIAL.name,
                     f"NIP {NIP}", "Mengetahui,", CO_SIGNER.position, CO_SIGNER.name, f"NIP {CO_NIP}",
                     "Pindai untuk memeriksa keaslian", "https://sipelkop.example/verifikasi?nomor=UPTD-KUKM%2F2023%2F0007",
                     # typed by whoever does not scan: the page asks for the number and this code
                     "Kode verifikasi: K7QM2-XR9TA"):
        assert expected in front, (expected, front)
    back = text_of(content, page=2)
    for expected in ("MATERI PELATIHAN", "Selasa, 4 Juli 2023", "08.00–09.30 WITA", f"Kebijakan pemberdayaan koperasi {NAMES[0]} 2",
                     "Pemasaran digital Nurul Hidayah, S.Kom. 3", "Rabu, 5 Juli 2023",
                     "Pembukuan digital dengan aplikasi", "Jumlah jam pelajaran 8", NAMES[0]):
        assert expected in back, (expected, back)


def test_a_certificate_signed_by_the_settings_official_has_no_nip_and_no_co_signer():
    front = text_of(pdf.certificate_pdf(certificate(signers=(pdf.Signer("", "Drs. Contoh Pejabat, M.Si."),))), page=1)
    assert "Drs. Contoh Pejabat, M.Si." in front and "NIP" not in front and "Mengetahui" not in front


def test_the_kop_takes_the_configured_logo(tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 120), (200, 30, 30)).save(logo)
    content = pdf.certificate_pdf(certificate(letterhead=pdf.Letterhead("UPTD Contoh", logo)))
    assert b"/Subtype /Image" in content and "UPTD CONTOH" in text_of(content, page=1)
    assert b"/Subtype /Image" not in pdf.certificate_pdf(certificate())  # the SVG is drawn as vector paths


def rows(count: int) -> tuple[pdf.SheetRow, ...]:
    statuses = ("hadir", "terlambat", "izin", "sakit", "alpa", None)
    return tuple(pdf.SheetRow(NAMES[i % 4], ("bendahara", "sekretaris")[i % 2], f"Koperasi Sejahtera {i}", "Kab. Kutai Timur",
                              statuses[i % 6]) for i in range(count))


def sheet(count: int = 6, narasumber: str | None = "Nguyễn Thị Hoa", nip: str | None = NIP) -> pdf.AttendanceSheet:
    item = pdf.AgendaItem(date(2023, 7, 4), time(9, 45), time(12, 0), "Pemasaran digital", 3, narasumber)
    return pdf.AttendanceSheet(HEAD, "Digitalisasi Usaha Koperasi", "DIG-2023-01", "Samarinda", 2, item, nip,
                               rows(count))


def test_the_daftar_hadir_has_the_kop_the_session_the_columns_and_both_signature_blocks():
    content = pdf.attendance_sheet_pdf(sheet())
    text = text_of(content)
    for expected in ("UPTD PELATIHAN KOPERASI DAN UKM PROVINSI KALIMANTAN TIMUR", "DAFTAR HADIR PESERTA",
                     "Digitalisasi Usaha Koperasi (DIG-2023-01)", "Selasa, 4 Juli 2023", "09.45–12.00 WITA",
                     "2 – Pemasaran digital (3 JP)", "No Nama Jabatan Koperasi Kabupaten/Kota Status Tanda tangan",
                     "Sekretaris", "Bendahara", "Koperasi Sejahtera 5", "Kab. Kutai Timur", "Hadir", "Terlambat", "Izin", "Sakit",
                     "Alpa", "Narasumber,", "Panitia Penyelenggara,", "Samarinda, 4 Juli 2023", f"NIP {NIP}", *NAMES):
        assert expected in text, (expected, text)
    assert text.count("Nguyễn Thị Hoa") == 3  # a row, the narasumber above the table and under the signature


def test_a_long_daftar_hadir_runs_over_pages_and_an_unnamed_narasumber_leaves_a_line_to_fill():
    content = pdf.attendance_sheet_pdf(sheet(40, narasumber=None, nip=None))
    assert page_count(content) >= 3
    last = text_of(content, page=page_count(content))
    assert "Panitia Penyelenggara," in last and "Narasumber," in last and pdf.BLANK_NAME in last
    assert "No Nama Jabatan" in text_of(content, page=2)  # the headings repeat on every page
    assert f"Halaman 2 dari {page_count(content)}" in text_of(content, page=2)


def test_the_attendance_grid_has_a_letter_per_session_and_the_jp_attended():
    grid = xlsx.AttendanceGrid("Digitalisasi Usaha Koperasi", "DIG-2023-01", "Samarinda", date(2023, 7, 4),
                               date(2023, 7, 6), tuple(enumerate(AGENDA, start=1)), (
                                   xlsx.GridRow(NAMES[2], "ketua", "Koperasi A", "Kabupaten Kutai Timur",
                                                ("hadir", "terlambat", "alpa")),
                                   xlsx.GridRow(NAMES[3], "bendahara", "Koperasi B", "Kota Samarinda",
                                                ("sakit", None, "hadir"))))
    book = load_workbook(io.BytesIO(xlsx.attendance_grid_xlsx(grid)))
    sheet_ = book["Kehadiran"]
    assert "Digitalisasi Usaha Koperasi (DIG-2023-01)" in sheet_["A2"].value
    assert "4–6 Juli 2023" in sheet_["A3"].value and "8 JP" in sheet_["A4"].value
    header = [c.value for c in sheet_[6]]
    assert header[:5] == ["No", "Nama", "Jabatan", "Koperasi", "Kabupaten/Kota"]
    assert header[5].startswith("Sesi 1\n4 Jul 2023") and header[-2:] == ["JP hadir", "% JP (dari 8)"]
    assert [c.value for c in sheet_[7]] == [1, NAMES[2], "Ketua", "Koperasi A", "Kabupaten Kutai Timur", "H", "T",
                                            "A", 2, 5, 62.5]
    assert [c.value for c in sheet_[8]][5:] == ["S", None, "H", 1, 3, 37.5]
    sessions = [[c.value for c in row] for row in book["Sesi"].iter_rows(min_row=2)]
    assert sessions[1] == [2, "Selasa, 4 Juli 2023", "09.45–12.00 WITA", "Pemasaran digital", "Nurul Hidayah, S.Kom.", 3]


def test_the_attendance_grid_of_a_batch_open_to_umk_heads_the_column_koperasi_usaha():
    grid = xlsx.AttendanceGrid("Kewirausahaan Koperasi Perikanan", "KWR-2023-07", "Bontang", date(2023, 7, 4),
                               date(2023, 7, 6), tuple(enumerate(AGENDA, start=1)), (
                                   xlsx.GridRow(NAMES[2], "pemilik usaha", "Terasi Udang Sangkulirang",
                                                "Kabupaten Kutai Timur", ("hadir", "hadir", "hadir")),),
                               eligibility="koperasi_dan_umk")
    sheet_ = load_workbook(io.BytesIO(xlsx.attendance_grid_xlsx(grid)))["Kehadiran"]
    assert [c.value for c in sheet_[6]][:5] == ["No", "Nama", "Jabatan", "Koperasi/Usaha", "Kabupaten/Kota"]
    assert [c.value for c in sheet_[7]][:5] == [1, NAMES[2], "Pemilik usaha", "Terasi Udang Sangkulirang",
                                                "Kabupaten Kutai Timur"]


def test_the_logo_setting_must_name_a_file_and_reaches_the_kop(tmp_path):
    from pydantic import ValidationError

    from services.training.config import TrainingSettings
    from services.training.service_layer.certificates import CertificateSettings
    from services.training.service_layer.papers import letterhead

    with pytest.raises(ValidationError, match="TRAINING_LOGO_FILE"):
        TrainingSettings(logo_file=str(tmp_path / "missing.png"))
    logo = tmp_path / "kop.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>')
    settings = CertificateSettings.of(TrainingSettings(logo_file=str(logo)))
    assert letterhead(settings).logo == str(logo)
    assert letterhead(CertificateSettings.of(TrainingSettings())).logo == pdf.DEFAULT_LOGO
    assert pdf.DEFAULT_LOGO.is_file()


def test_a_long_name_and_cooperative_shrink_to_stay_inside_the_frame():
    name = "Prof. Dr. Hj. Andi Nurhayati Ṣāliḥah Binti Muhammad Nguyễn Rahmatullah, S.E., M.M., M.Si."
    coop = "Koperasi Produsen Kelapa Sawit dan Hasil Perkebunan Rakyat Sejahtera Bersama Kecamatan Sangkulirang"
    content = pdf.certificate_pdf(certificate(name, cooperative_name=coop))
    layout = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", "-", "-"], input=content,
                            capture_output=True, check=True).stdout.decode()
    assert name in layout and f"{coop} – Kabupaten Kutai Timur" in layout  # each on one line, whole
