from datetime import date

import pytest

from services.registration.domain.enrollment import BatchTerms, EnrollmentRefused, Seats, decide_enrollment

TODAY = date(2023, 6, 20)
BATCH = BatchTerms("scheduled", date(2023, 7, 4), date(2023, 7, 6), 30, ["64.02", "64.08", "64.09"], {"64.09": 5})


def decide(**overrides):
    args = dict(batch=BATCH, district_code="64.02", cooperative_active=True, already_in_batch=False,
                overlapping_batch=None, seats=Seats(0, 0), today=TODAY)
    args.update(overrides)
    return decide_enrollment(**args)


def test_an_open_seat_enrols():
    assert decide() == "enrolled"


def test_a_full_batch_waitlists():
    assert decide(seats=Seats(30, 10)) == "waitlisted"


def test_a_full_district_quota_waitlists_even_with_seats_left():
    assert decide(district_code="64.09", seats=Seats(12, 5)) == "waitlisted"


@pytest.mark.parametrize("overrides, words", [
    ({"batch": BatchTerms("cancelled", date(2023, 7, 4), date(2023, 7, 6), 30, ["64.02"])}, "dibatalkan"),
    ({"today": date(2023, 7, 4)}, "sudah dimulai"),
    ({"district_code": "64.72"}, "tidak termasuk"),
    ({"cooperative_active": False}, "tidak aktif"),
    ({"already_in_batch": True}, "sudah terdaftar"),
    ({"overlapping_batch": "DIG-02"}, "DIG-02"),
])
def test_each_rule_refuses_in_words_an_officer_understands(overrides, words):
    with pytest.raises(EnrollmentRefused, match=words):
        decide(**overrides)


def test_an_admin_may_enrol_an_inactive_cooperative():
    assert decide(cooperative_active=False, inactive_override=True) == "enrolled"


def test_the_first_in_line_takes_a_freed_seat():
    from services.registration.domain.enrollment import InLine, promotable

    line = [InLine("a", "64.02"), InLine("b", "64.02")]
    assert promotable(batch=BATCH, waiting=line, taken=29, taken_by_district={}) == ["a"]
    assert promotable(batch=BATCH, waiting=line, taken=30, taken_by_district={}) == []


def test_someone_whose_district_quota_is_full_keeps_their_place_and_the_next_who_fits_moves_up():
    from services.registration.domain.enrollment import InLine, promotable

    line = [InLine("ppu", "64.09"), InLine("kukar", "64.02")]
    assert promotable(batch=BATCH, waiting=line, taken=29, taken_by_district={"64.09": 5}) == ["kukar"]
    assert promotable(batch=BATCH, waiting=line, taken=28, taken_by_district={"64.09": 4}) == ["ppu", "kukar"]


@pytest.mark.parametrize("status, start, words", [("cancelled", date(2023, 7, 4), "sudah dibatalkan"),
                                                  ("enrolled", TODAY, "sudah dimulai")])
def test_a_nomination_cannot_be_cancelled_twice_or_after_the_start(status, start, words):
    from services.registration.domain.enrollment import check_cancellable

    with pytest.raises(EnrollmentRefused, match=words):
        check_cancellable(status=status, batch_start=start, today=TODAY)
