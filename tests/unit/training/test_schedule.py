from datetime import date

import pytest

from services.training.domain.certificates import certificate_year, format_number, is_certificate_number
from services.training.domain.schedule import SessionSlot, reschedule, session_dates
from shared.errors import Conflict

D = date(2023, 7, 4)


def _slots(marked=()):
    return [SessionSlot(n, date(2023, 7, 3 + n), n in marked, False) for n in (1, 2, 3)]


def test_one_session_per_day():
    assert session_dates(D, date(2023, 7, 6)) == [date(2023, 7, 4), date(2023, 7, 5), date(2023, 7, 6)]


def test_moving_a_batch_moves_every_session_and_adds_or_removes_days():
    later = reschedule(_slots(), date(2023, 7, 11), date(2023, 7, 14))
    assert later.moved == {1: date(2023, 7, 11), 2: date(2023, 7, 12), 3: date(2023, 7, 13)}
    assert later.added == [(4, date(2023, 7, 14))] and later.removed == []
    shorter = reschedule(_slots(), D, date(2023, 7, 5))
    assert (shorter.moved, shorter.added, shorter.removed) == ({}, [], [3])


def test_a_session_with_marks_keeps_its_day():
    assert reschedule(_slots(marked={1}), D, date(2023, 7, 7)).added == [(4, date(2023, 7, 7))]
    with pytest.raises(Conflict, match="Sesi 1"):
        reschedule(_slots(marked={1}), date(2023, 7, 5), date(2023, 7, 7))
    with pytest.raises(Conflict, match="dihapus"):
        reschedule(_slots(marked={3}), D, date(2023, 7, 5))


def test_certificate_numbers_are_agency_style():
    assert format_number("UPTD-KUKM", 2023, 1) == "UPTD-KUKM/2023/0001"
    assert format_number("UPTD-KUKM", 2023, 12345) == "UPTD-KUKM/2023/12345"
    assert is_certificate_number("UPTD-KUKM/2023/0001") and not is_certificate_number("UPTD-KUKM/23/1")
    assert certificate_year(date(2023, 12, 31)) == 2023
