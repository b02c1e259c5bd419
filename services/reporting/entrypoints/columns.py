"""Column headers in Bahasa Indonesia and how each value is shown, shared by CSV, XLSX, PDF and the dashboard."""
from __future__ import annotations

from dataclasses import dataclass

from services.reporting.domain.budget import QUARTERS
from shared.budget import DEFAULT_COMPONENTS, label


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "int"  # int | pct | rupiah | text | date | dec (two decimals: scores, 1–5 means)


FIGURES = (
    Column("participants_enrolled", "Peserta terdaftar"),
    Column("participants_enrolled_women", "Terdaftar perempuan"),
    Column("participants_enrolled_men", "Terdaftar laki-laki"),
    Column("participants_waitlisted", "Daftar tunggu"),
    Column("participants_attending", "Peserta hadir"),
    Column("participants_completed", "Peserta lulus"),
    Column("participants_completed_women", "Lulus perempuan"),
    Column("participants_completed_men", "Lulus laki-laki"),
    Column("participants_not_completed", "Tidak lulus"),
    Column("completion_rate", "Tingkat kelulusan", "pct"),
    Column("attendance_rate", "Tingkat kehadiran", "pct"),
    Column("cooperatives_trained", "Koperasi terlatih"),
    Column("cooperatives_real_sector", "Koperasi sektor riil terlatih"),
    Column("real_sector_share", "Pangsa sektor riil", "pct"),
)
COVERAGE = (Column("active_cooperatives", "Koperasi aktif terdaftar"), Column("coverage", "Cakupan", "pct"))

REPORT_COLUMNS: dict[str, tuple[Column, ...]] = {
    "districts": (Column("key", "Kode Kemendagri", "text"), Column("label", "Kabupaten/Kota", "text"), *FIGURES,
                  *COVERAGE, Column("target_cooperatives", "Target koperasi"),
                  Column("progress", "Capaian target", "pct")),
    "sectors": (Column("label", "Sektor usaha", "text"), *FIGURES, *COVERAGE),
    "cooperative-types": (Column("label", "Jenis koperasi", "text"), *FIGURES, *COVERAGE),
    "sexes": (Column("label", "Jenis kelamin", "text"), *FIGURES),
    "batches": (Column("code", "Kode angkatan", "text"), Column("title", "Judul", "text"),
                Column("fiscal_year", "Tahun anggaran", "text"), Column("start_date", "Mulai", "date"),
                Column("end_date", "Selesai", "date"), Column("status", "Status", "text"),
                Column("capacity", "Kapasitas"), *FIGURES,
                Column("planned_budget", "Anggaran rencana", "rupiah"),
                Column("realised_cost", "Realisasi", "rupiah"),
                Column("cost_per_completer", "Biaya per lulusan", "rupiah")),
}
LEARNING = (
    Column("participants_with_pre", "Peserta dengan pre-test"), Column("participants_with_post", "Peserta dengan post-test"),
    Column("average_pre", "Rata-rata pre-test", "dec"), Column("average_post", "Rata-rata post-test", "dec"),
    Column("participants_with_both", "Peserta dengan kedua nilai"),
    Column("average_gain", "Rata-rata kenaikan (post − pre)", "dec"),
    Column("participants_improved", "Peserta yang naik"), Column("improved_share", "Bagian yang naik", "pct"),
)
SECTION_MEANS = (Column("mean_penyelenggaraan", "Penyelenggaraan (1–5)", "dec"),
                 Column("mean_sarana", "Sarana dan konsumsi (1–5)", "dec"),
                 Column("mean_materi", "Materi (1–5)", "dec"), Column("mean_narasumber", "Narasumber (1–5)", "dec"))
