"""Column headers in Bahasa Indonesia and how each value is shown, shared by CSV, XLSX, PDF and the dashboard."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "int"  # int | pct | rupiah | text | date


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
SHEET_TITLES = {"summary": "Ringkasan", "districts": "Kabupaten-Kota", "sectors": "Sektor",
                "cooperative-types": "Jenis Koperasi", "sexes": "Jenis Kelamin", "batches": "Angkatan"}
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
    if kind == "int" and isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if kind == "text" and value in STATUS:
        return STATUS[value]
    return str(value)
