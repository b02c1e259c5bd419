"""The registry fields beyond the basics: NIB, the year of the last RAT and the grade it gives, new positions."""
import pytest

from services.registration.domain.cooperative_records import check_rat_year, grade_from_last_rat, normalise_nib
from services.registration.domain.reference import normalise_position, parse_syariah


@pytest.mark.parametrize("raw", ["9120001234567", "912 0001 234 567", "9120-0012-34567", " 9120001234567 "])
def test_an_nib_is_thirteen_digits_as_officers_type_it(raw):
    assert normalise_nib(raw) == "9120001234567"


@pytest.mark.parametrize("raw, reason", [("912000123456", "13 angka .tertulis 12 angka."),
                                         ("91200012345678", "tertulis 14 angka"), ("91200O1234567", "angka")])
def test_a_wrong_nib_says_what_is_wrong(raw, reason):
    with pytest.raises(ValueError, match=reason):
        normalise_nib(raw)


def test_no_nib_is_allowed_on_older_records():
    assert normalise_nib("") is None and normalise_nib(None) is None


def test_a_rat_year_has_happened():
    assert check_rat_year(2026, this_year=2026) == 2026
    with pytest.raises(ValueError, match="tidak boleh di masa depan"):
        check_rat_year(2027, this_year=2026)
    with pytest.raises(ValueError, match="sebelum 1945"):
        check_rat_year(1900, this_year=2026)


@pytest.mark.parametrize("last, grade", [(2020, "D"), (2023, "D"), (2024, None), (2026, None), (None, None)])
def test_only_a_last_rat_before_the_three_year_window_decides_the_grade(last, grade):
    # 2024, 2025 and 2026 are the window in 2026: one RAT in it says nothing of the other two years.
    assert grade_from_last_rat(last, this_year=2026) == grade


@pytest.mark.parametrize("raw, position", [("Dewan Pengawas Syariah", "dewan pengawas syariah"),
                                           ("DPS", "dewan pengawas syariah"), ("anggota", "anggota")])
def test_the_programme_positions_are_known(raw, position):
    assert normalise_position(raw) == position


def test_the_syariah_pattern_in_a_spreadsheet_s_words():
    assert parse_syariah("Ya") is True and parse_syariah("tidak") is False and parse_syariah("") is False
    with pytest.raises(ValueError, match="'ya' atau 'tidak'"):
        parse_syariah("mungkin")