COMPONENT_CODES = tuple(c.code for c in DEFAULT_COMPONENTS)
REPORT_COLUMNS |= {
    "learning": (Column("level", "Rincian", "text"), Column("label", "Nama", "text"), *LEARNING),
    "satisfaction": (Column("code", "Kode angkatan", "text"), Column("title", "Judul", "text"),
                     Column("start_date", "Mulai", "date"), Column("respondents", "Responden"),
                     Column("invited", "Peserta diundang mengisi"), Column("response_rate", "Tingkat pengisian", "pct"),
                     *SECTION_MEANS, Column("narasumber_count", "Jumlah narasumber")),
    "narasumber": (Column("label", "Narasumber (kode, atau nama bila bersedia)", "text"),
                   Column("mean", "Rata-rata (1–5)", "dec"), Column("answers", "Jumlah jawaban"),
                   Column("batches", "Jumlah angkatan")),
    "budget-components": (Column("label", "Komponen", "text"), Column("planned", "Rencana", "rupiah"),
                          Column("realised", "Realisasi", "rupiah"), Column("absorption", "Daya serap", "pct"),
                          *(Column(f"realised_q{i}", f"Realisasi triwulan {q}", "rupiah")
                            for i, q in enumerate(QUARTERS, start=1)),
                          Column("cost_per_completer", "Biaya per lulusan", "rupiah"),
                          Column("cost_per_cooperative", "Biaya per koperasi terlatih", "rupiah")),
    "budget-quarters": (Column("label", "Triwulan", "text"), Column("batches_closed", "Angkatan ditutup"),
                        Column("planned", "Rencana", "rupiah"), Column("realised", "Realisasi", "rupiah"),
                        Column("cumulative", "Realisasi kumulatif", "rupiah"),
                        Column("absorption_cumulative", "Daya serap kumulatif terhadap pagu", "pct"),
                        *(Column(f"component_{code}", label(code), "rupiah") for code in COMPONENT_CODES)),
    "budget-districts": (Column("key", "Kode Kemendagri", "text"), Column("label", "Kabupaten/Kota", "text"),
                         Column("batches", "Angkatan"), Column("planned", "Rencana", "rupiah"),
                         Column("realised", "Realisasi", "rupiah"), Column("absorption", "Daya serap", "pct"),
                         Column("completers", "Peserta lulus"), Column("cooperatives_trained", "Koperasi terlatih"),
                         Column("cost_per_completer", "Biaya per lulusan", "rupiah")),
    "budget-batches": (Column("code", "Kode angkatan", "text"), Column("title", "Judul", "text"),
                       Column("end_date", "Selesai", "date"), Column("quarter", "Triwulan", "text"),
                       Column("planned", "Rencana", "rupiah"), Column("realised", "Realisasi", "rupiah"),
                       Column("completers", "Peserta lulus"), Column("cost_per_completer", "Biaya per lulusan", "rupiah"),
                       *(Column(f"realised_{code}", f"Realisasi {label(code).lower()}", "rupiah")
                         for code in COMPONENT_CODES)),
    "cooperatives": (Column("key", "Kode Kemendagri", "text"), Column("label", "Kabupaten/Kota", "text"),
                     Column("registered", "Koperasi terdaftar"), Column("active", "Aktif"),
                     Column("inactive", "Tidak aktif"), Column("active_share", "Bagian aktif", "pct"),
                     Column("members_men", "Anggota laki-laki"), Column("members_women", "Anggota perempuan"),
                     Column("members_total", "Anggota"), *(Column(f"grade_{g.lower()}", f"Nilai {g}")
                                                           for g in ("A", "B", "C1", "C2", "D")),
                     Column("grade_none", "Tanpa nilai"), Column("trained", "Terlatih tahun ini"),
                     Column("active_not_trained", "Aktif belum terlatih")),
    # The year's schedule, in the order the README documents (the ministry's exact template is unverified).
    "schedule": (Column("no", "No"), Column("code", "Kode angkatan", "text"),
                 Column("title", "Materi / judul pelatihan", "text"), Column("programme", "Program", "text"),
                 Column("start_date", "Tanggal mulai", "date"), Column("end_date", "Tanggal selesai", "date"),
                 Column("days", "Lama (hari)"), Column("venue", "Tempat", "text"), Column("jp", "JP"),
                 Column("capacity", "Kapasitas"), Column("eligible_districts", "Kabupaten/kota sasaran", "text"),
                 Column("status", "Status", "text"), Column("participants_enrolled", "Peserta terdaftar")),
}
SHEET_TITLES = {"summary": "Ringkasan", "districts": "Kabupaten-Kota", "sectors": "Sektor",
                "cooperative-types": "Jenis Koperasi", "sexes": "Jenis Kelamin", "batches": "Angkatan",
                "learning": "Hasil Belajar", "satisfaction": "Kepuasan", "narasumber": "Narasumber",
                "budget-components": "Anggaran Komponen", "budget-quarters": "Anggaran Triwulan",
                "budget-districts": "Anggaran Kab-Kota", "budget-batches": "Anggaran Angkatan",
                "cooperatives": "Indikator Koperasi", "schedule": "Jadwal"}
STATUS = {"scheduled": "terjadwal", "closed": "selesai", "cancelled": "dibatalkan"}

# The summary as (indicator, value, kind) rows.
SUMMARY_ROWS = (
    ("Tahun anggaran", "fiscal_year", "text"),
    ("Target koperasi", "target_cooperatives", "int"),
    ("Koperasi terlatih", "cooperatives_trained", "int"),
    ("Capaian target", "progress", "pct"),
    *((c.header, c.key, c.kind) for c in FIGURES),
    ("Sesi selesai", "sessions_completed", "int"),
    ("Sertifikat terbit", "certificates_issued", "int"),
    ("Pelaku UMK terdaftar (di luar koperasi)", "umk_participants_enrolled", "int"),
    ("Pelaku UMK lulus", "umk_participants_completed", "int"),
    ("Angkatan terjadwal", "batches_scheduled", "int"),
    ("Angkatan selesai", "batches_closed", "int"),
    ("Angkatan dibatalkan", "batches_cancelled", "int"),
    ("Pagu anggaran", "budget.allocation", "rupiah"),
    ("Anggaran direncanakan", "budget.planned", "rupiah"),
    ("Realisasi anggaran", "budget.realised", "rupiah"),
    ("Sisa anggaran", "budget.remaining", "rupiah"),
    ("Daya serap", "budget.absorption", "pct"),
    ("Biaya per lulusan", "budget.cost_per_completer", "rupiah"),
    ("Biaya per koperasi terlatih", "budget.cost_per_cooperative", "rupiah"),
    ("Rata-rata kenaikan nilai (post − pre)", "average_gain", "dec"),
    ("Peserta yang nilainya naik", "improved_share", "pct"),
    ("Data per", "data_as_of", "text"),
)


def pick(doc: dict, dotted: str):
    for part in dotted.split("."):
        doc = doc.get(part) if isinstance(doc, dict) else None
    return doc


def rupiah(value) -> str:
    return "-" if value is None else "Rp " + f"{int(value):,}".replace(",", ".")


def percent(value) -> str:
    return "-" if value is None else f"{value * 100:.1f}".replace(".", ",") + "%"


def show(value, kind: str) -> str:
    """A value as an Indonesian reader expects it on a page (dots for thousands, comma for decimals)."""
    if value is None:
        return "-"
    if kind == "rupiah":
        return rupiah(value)
    if kind == "pct":
        return percent(value)
    if kind == "dec":
        return f"{value:.2f}".replace(".", ",")
    if kind == "int" and isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if kind == "text" and value in STATUS:
        return STATUS[value]
    return str(value)
