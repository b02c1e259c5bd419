"""The participants' evaluation of a batch, without I/O: the questionnaire (sections of 1–5 items and one block per
narasumber), what a valid answer is, the results (mean and count per item, per section and per narasumber), and
the personal link codes (a random link id with its HMAC tag: a code not made here is recognised without a lookup)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from shared import signed_codes

SECTIONS = ("penyelenggaraan", "sarana", "materi", "narasumber")
SECTION_TITLES = {"penyelenggaraan": "Penyelenggaraan", "sarana": "Tempat dan konsumsi", "materi": "Materi",
                  "narasumber": "Narasumber"}
SCALE = {1: "Sangat kurang", 2: "Kurang", 3: "Cukup", 4: "Baik", 5: "Sangat baik"}
COMMENT_MAX = 2000


# --- the questionnaire --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    section: str
    code: str  # "P1"; unique within its section
    label: str  # the question as asked


@dataclass(frozen=True)
class Narasumber:
    """A narasumber of the batch's agenda as the questionnaire asks about them (name shown to participants);
    `named` is their consent to be named in reports (otherwise reports know them by code)."""
    id: uuid.UUID
    code: str
    name: str
    named: bool = False


@dataclass(frozen=True)
class Questionnaire:
    items: tuple[Item, ...]  # every section; the narasumber section's items are asked once per narasumber
    narasumber: tuple[Narasumber, ...] = ()

    def section(self, name: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.section == name)

    def keys(self) -> list[str]:
        """Every question's key: "P1" for the sections, "N1@<narasumber id>" for the narasumber blocks."""
        keys = [i.code for i in self.items if i.section != "narasumber"]
        return keys + [key(i.code, n.id) for n in self.narasumber for i in self.section("narasumber")]

    def to_data(self) -> dict:
        return {"items": [{"section": i.section, "code": i.code, "label": i.label} for i in self.items],
                "narasumber": [{"id": str(n.id), "code": n.code, "name": n.name, "named": n.named}
                               for n in self.narasumber]}

    @classmethod
    def from_data(cls, data: dict) -> Questionnaire:
        return cls(tuple(Item(i["section"], i["code"], i["label"]) for i in data["items"]),
                   tuple(Narasumber(uuid.UUID(n["id"]), n["code"], n["name"], bool(n.get("named")))
                         for n in data.get("narasumber", [])))


def key(code: str, narasumber_id: uuid.UUID | None = None) -> str:
    return code if narasumber_id is None else f"{code}@{narasumber_id}"


def template_items(data: dict) -> list[Item]:
    """The items of a template kept as data (data/evaluasi_default.json's shape), checked."""
    items, seen = [], set()
    for block in data["sections"]:
        if block["section"] not in SECTIONS:
            raise ValueError(f"bagian {block['section']!r} tidak dikenal")
        for entry in block["items"]:
            item = Item(block["section"], entry["code"].strip(), entry["label"].strip())
            if (item.section, item.code) in seen or not item.code or not item.label:
                raise ValueError(f"butir {item.code!r} kosong atau ganda")
            seen.add((item.section, item.code))
            items.append(item)
    return items


# --- an answer ----------------------------------------------------------------------------------------------------

class AnswerProblem(ValueError):
    """An answer that cannot be kept: (field, message in Bahasa) of every problem."""

    def __init__(self, fields: list[tuple[str, str]]):
        super().__init__("; ".join(m for _, m in fields))
        self.fields = fields


@dataclass(frozen=True)
class Answer:
    scores: dict[str, int]  # question key -> 1..5; a question left blank is absent
    comment: str


def check_answer(questionnaire: Questionnaire, values: dict[str, str], comment: str | None) -> Answer:
    """`values` by question key as typed or sent (blank = not answered); at least one question answered."""
    problems, scores = [], {}
    for question in questionnaire.keys():
        text = str(values.get(question) or "").strip()
        if not text:
            continue
        if text not in ("1", "2", "3", "4", "5"):
            problems.append((question, "pilih nilai 1 sampai 5"))
            continue
        scores[question] = int(text)
    unknown = sorted(set(values) - set(questionnaire.keys()))
    problems += [(k, "pertanyaan ini tidak ada di kuesioner angkatan ini") for k in unknown]
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        problems.append(("comment", f"paling banyak {COMMENT_MAX:,} karakter (terisi {len(comment):,})"
                         .replace(",", ".")))
    if not scores and not problems:
        problems.append(("answers", "isi paling sedikit satu pertanyaan"))
    if problems:
        raise AnswerProblem(problems)
    return Answer(scores, comment)


# --- results ------------------------------------------------------------------------------------------------------

def mean(values: list[int]) -> float | None:
    if not values:
        return None
    return float((Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP))


@dataclass(frozen=True)
class ItemResult:
    item: Item
    mean: float | None
    answers: int


@dataclass(frozen=True)
class NarasumberResult:
    narasumber: Narasumber
    mean: float | None  # over every item answered about them
    answers: int  # item answers (the weight reporting uses)
    items: tuple[ItemResult, ...]


@dataclass(frozen=True)
class Results:
    invited: int  # participants with a link (attended at least one session)
    respondents: int
    items: tuple[ItemResult, ...]  # the sections other than narasumber, in template order
    narasumber: tuple[NarasumberResult, ...]
    comments: tuple[str, ...] = field(default=())

    @property
    def response_rate(self) -> float | None:
        return self.respondents / self.invited if self.invited else None

    def section_mean(self, name: str) -> tuple[float | None, int]:
        """A section's mean over all its item answers, and their number."""
        results = [r for r in self.items if r.item.section == name]
        if name == "narasumber":
            total = sum((r.mean or 0) * r.answers for r in self.narasumber)
            count = sum(r.answers for r in self.narasumber)
        else:
            total = sum((r.mean or 0) * r.answers for r in results)
            count = sum(r.answers for r in results)
        return (round(total / count, 2) if count else None), count


def summarise(questionnaire: Questionnaire, answers: list[Answer], invited: int) -> Results:
    def result(item: Item, narasumber_id: uuid.UUID | None = None) -> ItemResult:
        values = [a.scores[key(item.code, narasumber_id)] for a in answers if key(item.code, narasumber_id) in a.scores]
        return ItemResult(item, mean(values), len(values))

    general = tuple(result(i) for i in questionnaire.items if i.section != "narasumber")
    people = []
    for person in questionnaire.narasumber:
        rows = tuple(result(i, person.id) for i in questionnaire.section("narasumber"))
        values = [a.scores[key(i.code, person.id)] for a in answers for i in questionnaire.section("narasumber")
                  if key(i.code, person.id) in a.scores]
        people.append(NarasumberResult(person, mean(values), len(values), rows))
    return Results(invited, len(answers), general, tuple(people),
                   tuple(a.comment for a in answers if a.comment))


# --- personal link codes ------------------------------------------------------------------------------------------
# shared/signed_codes.py (registration's confirmation links are made the same way); the evaluation's purpose is the
# empty one, as when its links were first printed.
new_code, genuine, code_hash = signed_codes.new_code, signed_codes.genuine, signed_codes.code_hash
