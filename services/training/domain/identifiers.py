"""The numbers that identify narasumber and officials (NIP, NIK, NPWP, phone), checked and masked; no I/O."""
from __future__ import annotations

import re
from datetime import date

from stdnum.id import npwp as stdnum_npwp

from shared.nik import parse_nik
from shared.phones import normalise_phone  # noqa: F401 (re-exported: the rule every service shares)


def _digits(raw: str) -> str:
    # People type NPWP as 01.300.066.6-091.000 and NIP with spaces: keep the digits, refuse anything else.
    text = re.sub(r"[\s.\-]", "", raw or "")
    if not text.isdigit():
        raise ValueError("hanya boleh berisi angka")
    return text


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def check_nip(raw: str) -> str:
    """NIP of a civil servant, 18 digits: birth date YYYYMMDD, appointment YYYYMM, sex (1 man, 2 woman), serial."""
    nip = _digits(raw)
    if len(nip) != 18:
        raise ValueError("NIP harus 18 digit")
    born, appointed, sex, serial = nip[:8], nip[8:14], nip[14], nip[15:]
    if not _is_date(int(born[:4]), int(born[4:6]), int(born[6:])) or int(born[:4]) < 1900:
        raise ValueError("NIP: 8 digit pertama harus tanggal lahir (YYYYMMDD)")
    if not 1 <= int(appointed[4:]) <= 12 or int(appointed[:4]) <= int(born[:4]):
        raise ValueError("NIP: digit 9-14 harus tahun dan bulan pengangkatan (YYYYMM)")
    if sex not in "12":
        raise ValueError("NIP: digit ke-15 harus 1 (laki-laki) atau 2 (perempuan)")
    if serial == "000":
        raise ValueError("NIP: nomor urut tidak boleh 000")
    return nip


def check_nik(raw: str) -> str:
    """NIK, 16 digits, by the rule every service checks (shared/nik.py); a narasumber may live outside Kaltim."""
    return parse_nik(_digits(raw)).nik


def check_npwp(raw: str) -> str:
    """NPWP: 15 digits (the old form) or 16 (the NIK-based form since 2024)."""
    npwp = _digits(raw)
    if len(npwp) not in (15, 16):
        raise ValueError("NPWP harus 15 atau 16 digit")
    if not stdnum_npwp.is_valid(npwp):  # python-stdnum: the check digit (old form) or the NIK's structure
        raise ValueError("NPWP tidak sah: periksa kembali angkanya")
    return npwp


def check_bank_account(raw: str) -> str:
    account = _digits(raw)
    if not 5 <= len(account) <= 20:
        raise ValueError("nomor rekening harus 5-20 digit")
    return account


def mask(value: str | None, keep: int = 4) -> str | None:
    """'3174012345673456' -> '************3456': what everybody but an admin sees of NIK, NPWP and bank account."""
    if not value:
        return value
    return "*" * max(len(value) - keep, 0) + value[-keep:]
