"""A laporan pelaksanaan's read model as the report's use case would gather it for the seed batch (30 participants
from three kabupaten/kota, seven sessions, closed by component, photographs): for the document tests."""
from __future__ import annotations

import io
from datetime import date, time

from PIL import Image, ImageDraw

from services.training.adapters import pdf, xlsx
from services.training.adapters.report_model import Chapter, Part, Photo, Report, SheetAppendix, Table, agenda_table

NIP = "197003151995031002"
OFFICIAL = pdf.Signer("Kepala UPTD Pelatihan Koperasi dan UKM", "Dr. H. Muhammad Zaini, S.E., M.Si.", NIP)
DISTRICTS = ("Kabupaten Kutai Kartanegara", "Kabupaten Kutai Timur", "Kabupaten Penajam Paser Utara")
FIRST = ("Siti", "Ahmad", "Rina", "Budi", "Dewi", "Agus", "Nur", "Hendra", "Yuni", "Rahmat")
LAST = ("Aminah", "Fauzi", "Lestari")
NAMES = tuple(f"{FIRST[i % 10]} {LAST[i // 10]} {i + 1:02d}" for i in range(30))
BUDGET = (("Honor narasumber", 21_600_000, 21_600_000), ("Uang saku peserta", 9_000_000, 8_700_000),
          ("Akomodasi", 13_500_000, 13_050_000), ("Konsumsi", 8_100_000, 7_965_000), ("Lainnya", 2_800_000, 1_250_000))


def photo(colour: str = "steelblue", size=(1200, 800), label: str = "Foto") -> bytes:
    picture = Image.new("RGB", size, colour)
    ImageDraw.Draw(picture).rectangle((size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4), fill="white")
    out = io.BytesIO()
    picture.save(out, "JPEG")
    return out.getvalue()


def agenda() -> tuple[tuple[int, pdf.AgendaItem], ...]:
    slots = ((time(8, 0), time(9, 30), 2), (time(9, 45), time(12, 0), 3), (time(13, 0), time(15, 15), 3))
    topics = ("Kebijakan pemberdayaan koperasi", "Literasi digital koperasi", "Pemasaran daring",
              "Pembukuan digital", "Tata kelola koperasi", "Praktik aplikasi kasir", "Rencana tindak lanjut")
    out = []
    for n, topic in enumerate(topics):
        start, end, jp = slots[n % 3]
        out.append((n + 1, pdf.AgendaItem(date(2023, 7, 4 + n // 3), start, end, topic, jp, "Nurul Hidayah, S.Kom.")))
    return tuple(out)


def report(photos: int = 4, title: str = "Digitalisasi Usaha Koperasi") -> Report:
    rows = tuple(xlsx.NominativeRow(name, "ketua" if i % 3 else "bendahara", f"Koperasi Sejahtera {i // 3 + 1}",
                                    DISTRICTS[i % 3], "P" if i % 2 else "L") for i, name in enumerate(NAMES))
    nominative = xlsx.NominativeList(title, "DIG-2023-01", "Samarinda", date(2023, 7, 4), date(2023, 7, 6), rows,
                                     note="NIK (tersamar) dan NIB belum tersedia di layanan pelatihan.")
    items = agenda()
    money = lambda v: f"{v:,}".replace(",", ".")  # noqa: E731
    budget = Table(("No", "Komponen", "Rencana (Rp)", "Realisasi (Rp)", "Sisa (Rp)"),
                   tuple((str(i), c, money(p), money(r), money(p - r)) for i, (c, p, r) in enumerate(BUDGET, 1)),
                   foot=("", "Jumlah", money(sum(b[1] for b in BUDGET)), money(sum(b[2] for b in BUDGET)),
                         money(sum(b[1] - b[2] for b in BUDGET))), numeric=(2, 3, 4))
    chapters = (
        Chapter("BAB I PENDAHULUAN", (Part("A. Latar Belakang", ("Koperasi memerlukan pengurus yang cakap.",)),
                                      Part("B. Maksud dan Tujuan", ("Meningkatkan kapasitas pengurus.",)),
                                      Part("C. Waktu dan Tempat", ("Samarinda, 4 sampai 6 Juli 2023.",)))),
        Chapter("BAB II PELAKSANAAN KEGIATAN", (
            Part("A. Jadwal Acara, Narasumber dan Materi", tables=(agenda_table(items),)),
            Part("B. Peserta", ("Peserta berjumlah 30 orang.",),
                 (Table(("Kabupaten/Kota", "Laki-laki", "Perempuan", "Jumlah"),
                        tuple((d, "5", "5", "10") for d in DISTRICTS), foot=("Jumlah", "15", "15", "30")),)),
            Part("C. Rekapitulasi Kehadiran", ("Lulus 30 dari 30.",)),
            Part("D. Hasil Pre-test dan Post-test", ("Belum ada data.",)),
            Part("E. Evaluasi Penyelenggaraan", ("Belum ada data.",)),
            Part("F. Realisasi Anggaran", ("Realisasi per komponen.",), (budget,)),
            Part("G. Dokumentasi"))),
        Chapter("BAB III PENUTUP", (Part("A. Kesimpulan dan Saran", ("Pelatihan berjalan baik.",)),)))
    sheets = tuple(SheetAppendix(no, item, tuple((r.full_name, r.district, "hadir") for r in rows)) for no, item in items)
    return Report(letterhead=pdf.Letterhead("UPTD Pelatihan Koperasi dan UKM Provinsi Kalimantan Timur"),
                  batch_title=title, batch_code="DIG-2023-01", venue="Samarinda", start_date=date(2023, 7, 4),
                  end_date=date(2023, 7, 6), fiscal_year=2023, chapters=chapters,
                  photos=tuple(Photo(f"Sesi {i + 1}: peserta berdiskusi", photo(("steelblue", "seagreen")[i % 2]))
                               for i in range(photos)),
                  evidence_list=Table(("No", "Jenis", "Keterangan", "Berkas"),
                                      (("1", "Kuitansi", "Kuitansi konsumsi hari 1", "kuitansi.pdf"),)),
                  signer=OFFICIAL, co_signer=None, sign_date=date(2023, 7, 6), nominative=nominative, sheets=sheets,
                  agenda=items)
