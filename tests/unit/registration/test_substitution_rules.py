"""Day-one substitution: who may replace a no-show until when (the day counted in WITA), and who may be the substitute."""
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from services.registration.domain.enrollment import BatchTerms, EnrollmentRefused, Seats
from services.registration.domain.substitution import (Replaced, SubstitutionForbidden, check_substitute,
                                                       check_window)

START = date(2023, 7, 4)
WITA = timezone(timedelta(hours=8))
BATCH = BatchTerms("scheduled", START, date(2023, 7, 6), 30, ["64.02", "64.08", "64.09"], {"64.09": 5})


def window(role="training_staff", now=datetime(2023, 7, 4, 9, 0, tzinfo=WITA), district="64.02", officer=None):
    check_window(role=role, officer_district=officer, district_code=district, batch_start=START, now=now)


@pytest.mark.parametrize("role", ["training_staff", "admin"])
def test_staff_may_substitute_until_2359_wita_on_the_first_day(role):
    window(role, datetime(2023, 7, 1, 10, 0, tzinfo=WITA))  # before the start too
    window(role, datetime(2023, 7, 4, 23, 59, 59, tzinfo=WITA))
    with pytest.raises(EnrollmentRefused, match="akhir hari pertama") as refused:
        window(role, datetime(2023, 7, 5, 0, 0, tzinfo=WITA))
    assert not isinstance(refused.value, SubstitutionForbidden) and refused.value.field == "batch_id"


def test_the_day_is_the_province_s_not_utc():
    # 15:59 UTC on 4 July is 23:59 WITA: still day one; 16:00 UTC is already 5 July in Samarinda.
    window(now=datetime(2023, 7, 4, 15, 59, tzinfo=UTC))
    with pytest.raises(EnrollmentRefused):
        window(now=datetime(2023, 7, 4, 16, 0, tzinfo=UTC))


def test_an_officer_substitutes_in_their_own_district_only_before_the_batch_starts():
    window("district_officer", datetime(2023, 7, 3, 23, 59, tzinfo=WITA), officer="64.02")
    with pytest.raises(SubstitutionForbidden, match="staf pelatihan UPTD"):
        window("district_officer", datetime(2023, 7, 4, 0, 0, tzinfo=WITA), officer="64.02")
    with pytest.raises(SubstitutionForbidden, match="64.08") as other:
        window("district_officer", datetime(2023, 7, 1, 9, 0, tzinfo=WITA), district="64.02", officer="64.08")
    assert other.value.field == "participant_id"


@pytest.mark.parametrize("role", ["trainer", "viewer", "reconciler"])
def test_other_roles_may_not_substitute(role):
    with pytest.raises(SubstitutionForbidden):
        window(role)


def substitute(**overrides):
    args = dict(batch=BATCH, replaced=Replaced("enrolled", "64.02"), district_code="64.02", cooperative_active=True,
                already_in_batch=False, overlapping_batch=None, seats=Seats(30, 10))
    args.update(overrides)
    check_substitute(**args)


def test_a_substitute_from_the_same_district_takes_the_seat_of_a_full_batch():
    substitute()  # the replaced person's seat passes on: a full batch is no obstacle


@pytest.mark.parametrize("overrides, field, words", [
    (dict(district_code="64.08"), "participant_id", "kabupaten/kota yang sama"),
    (dict(replaced=Replaced("waitlisted", "64.02")), "replaced_enrollment_id", "daftar tunggu"),
    (dict(replaced=Replaced("cancelled", "64.02")), "replaced_enrollment_id", "dibatalkan"),
    (dict(already_in_batch=True), "participant_id", "sudah terdaftar"),
    (dict(overlapping_batch="AKT-2023-02"), "participant_id", "AKT-2023-02"),
    (dict(cooperative_active=False), "participant_id", "tidak aktif"),
    (dict(batch=BatchTerms("cancelled", START, date(2023, 7, 6), 30, ["64.02"])), "batch_id", "dibatalkan"),
    (dict(batch=BatchTerms("closed", START, date(2023, 7, 6), 30, ["64.02"])), "batch_id", "ditutup"),
])
def test_a_substitution_is_refused_naming_the_field(overrides, field, words):
    with pytest.raises(EnrollmentRefused, match=words) as refused:
        substitute(**overrides)
    assert refused.value.field == field


def test_a_walk_in_needs_an_eligible_district_and_a_free_seat_and_quota():
    substitute(replaced=None, seats=Seats(29, 10))
    with pytest.raises(EnrollmentRefused, match="kursi kosong"):
        substitute(replaced=None, seats=Seats(30, 10))
    with pytest.raises(EnrollmentRefused, match="kuota"):
        substitute(replaced=None, district_code="64.09", seats=Seats(12, 5))
    with pytest.raises(EnrollmentRefused, match="tidak termasuk") as refused:
        substitute(replaced=None, district_code="64.72", seats=Seats(0, 0))
    assert refused.value.field == "participant_id"
