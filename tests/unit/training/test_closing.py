"""Closing by DAK component: which lines can be booked, what is kept, the honorarium proposed from the agenda."""
import pytest

from services.training.domain.closing import (CloseLine, from_total, honorarium, kept, line_problems, proposal)
from shared.budget import DEFAULT_COMPONENTS, HONORARIUM, OTHER, label, parse_components


def test_the_default_list_is_domain_md_s_with_stable_codes():
    assert [c.code for c in DEFAULT_COMPONENTS] == [
        "honor_narasumber", "uang_saku_peserta", "transport_peserta", "akomodasi", "konsumsi", "atk_seminar_kit",
        "sewa_tempat", "penggandaan_modul", "sertifikat", "lainnya"]
    assert label("atk_seminar_kit") == "ATK / seminar kit"
    assert label("kode_lama") == "kode_lama"  # a code of an older configuration shows as itself


def test_a_configured_list_keeps_lainnya_and_refuses_malformed_codes():
    parsed = parse_components("honor_narasumber=Honor narasumber; konsumsi = Makan dan minum ;")
    assert [(c.code, c.label) for c in parsed] == [("honor_narasumber", "Honor narasumber"),
                                                   ("konsumsi", "Makan dan minum"), ("lainnya", "Lainnya")]
    for bad in ("Honor=Honor", "konsumsi", "konsumsi=Konsumsi;konsumsi=Lagi", "k=x"):
        with pytest.raises(ValueError):
            parse_components(bad)


def test_unknown_repeated_and_negative_lines_are_named():
    lines = [CloseLine("konsumsi", 1, 2), CloseLine("makan", 0, 5), CloseLine("konsumsi", 0, 1),
             CloseLine("akomodasi", -1, 0), CloseLine("sertifikat", 0, -3)]
    problems = dict(line_problems(lines, DEFAULT_COMPONENTS))
    assert problems == {
        "components.1.component": "komponen “makan” tidak ada dalam daftar komponen anggaran",
        "components.2.component": "komponen “konsumsi” disebut dua kali",
        "components.3.planned": "tidak boleh negatif",
        "components.4.realised": "tidak boleh negatif"}
    assert line_problems(lines[:1], DEFAULT_COMPONENTS) == []


def test_empty_lines_are_dropped_and_the_rest_follow_the_list():
    lines = [CloseLine(OTHER, 0, 10), CloseLine("konsumsi", 0, 0), CloseLine(HONORARIUM, 5, 0)]
    assert kept(lines, DEFAULT_COMPONENTS) == [CloseLine(HONORARIUM, 5, 0), CloseLine(OTHER, 0, 10)]


def test_a_plain_total_is_booked_as_lainnya_against_the_whole_plan():
    assert from_total(57_450_000, 60_000_000) == [CloseLine(OTHER, 60_000_000, 57_450_000)]


def test_honorarium_is_jp_times_each_narasumber_s_rate():
    # Two sessions of 2 and 3 JP by a narasumber at Rp 900.000, one of 4 JP at Rp 700.000, one without.
    assert honorarium([(2, 900_000), (3, 900_000), (4, 700_000), (3, None)]) == 7_300_000
    assert honorarium([]) == 0


def test_the_proposal_fills_the_honor_line_and_puts_the_rest_of_the_plan_under_lainnya():
    lines = {line.component: line for line in proposal(DEFAULT_COMPONENTS, honor=7_300_000,
                                                       planned_budget=60_000_000)}
    assert list(lines) == [c.code for c in DEFAULT_COMPONENTS]
    assert lines[HONORARIUM] == CloseLine(HONORARIUM, 7_300_000, 7_300_000)
    assert lines[OTHER] == CloseLine(OTHER, 52_700_000, 0)
    assert sum(line.planned for line in lines.values()) == 60_000_000
    assert lines["konsumsi"] == CloseLine("konsumsi", 0, 0)
    # An honorarium above the plan leaves nothing (never less than nothing) for lainnya.
    assert {line.component: line.planned for line in proposal(DEFAULT_COMPONENTS, honor=5,
                                                              planned_budget=3)}[OTHER] == 0
