""""Today" is the day in Samarinda (WITA), in the code and in the tests (issue 20: a test that put a batch on
`date.today()`, UTC, timed out every day between 16:00 and 24:00 UTC against a page that uses WITA)."""
from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from shared.clock import business_today

ROOT = Path(__file__).resolve().parents[3]
TREES = ("services", "shared", "bench", "tests", "deploy")


@pytest.mark.parametrize(("utc", "wita_day"), [
    ("2023-07-03T15:59:59", date(2023, 7, 3)),   # 23:59:59 WITA
    ("2023-07-03T16:00:00", date(2023, 7, 4)),   # midnight in Samarinda: already the first day of the batch
    ("2023-07-03T23:30:00", date(2023, 7, 4)),
    ("2023-12-31T16:30:00", date(2024, 1, 1)),   # and already the next fiscal year
])
def test_the_business_day_turns_at_16_utc(utc, wita_day):
    assert business_today(datetime.fromisoformat(utc).replace(tzinfo=UTC)) == wita_day


def machine_days(tree: ast.AST) -> list[int]:
    """Lines that take 'today' or 'now' from the machine's own zone: date.today(), datetime.today(), and
    datetime.now() without a zone."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else None
        if node.func.attr == "today" and name in ("date", "datetime"):
            found.append(node.lineno)
        elif node.func.attr == "now" and name == "datetime" and not node.args and not node.keywords:
            found.append(node.lineno)
    return found


def test_no_code_or_test_takes_today_from_the_machine_clock():
    places = [f"{path.relative_to(ROOT)}:{line}"
              for top in TREES for path in sorted((ROOT / top).rglob("*.py"))
              for line in machine_days(ast.parse(path.read_text(), str(path)))]
    assert not places, "use shared.clock.business_today() (or datetime.now(UTC)) instead:\n" + "\n".join(places)


def test_the_scan_finds_what_it_looks_for():
    planted = ast.parse("from datetime import date, datetime\n"
                        "a = date.today()\nb = datetime.now()\nc = datetime.now(UTC)\nd = datetime.datetime.today()\n")
    assert machine_days(planted) == [2, 3, 5]
