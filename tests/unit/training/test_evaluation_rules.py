"""Rules of the participants' evaluation: what an answer is, the results by hand, the personal link codes, and the
default questionnaire kept as data."""
import json
import uuid

import pytest

from services.training.domain import evaluation as rules
from services.training.service_layer.evaluation import DEFAULT_TEMPLATE, summarised

SPEAKER = rules.Narasumber(uuid.uuid4(), "NS-01", "Dr. Siti", named=False)
FORM = rules.Questionnaire((rules.Item("penyelenggaraan", "P1", "Jadwal"), rules.Item("materi", "M1", "Materi"),
                            rules.Item("narasumber", "N1", "Penguasaan")), (SPEAKER,))


def test_an_answer_is_one_to_five_per_question_with_a_comment_of_at_most_2000_characters():
    answer = rules.check_answer(FORM, {"P1": "5", "M1": "", f"N1@{SPEAKER.id}": "3"}, "  Bagus  ")
    assert answer.scores == {"P1": 5, f"N1@{SPEAKER.id}": 3} and answer.comment == "Bagus"
    with pytest.raises(rules.AnswerProblem) as refused:
        rules.check_answer(FORM, {"P1": "6", "X9": "2"}, "a" * 2001)
    assert refused.value.fields == [("P1", "pilih nilai 1 sampai 5"),
                                    ("X9", "pertanyaan ini tidak ada di kuesioner angkatan ini"),
                                    ("comment", "paling banyak 2.000 karakter (terisi 2.001)")]
    with pytest.raises(rules.AnswerProblem) as empty:
        rules.check_answer(FORM, {}, "hanya komentar")
    assert empty.value.fields == [("answers", "isi paling sedikit satu pertanyaan")]
    assert rules.check_answer(FORM, {"P1": "1"}, "b" * 2000).comment == "b" * 2000


def test_results_by_hand_and_the_event_without_comment_or_unconsented_name():
    answers = [rules.Answer({"P1": 5, f"N1@{SPEAKER.id}": 4}, "Konsumsi terlambat"),
               rules.Answer({"P1": 4, "M1": 3, f"N1@{SPEAKER.id}": 5}, ""),
               rules.Answer({"P1": 4}, "")]
    results = rules.summarise(FORM, answers, invited=4)
    assert [(r.item.code, r.mean, r.answers) for r in results.items] == [("P1", 4.33, 3), ("M1", 3.0, 1)]
    person = results.narasumber[0]
    assert (person.mean, person.answers) == (4.5, 2) and results.response_rate == 0.75
    assert results.comments == ("Konsumsi terlambat",) and results.section_mean("penyelenggaraan") == (4.33, 3)
    event = summarised(uuid.uuid4(), results).model_dump(mode="json")
    assert "Konsumsi" not in json.dumps(event) and "Dr. Siti" not in json.dumps(event)
    assert event["narasumber"][0]["code"] == "NS-01" and event["narasumber"][0]["display_name"] is None
    named = rules.Questionnaire(FORM.items, (rules.Narasumber(SPEAKER.id, "NS-01", "Dr. Siti", named=True),))
    again = summarised(uuid.uuid4(), rules.summarise(named, answers, 4))
    assert again.narasumber[0].display_name == "Dr. Siti"


def test_a_code_is_recognised_only_with_its_key_and_untouched():
    code = rules.new_code("kunci-rahasia-panjang")
    assert len(code) == 35 and rules.genuine("kunci-rahasia-panjang", code)
    assert not rules.genuine("kunci-lain-yang-panjang", code)
    flipped = code[:10] + ("A" if code[10] != "A" else "B") + code[11:]
    assert not rules.genuine("kunci-rahasia-panjang", flipped)
    for junk in ("", "x" * 35, code + "A", "../../etc/passwd", code[:-1] + "="):
        assert not rules.genuine("kunci-rahasia-panjang", junk)
    assert rules.code_hash(code) != code and len(rules.code_hash(code)) == 64


def test_the_default_questionnaire_has_every_section_in_bahasa():
    items = rules.template_items(json.loads(DEFAULT_TEMPLATE.read_text(encoding="utf-8")))
    assert {i.section for i in items} == set(rules.SECTIONS)
    assert len({(i.section, i.code) for i in items}) == len(items) and all(len(i.label) <= 300 for i in items)
