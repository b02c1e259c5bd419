"""The district's planning list: which active cooperatives are not yet trained this fiscal year, which are (batch and
date, from training's participant.completed), progress against the district's target (training's programmes), and
the warning before a cooperative is trained twice in one year."""
from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import select

from services.registration.adapters.orm import (BatchReplica, CompletionRecord, Cooperative, Participant,
                                                ProgrammeTargets)
from services.registration.domain.reference import GRADES, normalise_kind, normalise_sector
from services.registration.service_layer.cooperatives import ensure_district, to_read
from shared.auth import Principal, Role
from shared.db import insert_for
from shared.errors import Invalid, field_error
from services.registration.domain.participant_category import UMK
from shared.events.envelope import Envelope
from shared.events.training import ParticipantCompleted, ProgrammeState
from shared.regions import districts
from shared.unit_of_work import UnitOfWork

MAX_PAGE_SIZE = 1000


async def apply_completion(uow: UnitOfWork, envelope: Envelope, event: ParticipantCompleted) -> None:
    """A completion is decided once per batch and participant; a repeat is ignored. A UMK owner's completion trains
    no cooperative (its id is the business's), so planning does not keep it."""
    if event.category == UMK:
        return
    insert = insert_for(uow.session)
    await uow.session.execute(insert(CompletionRecord).values(
        batch_id=event.batch_id, participant_id=event.participant_id, cooperative_id=event.cooperative_id,
        district_code=event.district_code, completed_at=envelope.time).on_conflict_do_nothing())


async def apply_programme(uow: UnitOfWork, envelope: Envelope, event: ProgrammeState) -> None:
    found = await uow.session.get(ProgrammeTargets, event.programme_id)
    if found is not None and found.version >= envelope.aggregate_version:
        return  # an older or repeated state
    values = dict(fiscal_year=event.fiscal_year, target_cooperatives=event.target_cooperatives,
                  district_targets=dict(event.district_targets), version=envelope.aggregate_version)
    if found is None:
        uow.session.add(ProgrammeTargets(programme_id=event.programme_id, **values))
    else:
        for key, value in values.items():
            setattr(found, key, value)


def planning_district(principal: Principal, requested: str | None) -> str:
    """An officer plans their own district; training staff and admins choose one (required)."""
    if principal.role == Role.DISTRICT_OFFICER:
        ensure_district(principal, requested or principal.district)
        return principal.district
    if not requested:
        raise Invalid("Pilih kabupaten/kota.", fields=[field_error("district", "wajib diisi, mis. 64.02")])
    if requested not in districts():
        raise Invalid("Kabupaten/kota tidak dikenal.",
                      fields=[field_error("district", "kode kabupaten/kota tidak dikenal di Kalimantan Timur")])
    return requested


def _checked(normalise, value: str | None, name: str) -> str | None:
    """A filter as officers type it ("Pertanian", "KSP"), or a 422 naming it."""
    if not value:
        return None
    try:
        return normalise(value)
    except ValueError as exc:
        raise Invalid(str(exc).capitalize() + ".", fields=[field_error(name, str(exc))]) from exc


async def trainings_of(session, *, fiscal_year: int, district: str | None = None,
                       cooperative_ids: list[uuid.UUID] | None = None) -> dict[uuid.UUID, list[dict]]:
    """Per cooperative, the batches of this fiscal year in which someone of it completed, earliest first."""
    query = (select(CompletionRecord.cooperative_id, CompletionRecord.completed_at, BatchReplica.id,
                    BatchReplica.code, BatchReplica.title, BatchReplica.end_date)
             .join(BatchReplica, BatchReplica.id == CompletionRecord.batch_id)
             .where(BatchReplica.fiscal_year == fiscal_year))
    if district:
        query = query.where(CompletionRecord.district_code == district)
    if cooperative_ids is not None:
        query = query.where(CompletionRecord.cooperative_id.in_(cooperative_ids))
    found: dict[uuid.UUID, dict[uuid.UUID, dict]] = defaultdict(dict)
    for coop, completed_at, batch_id, code, title, end_date in (await session.execute(query)).all():
        item = found[coop].setdefault(batch_id, {"batch_id": batch_id, "batch_code": code, "batch_title": title,
                                                 "end_date": end_date, "completed_at": completed_at,
                                                 "completers": 0})
        item["completers"] += 1
    return {coop: sorted(batches.values(), key=lambda b: (b["end_date"], b["batch_code"]))
            for coop, batches in found.items()}


