"""NIK (Nomor Induk Kependudukan) rules every service checks by: structure from python-stdnum, plus the stricter rules
stdnum lacks (registration's managers, training's narasumber)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.id import nik as stdnum_nik
from stdnum.util import isdigits

from shared.clock import business_today
from shared.regions import districts


class InvalidNik(ValueError):
    pass


@dataclass(frozen=True)
class NikInfo:
    nik: str
    gender: str  # "L" or "P"
    birth_date: date
    region_code: str  # Kemendagri form, e.g. "64.02"
    warnings: list[str] = field(default_factory=list)


def parse_nik(raw: str, *, today: date | None = None) -> NikInfo:
    """Validate a NIK and derive gender, birth date and region; region oddities are warnings only."""
    today = today or business_today()
    number = stdnum_nik.compact(raw or "")
    if not isdigits(number) or len(number) != 16:
        raise InvalidNik("NIK harus 16 angka")
    day, month, yy = int(number[6:8]), int(number[8:10]), int(number[10:12])
    # stdnum takes day % 40, so it would accept 81-99 and 32-40; the rule is 01-31 (men) or 41-71 (women).
    if not (1 <= day <= 31 or 41 <= day <= 71):
        raise InvalidNik("NIK: tanggal lahir tidak sah (hari harus 01-31, atau 41-71 untuk perempuan)")
    if not 1 <= month <= 12:
        raise InvalidNik("NIK: bulan lahir tidak sah (01-12)")
    if number[12:] == "0000":
        raise InvalidNik("NIK: nomor urut tidak boleh 0000")
    birth = _birth_date(day % 40, month, yy, today)
    if birth is None:
        raise InvalidNik("NIK: tanggal lahir tidak ada di kalender")
    try:
        stdnum_nik.validate(number)
    except StdnumError:
        pass  # stdnum's region table is outdated (Kaltim before Kaltara split); handled as a warning below
    region = f"{number[:2]}.{number[2:4]}"
    warnings = []
    if region not in districts():
        warnings.append(f"NIK diterbitkan di luar kabupaten/kota Kalimantan Timur saat ini (kode {region})")
    return NikInfo(number, "P" if day > 40 else "L", birth, region, warnings)


def _birth_date(day: int, month: int, yy: int, today: date) -> date | None:
    # The NIK holds two digits of the year: take the latest century that is not in the future.
    for century in (2000, 1900):
        try:
            candidate = date(century + yy, month, day)
        except ValueError:
            return None
        if candidate <= today:
            return candidate
    return None


def mask_nik(nik: str) -> str:
    """6402********0001: region and serial kept, birth date hidden."""
    return nik[:4] + "*" * 8 + nik[12:] if len(nik) == 16 else "*" * len(nik)
