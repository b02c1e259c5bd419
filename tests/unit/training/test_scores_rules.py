"""What a score is, how it is written, the completion rule with a post-test minimum, and a batch's results."""
import uuid
from decimal import Decimal

import pytest

from services.training.domain.completion import CompletionRule
from services.training.domain.scores import ParticipantResult, ScoreProblem, batch_results, parse_score, written


@pytest.mark.parametrize("typed, score", [("62,5", Decimal("62.5")), (75, Decimal("75.0")), (0, Decimal("0.0")),
                                          (100.0, Decimal("100.0")), (" 59.9 ", Decimal("59.9")), ("", None),
                                          (None, None)])
def test_a_score_as_typed(typed, score):
    assert parse_score(typed) == score


@pytest.mark.parametrize("typed, words", [(100.1, "antara 0 dan 100"), (-0.5, "antara 0 dan 100"),
                                          (62.35, "satu angka"), ("7,25", "satu angka"), ("abc", "angka"),
                                          (True, "angka"), ("nan", "angka")])
def test_not_a_score(typed, words):
    with pytest.raises(ScoreProblem, match=words):
        parse_score(typed)


def test_written_with_an_indonesian_comma():
    assert (written(Decimal("55")), written(62.5), written(None)) == ("55,0", "62,5", "–")


def test_a_post_test_minimum_names_each_failed_condition():
    rule = CompletionRule(min_percent=80, min_post_test=60)
    assert rule.decide(3, 3, Decimal("60.0")) == (True, None)
    assert rule.decide(3, 3, Decimal("55.0")) == (False, "nilai post-test 55,0 di bawah minimal 60")
    assert rule.decide(3, 3, None) == (False, "belum ada nilai post-test (minimal 60)")
    assert rule.decide(2, 3, Decimal("59.9")) == (
        False, "hadir 2 dari 3 sesi (67%); minimal 80%; nilai post-test 59,9 di bawah minimal 60")
    assert CompletionRule().decide(3, 3, None) == (True, None)  # no minimum: scores do not count


def test_results_by_hand():
    people = [ParticipantResult(uuid.uuid4(), f"P{i}", "K", pre, post) for i, (pre, post) in enumerate([
        (Decimal("40.0"), Decimal("70.0")), (Decimal("60.0"), Decimal("55.5")), (Decimal("50.0"), None),
        (None, Decimal("95.0")), (None, None)])]
    r = batch_results(people)
    assert (r.roster_size, r.with_pre, r.with_post, r.with_both, r.improved) == (5, 3, 3, 2, 1)
    assert r.average_pre == Decimal("50.00") and r.average_post == Decimal("73.50")
    assert r.average_gain == Decimal("12.75") and r.share_improved == 0.5  # (30 + -4.5) / 2
    assert r.post_distribution == {"0–59": 1, "60–69": 0, "70–79": 1, "80–89": 0, "90–100": 1}
    assert r.pre_distribution["0–59"] == 2 and r.pre_distribution["60–69"] == 1
    assert batch_results([]).average_gain is None
