from datetime import date

import pytest

from services.registration.domain.nik import InvalidNik, mask_nik, parse_nik

TODAY = date(2026, 11, 28)


def test_a_womans_nik_gives_gender_and_birth_date():
    info = parse_nik("6402014507900001", today=TODAY)
    assert (info.gender, info.birth_date, info.region_code, info.warnings) == ("P", date(1990, 7, 5), "64.02", [])


def test_a_mans_nik_with_separators_is_compacted():
    info = parse_nik("6408 02 120385 0007", today=TODAY)
    assert (info.nik, info.gender, info.birth_date) == ("6408021203850007", "L", date(1985, 3, 12))


def test_a_recent_two_digit_year_means_this_century():
    assert parse_nik("6472010101050002", today=TODAY).birth_date == date(2005, 1, 1)


@pytest.mark.parametrize("nik, reason", [
    ("640201450790001", "16 angka"),
    ("64020145079000a1", "16 angka"),
    ("6402018107900001", "hari"),  # day 81: stdnum would take it as 01
    ("6402013507900001", "hari"),  # day 35 is neither a man's nor a woman's day
    ("6402011513900001", "bulan"),
    ("6402014507900000", "0000"),
    ("6402013102900001", "kalender"),  # 31 February
])
def test_structurally_wrong_niks_are_refused_with_the_reason(nik, reason):
    with pytest.raises(InvalidNik, match=reason):
        parse_nik(nik, today=TODAY)


def test_a_nik_from_another_province_is_only_a_warning():
    info = parse_nik("6501014507900001", today=TODAY)  # Kalimantan Utara, split off from Kaltim
    assert info.gender == "P" and info.warnings and "65.01" in info.warnings[0]


def test_masking_keeps_region_and_serial_only():
    assert mask_nik("6402014507900001") == "6402********0001"
