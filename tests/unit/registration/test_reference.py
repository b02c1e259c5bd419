import pytest

from services.registration.domain.reference import normalise_kind, normalise_sector, parse_active, sectors


def test_the_sector_list_comes_from_the_data_file():
    assert list(sectors())[:3] == ["pertanian", "peternakan", "perkebunan"] and "lainnya" in sectors()


@pytest.mark.parametrize("raw, code", [("Pertanian", "pertanian"), (" kerajinan ", "kerajinan/industri"),
                                       ("KSP", "simpan pinjam"), ("simpan  pinjam", "simpan pinjam")])
def test_sectors_as_officers_write_them(raw, code):
    assert normalise_sector(raw) == code


def test_an_unknown_sector_names_the_allowed_ones():
    with pytest.raises(ValueError, match="pilih salah satu: pertanian"):
        normalise_sector("tambang")


@pytest.mark.parametrize("raw, active", [("aktif", True), ("Tidak Aktif", False), ("ya", True), (False, False)])
def test_status_in_the_words_of_a_spreadsheet(raw, active):
    assert parse_active(raw) is active


def test_kind_accepts_dashes_and_abbreviations():
    assert normalise_kind("Simpan-Pinjam") == normalise_kind("KSP") == "simpan pinjam"