async def district_target(session, *, district: str, fiscal_year: int) -> int | None:
    """The sum of this year's programmes' targets for the district; None when no programme sets one."""
    rows = (await session.scalars(select(ProgrammeTargets).where(ProgrammeTargets.fiscal_year == fiscal_year))).all()
    targets = [p.district_targets[district] for p in rows if district in (p.district_targets or {})]
    return sum(targets) if targets else None


async def planning_list(session, *, principal: Principal, district: str | None, fiscal_year: int,
                        trained: bool | None = None, sector: str | None = None, grade: str | None = None,
                        kind: str | None = None, page: int = 1, page_size: int = 100) -> dict:
    """The district's cooperatives for planning: trained this year (any status), and active ones not yet trained."""
    code = planning_district(principal, district)
    sector, kind = _checked(normalise_sector, sector, "sector"), _checked(normalise_kind, kind, "kind")
    if grade and grade.upper() not in GRADES:
        raise Invalid("Grade ODS tidak dikenal.",
                      fields=[field_error("grade", "pilih salah satu: " + ", ".join(GRADES))])
    trainings = await trainings_of(session, fiscal_year=fiscal_year, district=code)
    cooperatives = (await session.scalars(select(Cooperative).where(Cooperative.district_code == code)
                                          .order_by(Cooperative.name, Cooperative.id))).all()
    # A completer whose cooperative has since moved away still counts where it was trained: looked up by id.
    moved = [c for c in trainings if c not in {x.id for x in cooperatives}]
    if moved:
        cooperatives = [*cooperatives, *(await session.scalars(select(Cooperative).where(Cooperative.id.in_(moved))))]
    listed = [c for c in cooperatives if c.id in trainings or c.active]
    trained_count = sum(1 for c in listed if c.id in trainings)
    target = await district_target(session, district=code, fiscal_year=fiscal_year)
    chosen = [c for c in listed
              if (trained is None or (c.id in trainings) == trained) and (not sector or c.sector == sector)
              and (not grade or (c.grade or "") == grade.upper()) and (not kind or c.kind == kind)]
    page_size = max(1, page_size)
    shown = chosen[(max(page, 1) - 1) * page_size:max(page, 1) * page_size]
    return {"district_code": code, "district_name": districts()[code].name, "fiscal_year": fiscal_year,
            "target": target, "trained_count": trained_count,
            "untrained_count": sum(1 for c in listed if c.id not in trainings and c.active),
            "active_count": sum(1 for c in cooperatives if c.active and c.district_code == code),
            "progress_percent": round(100 * trained_count / target, 1) if target else None,
            "total": len(chosen), "page": max(page, 1), "page_size": page_size,
            "items": [{**to_read(c), "trained": c.id in trainings, "trainings": trainings.get(c.id, [])}
                      for c in shown]}


async def nomination_warnings(session, *, participant: Participant, batch: BatchReplica) -> list[str]:
    """A cooperative with a completer this fiscal year is trained already: a second one does not count again toward
    the target, so the officer is told (never refused). A UMK owner has no cooperative to warn of."""
    if participant.cooperative_id is None:
        return []
    found = (await trainings_of(session, fiscal_year=batch.fiscal_year,
                                cooperative_ids=[participant.cooperative_id])).get(participant.cooperative_id)
    if not found:
        return []
    cooperative = await session.get(Cooperative, participant.cooperative_id)
    codes = ", ".join(b["batch_code"] for b in found)
    return [f"{cooperative.name} sudah memiliki peserta yang lulus pada tahun anggaran {batch.fiscal_year} "
            f"(angkatan {codes}); pencalonan ini tidak menambah jumlah koperasi terlatih."]


async def warnings_before_nominating(session, *, batch_id: uuid.UUID, participant_id: uuid.UUID) -> list[str]:
    """The same warnings, asked before the nomination is made (the page's confirmation step)."""
    batch = await session.get(BatchReplica, batch_id)
    participant = await session.get(Participant, participant_id)
    if batch is None or participant is None:
        return []  # the nomination itself names what is missing
    return await nomination_warnings(session, participant=participant, batch=batch)
