"""Who a batch admits (cooperatives' people only, or UMK owners too) and what its papers call the column of where a
participant comes from: on a batch open to UMK a row may hold a business (the roster keeps it as the cooperative's
name), so the column says both."""
from __future__ import annotations

COOPERATIVES_ONLY, WITH_UMK = "koperasi", "koperasi_dan_umk"
COOPERATIVE_COLUMN = "Koperasi"


def affiliation_column(eligibility: str | None) -> str:
    """The heading of the cooperative's column on every paper of a batch (daftar hadir, grid, nominatif, laporan)."""
    return "Koperasi/Usaha" if eligibility == WITH_UMK else COOPERATIVE_COLUMN


def headed(columns: tuple[str, ...], eligibility: str | None) -> tuple[str, ...]:
    """A paper's column headings with the cooperative's one named for the batch."""
    return tuple(affiliation_column(eligibility) if c == COOPERATIVE_COLUMN else c for c in columns)
