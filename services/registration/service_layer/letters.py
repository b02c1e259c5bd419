"""The undangan letter's read model: one letter per kabupaten/kota of the batch (an officer: their own), with the
district's enrolled participants as its appendix (names, positions, cooperatives; no NIK). Registration knows the
batch's dates and venue, not its agenda or its officials (training's records): the letter gives the days and
venue, and prints the signing position from data/undangan.json with room for the name and NIP."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from sqlalchemy import func, select

from services.registration.adapters.orm import Cooperative, Enrollment, Participant
from services.registration.service_layer import batches
from shared.auth import Principal, Role
from shared.clock import business_today
from shared.regions import district_name


@cache
def letter_text() -> dict:
    text = resources.files("services.registration.data").joinpath("undangan.json").read_text(encoding="utf-8")
    return json.loads(text)


@dataclass(frozen=True)
class Invitee:
    full_name: str
    position: str
    cooperative: str


@dataclass(frozen=True)
class DistrictLetter:
    district_code: str
    district: str
    invitees: tuple[Invitee, ...]


@dataclass(frozen=True)
class Letter:
    batch_code: str
    batch_title: str
    venue: str
    start_date: date
    end_date: date
    letters: tuple[DistrictLetter, ...]
    agency: str
    city: str
    signing_position: str
    bring: tuple[str, ...]
    closing: str
    dated: date

    @property
    def file_code(self) -> str:
        return "".join(c if c.isalnum() or c in "-_" else "-" for c in self.batch_code)


async def letter_of(session, *, principal: Principal, batch_id: uuid.UUID, today: date | None = None) -> Letter:
    batch = await batches.get_batch(session, principal=principal, batch_id=batch_id)  # 404 outside the officer's
    codes = [principal.district] if principal.role == Role.DISTRICT_OFFICER else list(batch["eligible_districts"])
    rows = (await session.execute(
        select(Enrollment.district_code, Participant.full_name, Participant.position,
               func.coalesce(Cooperative.name, Participant.business_name))  # a UMK owner: the business
        .join(Participant, Participant.id == Enrollment.participant_id)
        .outerjoin(Cooperative, Cooperative.id == Participant.cooperative_id)
        .where(Enrollment.batch_id == batch_id, Enrollment.status == "enrolled", Enrollment.district_code.in_(codes))
        .order_by(Participant.full_name))).all()
    by_district: dict[str, list[Invitee]] = {code: [] for code in codes}
    for district, name, position, cooperative in rows:
        by_district[district].append(Invitee(name, position, cooperative))
    text = letter_text()
    return Letter(batch["code"], batch["title"], batch["venue"], batch["start_date"], batch["end_date"],
                  tuple(DistrictLetter(code, district_name(code), tuple(people))
                        for code, people in by_district.items()),
                  text["instansi"], text["kota_surat"], text["jabatan_penanda_tangan"], tuple(text["dibawa"]),
                  text["penutup"], today or business_today())
