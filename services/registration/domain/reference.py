"""Closed lists a cooperative or manager is checked against. The sector list is unverified, so it is data
(data/sectors.csv), not code; types, grades and positions come from law and ODS practice."""
from __future__ import annotations

import csv
from functools import cache
from importlib import resources

KINDS = ("simpan pinjam", "konsumen", "produsen", "pemasaran", "jasa")  # jenis, UU 25/1992
GRADES = ("A", "B", "C1", "C2", "D")  # ODS grade from RAT history
# DPS (dewan pengawas syariah) supervises a syariah cooperative; anggota: members the ministry's programme admits.
POSITIONS = ("ketua", "sekretaris", "bendahara", "pengawas", "dewan pengawas syariah", "manajer", "karyawan",
             "anggota")


@cache
def sectors() -> dict[str, str]:
    """Sector code -> label, in the file's order."""
    text = resources.files("services.registration.data").joinpath("sectors.csv").read_text(encoding="utf-8")
    return {row["code"].strip().lower(): row["label"].strip() for row in csv.DictReader(text.splitlines())}


# Spellings officers type for the same sector; mapped before checking against the list.
_SECTOR_ALIASES = {"kerajinan": "kerajinan/industri", "industri": "kerajinan/industri",
                   "simpan-pinjam": "simpan pinjam", "usp": "simpan pinjam", "ksp": "simpan pinjam"}


def normalise_sector(raw: str) -> str:
    """The sector code for `raw`, or ValueError naming the allowed values."""
    value = " ".join((raw or "").strip().lower().split())
    value = _SECTOR_ALIASES.get(value, value)
    if value not in sectors():
        raise ValueError("sektor usaha tidak dikenal; pilih salah satu: " + ", ".join(sectors()))
    return value


def normalise_kind(raw: str) -> str:
    value = " ".join((raw or "").strip().lower().replace("-", " ").split())
    value = {"ksp": "simpan pinjam", "usp": "simpan pinjam"}.get(value, value)
    if value not in KINDS:
        raise ValueError("jenis koperasi tidak dikenal; pilih salah satu: " + ", ".join(KINDS))
    return value


def normalise_position(raw: str) -> str:
    value = " ".join((raw or "").strip().lower().split())
    value = {"manajer/pengelola": "manajer", "pengelola": "manajer", "dps": "dewan pengawas syariah",
             "pengawas syariah": "dewan pengawas syariah"}.get(value, value)
    if value not in POSITIONS:
        raise ValueError("jabatan tidak dikenal; pilih salah satu: " + ", ".join(POSITIONS))
    return value


def parse_active(raw) -> bool:
    """'aktif'/'tidak aktif' as officers write it, or yes/no forms from spreadsheets."""
    if isinstance(raw, bool):
        return raw
    value = str(raw).strip().lower()
    if value in ("aktif", "ya", "y", "1", "true", "active"):
        return True
    if value in ("tidak aktif", "nonaktif", "non aktif", "tidak", "t", "0", "false", "inactive"):
        return False
    raise ValueError("status harus 'aktif' atau 'tidak aktif'")


def parse_syariah(raw) -> bool:
    """Whether a cooperative runs on the syariah pattern (KSPPS/USPPS), as a form or a spreadsheet says it."""
    if isinstance(raw, bool):
        return raw
    value = str(raw).strip().lower()
    if value in ("ya", "y", "1", "true", "syariah", "on"):
        return True
    if value in ("tidak", "t", "0", "false", "konvensional", "", "off"):
        return False
    raise ValueError("pola syariah harus 'ya' atau 'tidak'")
