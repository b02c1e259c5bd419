"""Satisfaction figures from evaluation summaries: means on the 1–5 scale weighted by the number of answers, per
section of a batch, per narasumber across batches, and the response rate (respondents ÷ invited)."""
from __future__ import annotations

from dataclasses import dataclass

SECTIONS = ("penyelenggaraan", "sarana", "materi", "narasumber")
SECTION_LABELS = {"penyelenggaraan": "Penyelenggaraan", "sarana": "Sarana dan konsumsi", "materi": "Materi",
                  "narasumber": "Narasumber"}


@dataclass
class Weighted:
    total: float = 0.0
    answers: int = 0

    def add(self, mean: float, answers: int) -> None:
        self.total += mean * answers
        self.answers += answers

    @property
    def mean(self) -> float | None:
        return round(self.total / self.answers, 2) if self.answers else None


def batch_sections(items: list[dict], narasumber: list[dict]) -> dict[str, Weighted]:
    """A batch's mean per section; the narasumber section from each narasumber's own mean and answers."""
    sections = {name: Weighted() for name in SECTIONS}
    for item in items:
        if item["section"] != "narasumber":
            sections[item["section"]].add(item["mean"], item["answers"])
    for person in narasumber:
        sections["narasumber"].add(person["mean"], person["answers"])
    return sections


def response_rate(respondents: int, invited: int) -> float | None:
    return round(respondents / invited, 4) if invited else None


def narasumber_across(evaluations: list[tuple[object, dict, list[dict]]]) -> list[dict]:
    """Per narasumber id over (batch_id, {"summarised_at": ...}, narasumber results) of several batches: the mean
    weighted by answers, the answers, the batches; the code and display name of the newest summary (a name
    withdrawn later is not shown from an older one)."""
    people: dict = {}
    for batch_id, meta, results in evaluations:
        for person in results:
            held = people.setdefault(person["narasumber_id"], {"score": Weighted(), "batches": set(), "at": None})
            held["score"].add(person["mean"], person["answers"])
            held["batches"].add(batch_id)
            if held["at"] is None or meta["summarised_at"] >= held["at"]:
                held.update(at=meta["summarised_at"], code=person["code"], display_name=person.get("display_name"))
    rows = [{"narasumber_id": key, "code": held["code"], "display_name": held["display_name"],
             "label": held["display_name"] or held["code"], "mean": held["score"].mean,
             "answers": held["score"].answers, "batches": len(held["batches"])} for key, held in people.items()]
    return sorted(rows, key=lambda r: (-(r["mean"] or 0), r["code"]))
