"""The agenda's rules: JP from the hours, a session's shape, no overlap in a batch, a narasumber in one place."""
import uuid
from datetime import date, time

import pytest

from services.training.domain.agenda import (Booking, Slot, check_agenda, check_no_overlap, check_slot,
                                             check_trainer_free, default_agenda, derived_jp, next_number,
                                             overlaps, shift_agenda, slot_problems, total_jp)
from shared.errors import Conflict, Invalid

START, END = date(2023, 7, 4), date(2023, 7, 6)
NARASUMBER = uuid.uuid4()


def slot(number=None, day=START, start=(8, 0), end=(9, 30), jp=2, trainer=None, marks=False):
    return Slot(number, day, time(*start), time(*end), jp, trainer, marks)


def test_jp_follows_the_hours_in_whole_lesson_hours_of_45_minutes():
    assert derived_jp(time(8, 0), time(9, 30)) == 2
    assert derived_jp(time(9, 45), time(12, 0)) == 3
    assert derived_jp(time(13, 0), time(15, 15)) == 3
    assert derived_jp(time(8, 0), time(16, 0)) == 10
    assert derived_jp(time(8, 0), time(8, 30)) == 0  # shorter than one JP: the JP must be given by hand
    assert derived_jp(time(8, 0), time(10, 0), jp_minutes=60) == 2  # the length is configurable
    assert derived_jp(time(10, 0), time(9, 0)) == 0


def test_a_well_formed_session_passes():
    check_slot(slot(), START, END)
    assert slot_problems(slot(day=END, start=(13, 0), end=(15, 15), jp=3), START, END) == []


@pytest.mark.parametrize("bad, field", [
    (slot(start=(10, 0), end=(9, 0)), "end_time"),
    (slot(start=(9, 0), end=(9, 0)), "end_time"),
    (slot(day=date(2023, 7, 7)), "date"),
    (slot(day=date(2023, 7, 3)), "date"),
    (slot(jp=0), "jp"),
    (slot(jp=-2), "jp"),
])
def test_a_malformed_session_is_refused_naming_the_field(bad, field):
    with pytest.raises(Invalid) as refused:
        check_slot(bad, START, END)
    assert [f["field"] for f in refused.value.fields] == [field]
    assert refused.value.status == 422


def test_every_problem_of_a_session_is_named_at_once():
    fields = [p["field"] for p in slot_problems(slot(day=date(2023, 8, 1), start=(10, 0), end=(9, 0), jp=0),
                                                START, END)]
    assert fields == ["end_time", "date", "jp"]


def test_sessions_overlap_only_on_the_same_day_when_their_times_intersect():
    first = slot(1, start=(8, 0), end=(9, 30))
    assert overlaps(first, slot(start=(9, 0), end=(10, 0)))
    assert overlaps(first, slot(start=(7, 0), end=(17, 0)))
    assert not overlaps(first, slot(start=(9, 30), end=(10, 0)))  # back to back is fine
    assert not overlaps(first, slot(day=date(2023, 7, 5)))


def test_an_overlapping_session_is_a_conflict_naming_the_other_session():
    agenda = [slot(1), slot(2, start=(9, 45), end=(12, 0), jp=3)]
    check_no_overlap(slot(start=(13, 0), end=(15, 15)), agenda)
    with pytest.raises(Conflict, match="sesi 2") as refused:
        check_no_overlap(slot(start=(11, 0), end=(13, 0)), agenda)
    assert refused.value.fields[0]["field"] == "start_time" and refused.value.status == 409
    check_no_overlap(slot(2, start=(10, 0), end=(12, 0)), agenda)  # a session does not collide with itself


def test_a_whole_agenda_is_checked_session_by_session_and_against_itself():
    check_agenda([slot(), slot(start=(9, 45), end=(12, 0)), slot(day=END)], START, END)
    with pytest.raises(Invalid) as bad:
        check_agenda([slot(), slot(day=date(2023, 7, 9))], START, END)
    assert bad.value.fields[0]["field"] == "sessions.1.date"
    with pytest.raises(Conflict) as clash:
        check_agenda([slot(), slot(day=END), slot(start=(9, 0), end=(11, 0))], START, END)
    assert clash.value.fields[0]["field"] == "sessions.2.start_time"


def test_a_narasumber_cannot_teach_two_sessions_at_the_same_time():
    elsewhere = [Booking("DIG-0002", slot(3, start=(9, 0), end=(11, 0), trainer=NARASUMBER))]
    check_trainer_free(slot(trainer=NARASUMBER, start=(11, 0), end=(12, 0)), elsewhere)
    with pytest.raises(Conflict, match="DIG-0002") as refused:
        check_trainer_free(slot(trainer=NARASUMBER), elsewhere)
    assert refused.value.fields[0]["field"] == "trainer_id"


def test_numbers_are_never_reused_within_a_batch():
    assert next_number([]) == 1
    assert next_number([1, 2, 5]) == 6


def test_a_batch_without_an_agenda_gets_one_session_per_day_of_10_jp():
    days = default_agenda(START, END)
    assert [(s.number, s.date, s.start, s.end, s.jp) for s in days] == [
        (n, date(2023, 7, 3 + n), time(8, 0), time(16, 0), 10) for n in (1, 2, 3)]
    assert total_jp(days) == 30


def test_a_built_agenda_moves_with_the_first_day():
    agenda = [slot(1), slot(2, day=date(2023, 7, 5)), slot(3, day=END)]
    assert shift_agenda(agenda, START, date(2023, 7, 11), date(2023, 7, 13)) == {
        1: date(2023, 7, 11), 2: date(2023, 7, 12), 3: date(2023, 7, 13)}
    assert shift_agenda(agenda, START, START, date(2023, 7, 10)) == {}  # a longer batch keeps its sessions


def test_a_built_agenda_cannot_lose_a_session_or_move_one_with_attendance():
    agenda = [slot(1, marks=True), slot(2, day=END)]
    with pytest.raises(Conflict, match="Sesi 2") as outside:
        shift_agenda([slot(1), slot(2, day=END)], START, START, date(2023, 7, 5))
    assert outside.value.fields[0]["field"] == "end_date"
    with pytest.raises(Conflict, match="Sesi 1"):
        shift_agenda(agenda, START, date(2023, 7, 5), date(2023, 7, 8))
    assert shift_agenda(agenda, START, START, END) == {}
