"""The regencies and cities of Kalimantan Timur with their Kemendagri codes, read from data, not code."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

@dataclass(frozen=True)
class District:
    code: str  # Kemendagri, e.g. "64.02"
    name: str  # e.g. "Kabupaten Kutai Kartanegara"
    kind: str  # kabupaten | kota


@cache
def districts() -> dict[str, District]:
    text = resources.files("shared.data").joinpath("kaltim-regions.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return {r["code"]: District(r["code"], r["name"], r["kind"]) for r in rows if r["kind"] != "provinsi"}


def is_district(code: str) -> bool:
    return code in districts()


def district_name(code: str) -> str:
    found = districts().get(code)
    return found.name if found else code
