"""Completion counted in JP attended: a long session weighs more than a short one."""
from services.training.domain.completion import CompletionRule


def test_a_jp_rule_counts_lesson_hours():
    rule = CompletionRule(min_percent=90, by="jp")
    assert rule.decide(20, 22) == (True, None)  # 90.9%
    completed, reason = rule.decide(19, 22)
    assert not completed and reason == "hadir 19 dari 22 JP (86%); minimal 90%"


def test_every_jp_when_the_rule_is_100_percent():
    completed, reason = CompletionRule(by="jp").decide(21, 22)
    assert not completed and "wajib hadir di seluruh JP" in reason
    assert CompletionRule().decide(2, 3)[1] == "hadir 2 dari 3 sesi; wajib hadir di semua sesi"
