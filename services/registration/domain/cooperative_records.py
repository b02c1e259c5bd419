"""The registry fields beyond the basics: the cooperative's NIB (OSS, 13 digits), the year of its last annual
members' meeting (RAT) and the ODS grade that RAT history gives (DOMAIN.md: A = RAT in each of the last 3 years,
B = 2 of 3, C1 = younger than 3 years with 1 RAT, C2 = older with only this year's RAT, D = none in 3 years)."""
from __future__ import annotations

NIB_LENGTH = 13
FIRST_RAT_YEAR = 1945  # nothing in the registry is older than the Republic's cooperatives


def normalise_nib(raw: str | None) -> str | None:
    """The NIB as 13 digits (spaces, dots and dashes dropped), None when empty; ValueError otherwise."""
    if raw is None or str(raw).strip() == "":
        return None
    value = "".join(str(raw).split()).replace(".", "").replace("-", "")
    if not value.isdigit():
        raise ValueError("NIB hanya boleh berisi angka")
    if len(value) != NIB_LENGTH:
        raise ValueError(f"NIB harus {NIB_LENGTH} angka (tertulis {len(value)} angka)")
    return value


def check_rat_year(year: int | None, *, this_year: int) -> int | None:
    """A RAT year is a year that has happened: not after this year (WITA), not before 1945."""
    if year is None:
        return None
    if year > this_year:
        raise ValueError(f"tahun RAT terakhir tidak boleh di masa depan (paling lambat {this_year})")
    if year < FIRST_RAT_YEAR:
        raise ValueError(f"tahun RAT terakhir tidak mungkin sebelum {FIRST_RAT_YEAR}")
    return year


def grade_from_last_rat(last_rat_year: int | None, *, this_year: int) -> str | None:
    """The grade when only the year of the last RAT is known: a last RAT before the 3-year window means no RAT in
    it, so D; a RAT inside the window says nothing of the other years (A, B, C1 or C2), so no grade is guessed."""
    if last_rat_year is None:
        return None
    return "D" if last_rat_year < this_year - 2 else None
