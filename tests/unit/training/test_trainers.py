"""Narasumber and officials' numbers: NIP, NIK, NPWP, bank account and phone checked; the sensitive ones masked."""
import pytest
from pydantic import ValidationError

from services.training.domain.identifiers import (check_bank_account, check_nik, check_nip, check_npwp, mask,
                                                  normalise_phone)
from services.training.schemas_people import OfficialCreate, TrainerCreate

NIP = "198503152010011002"  # born 15-03-1985, appointed 01-2010, man, serial 002


def test_a_nip_is_18_digits_of_birth_date_appointment_sex_and_serial():
    assert check_nip(NIP) == NIP
    assert check_nip("19850315 201001 1 002") == NIP  # as printed on a decree
    for bad, says in (("19850315201001100", "18 digit"), ("1985031520100110021", "18 digit"),
                      ("198513152010011002", "tanggal lahir"), ("198503152010131002", "pengangkatan"),
                      ("198503151980011002", "pengangkatan"), ("198503152010013002", "ke-15"),
                      ("198503152010011000", "000"), ("19850315201001100A", "angka")):
        with pytest.raises(ValueError, match=says):
            check_nip(bad)


def test_a_nik_is_16_digits_with_a_birth_date_women_plus_40():
    assert check_nik("6402015507850001") == "6402015507850001"  # a woman born 15-07-1985
    assert check_nik("6402011507850001") == "6402011507850001"
    for bad in ("640201150785000", "6402013207850001", "6402011513850001", "6402011507850000"):
        with pytest.raises(ValueError):
            check_nik(bad)


def test_npwp_bank_account_and_phone():
    assert check_npwp("01.300.066.6-091.000") == "013000666091000"
    assert check_npwp("6402011507850001") == "6402011507850001"
    with pytest.raises(ValueError, match="NPWP"):
        check_npwp("0130006660910")
    with pytest.raises(ValueError, match="NPWP tidak sah"):  # a mistyped digit fails the check digit
        check_npwp("01.300.066.7-091.000")
    assert check_bank_account("1234-5678-90") == "1234567890"
    with pytest.raises(ValueError):
        check_bank_account("12")
    assert normalise_phone("0812-3456-7890") == normalise_phone("6281234567890") == "+6281234567890"
    with pytest.raises(ValueError):
        normalise_phone("12345")


def test_masking_keeps_only_the_last_four():
    assert mask("6402011507853456") == "************3456"
    assert mask(None) is None and mask("123") == "123"


def test_the_bodies_check_their_numbers_and_name_the_field():
    body = TrainerCreate(name="Dr. Siti Rahmawati, M.M.", nip=NIP, phone="0812 3456 7890", rate_per_jp=900_000)
    assert (body.nip, body.phone) == (NIP, "+6281234567890")
    with pytest.raises(ValidationError) as bad:
        TrainerCreate(name="Budi", nip="12345")
    assert bad.value.errors()[0]["loc"] == ("nip",)
    with pytest.raises(ValidationError) as negative:
        TrainerCreate(name="Budi", nik="6402011507850001", rate_per_jp=-1)
    assert negative.value.errors()[0]["loc"] == ("rate_per_jp",)
    with pytest.raises(ValidationError) as official:
        OfficialCreate(name="Drs. H. Abdullah", nip="1985", position="Kepala UPTD", active_from="2023-01-01")
    assert official.value.errors()[0]["loc"] == ("nip",)
