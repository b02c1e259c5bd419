"""A participant's category decides what they bring (a cooperative, or a UMK business) and which batches take them."""
import uuid
from datetime import date

import pytest

from services.registration.domain.enrollment import BatchTerms, EnrollmentRefused, Seats, decide_enrollment
from services.registration.domain.participant_category import (MANAGER, MEMBER, UMK, Affiliation, CategoryMismatch,
                                                               business_id, check_affiliation, check_position,
                                                               normalise_category)

BUSINESS = dict(business_name="Amplang Bu Sari", nib="1234567890123", sector="perdagangan", district_code="64.02")


def test_a_manager_without_a_cooperative_is_refused_naming_the_cooperative():
    with pytest.raises(CategoryMismatch) as refused:
        check_affiliation(Affiliation(MANAGER, None))
    assert refused.value.field == "cooperative_id" and "wajib memilih koperasinya" in refused.value.message


def test_a_umk_owner_with_a_cooperative_is_refused_naming_the_cooperative():
    with pytest.raises(CategoryMismatch) as refused:
        check_affiliation(Affiliation(UMK, uuid.uuid4(), **BUSINESS))
    assert refused.value.field == "cooperative_id" and "tidak tergabung dalam koperasi" in refused.value.message


@pytest.mark.parametrize("missing", ["business_name", "nib", "sector", "district_code"])
def test_a_umk_owner_needs_every_business_field(missing):
    with pytest.raises(CategoryMismatch) as refused:
        check_affiliation(Affiliation(UMK, None, **{**BUSINESS, missing: None}))
    assert refused.value.field == missing and "wajib diisi untuk pelaku UMK" in refused.value.message


def test_a_cooperative_member_brings_no_business():
    with pytest.raises(CategoryMismatch) as refused:
        check_affiliation(Affiliation(MEMBER, uuid.uuid4(), nib="1234567890123"))
    assert refused.value.field == "nib"
    check_affiliation(Affiliation(MEMBER, uuid.uuid4()))  # a cooperative and nothing else: fine
    check_affiliation(Affiliation(UMK, None, **BUSINESS))


def test_categories_as_officers_write_them():
    assert normalise_category("UMK") == UMK and normalise_category(None) == MANAGER
    assert normalise_category("Anggota Koperasi") == MEMBER
    with pytest.raises(ValueError, match="kategori peserta tidak dikenal"):
        normalise_category("petani")


def test_a_umk_owner_owns_the_business_and_no_one_else_does():
    assert check_position(UMK, "ketua") == "pemilik usaha"
    with pytest.raises(CategoryMismatch):
        check_position(MANAGER, "pemilik usaha")


def test_the_business_id_is_stable_per_nib_and_differs_between_businesses():
    assert business_id("1234567890123") == business_id("1234567890123") != business_id("1234567890124")


def _batch(eligibility: str) -> BatchTerms:
    return BatchTerms("scheduled", date(2026, 7, 4), date(2026, 7, 6), 30, ["64.02"], {}, eligibility)


def _decide(batch: BatchTerms, category: str):
    return decide_enrollment(batch=batch, district_code="64.02", cooperative_active=True, already_in_batch=False,
                             overlapping_batch=None, seats=Seats(0, 0), today=date(2026, 6, 1), category=category)


def test_a_umk_owner_takes_a_seat_only_in_a_batch_open_to_umk():
    assert _decide(_batch("koperasi_dan_umk"), UMK) == "enrolled"
    with pytest.raises(EnrollmentRefused) as refused:
        _decide(_batch("koperasi"), UMK)
    assert refused.value.field == "participant_id" and "hanya untuk peserta dari koperasi" in refused.value.message
    assert _decide(_batch("koperasi"), MANAGER) == _decide(_batch("koperasi_dan_umk"), MEMBER) == "enrolled"
