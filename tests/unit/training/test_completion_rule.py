import pytest

from services.training.domain.completion import CompletionRule, tally


def test_default_rule_needs_every_session():
    assert CompletionRule().decide(3, 3) == (True, None)
    completed, reason = CompletionRule().decide(2, 3)
    assert not completed and "2 dari 3" in reason


@pytest.mark.parametrize("present, total, expected", [(2, 3, True), (1, 3, False), (4, 5, True), (2, 5, False)])
def test_a_percentage_rule(present, total, expected):
    assert CompletionRule(min_percent=60).decide(present, total)[0] is expected


def test_tally_counts_each_status():
    assert tally(["hadir", "hadir", "terlambat", "alpa"]) == {"hadir": 2, "terlambat": 1, "izin": 0, "sakit": 0,
                                                               "alpa": 1}
