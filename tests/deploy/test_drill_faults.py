"""deploy/podman/drill_faults.py: what `make test-deploy` prints of each fault step is what the answers showed
(the drill itself needs root and podman, so its arithmetic is checked here)."""
from __future__ import annotations

import importlib.util
import itertools
import sys

import pytest

from shared.nik import parse_nik
from tests.deploy.deploy_files import DEPLOY

spec = importlib.util.spec_from_file_location("drill_faults", DEPLOY / "podman" / "drill_faults.py")
drill_faults = sys.modules.setdefault("drill_faults", importlib.util.module_from_spec(spec))
spec.loader.exec_module(drill_faults)
Answer = drill_faults.Answer


class Province:
    """The stack's addresses and signer as demo.Api holds them; nothing is sent in these tests."""
    urls = {s: f"http://{s}.invalid" for s in ("identity", "registration", "training", "reporting")}
    account_ids: dict[str, str] = {}

    @staticmethod
    def sign(**claims):
        return "token"


@pytest.fixture
def load():
    load = drill_faults.Load(Province(), batch_id="b", cooperatives={"64.74": "k1", "64.08": "k2"},
                             numbers=itertools.count(1), fiscal_year=2026)
    yield load
    load.identity_admin.close()
    load.api.close()


def test_the_stall_is_the_longest_time_without_a_good_answer_and_refusals_are_told_apart(load):
    load._answers = [
        Answer("registration", 10.0, 10.2, 201, created_id="e1"),
        Answer("registration", 11.0, 11.1, 503, retry_after="5"),
        Answer("registration", 12.0, 15.0, None),
        Answer("registration", 15.5, 16.0, 502),
        Answer("registration", 16.5, 16.7, 201, created_id="e2"),
        Answer("training", 11.0, 11.2, 201),
    ]
    figures = load.figures("registration", since=10.0, until=20.0)
    assert (figures.answered, figures.refused) == (2, 3)
    assert figures.refusals == {"503+Retry-After": 1, "no answer": 1, "502": 1}
    assert figures.stall == pytest.approx(16.7 - 10.2)
    assert figures.line() == "2 answered, 3 refused (1 502, 1 503+Retry-After, 1 no answer), longest stall 6.5 s"
    assert load.accepted(since=10.0) == ["e1", "e2"] and load.accepted(since=16.0) == ["e2"]


def test_a_service_that_never_answers_stalls_the_whole_window(load):
    load._answers = [Answer("identity", 1.0, 2.0, None), Answer("identity", 3.0, 4.0, None)]
    figures = load.figures("identity", since=0.0, until=30.0)
    assert figures.stall == 30.0 and figures.refused == 2 and figures.answered == 0


def test_the_managers_it_registers_have_valid_distinct_niks_from_the_cooperatives_district(load):
    people = [load._person(district, n) for n, district in zip(range(1, 800), itertools.cycle(("64.74", "64.08")))]
    niks = [p["nik"] for p in people]
    assert len(set(niks)) == len(niks)
    for person in people:
        parse_nik(person["nik"])
        district = "64.74" if person["cooperative_id"] == "k1" else "64.08"
        assert person["nik"].startswith(district.replace(".", ""))
    assert len({p["full_name"] for p in people}) == len(people)


def test_a_relay_counter_is_read_from_the_exposition():
    text = ("# TYPE sipelkop_outbox_published_total counter\n"
            'sipelkop_outbox_published_total{service="training"} 7.0\n'
            'sipelkop_outbox_published_total{service="registration"} 42.0\n'
            'sipelkop_outbox_published_created{service="registration"} 1.7e9\n')
    assert drill_faults.metric(text, "sipelkop_outbox_published_total", service="registration") == 42.0
    assert drill_faults.metric(text, "sipelkop_outbox_published_total", service="reporting") == 0.0
