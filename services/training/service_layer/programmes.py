"""Programmes of a fiscal year: funding source, allocation and targets, announced to reporting."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from services.training.adapters.orm import Programme
from services.training.schemas import ProgrammeCreate, ProgrammeUpdate
from services.training.service_layer import audit
from shared.auth import Principal
from shared.errors import Conflict, NotFound, field_error
from shared.events.training import ProgrammePlanned, ProgrammeUpdated
from shared.unit_of_work import UnitOfWork


async def plan_programme(uow: UnitOfWork, *, principal: Principal, data: ProgrammeCreate) -> Programme:
    """Create a programme and announce it."""
    await _refuse_duplicate_name(uow, data.name, data.fiscal_year)
    programme = Programme(**data.model_dump(), version=1, created_at=datetime.now(UTC), created_by=principal.subject)
    uow.session.add(programme)
    await uow.session.flush()
    uow.emit(ProgrammePlanned(**programme_state(programme)), subject=str(programme.id), aggregate_version=1)
    audit.record(uow.session, principal, action="created", entity="programme", entity_id=programme.id,
                 changes=audit.diff({}, data.model_dump()))
    await uow.commit()
    return programme


async def update_programme(uow: UnitOfWork, *, principal: Principal, programme_id: uuid.UUID,
                           data: ProgrammeUpdate) -> Programme:
    """Change the fields sent; the fiscal year stays, since batches and reports hang on it."""
    programme = await get_programme(uow.session, programme_id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if "name" in changes and changes["name"] != programme.name:
        await _refuse_duplicate_name(uow, changes["name"], programme.fiscal_year)
    changes = {k: v for k, v in changes.items() if getattr(programme, k) != v}
    if changes:
        audit.record(uow.session, principal, action="updated", entity="programme", entity_id=programme.id,
                     changes=audit.diff(audit.snapshot(programme, changes), changes))
        for key, value in changes.items():
            setattr(programme, key, value)
        programme.version += 1
        uow.emit(ProgrammeUpdated(**programme_state(programme)), subject=str(programme.id),
                 aggregate_version=programme.version)
        await uow.commit()
    return programme


async def _refuse_duplicate_name(uow: UnitOfWork, name: str, fiscal_year: int) -> None:
    if await uow.session.scalar(select(Programme.id).where(Programme.name == name,
                                                           Programme.fiscal_year == fiscal_year)):
        raise Conflict(f"Program '{name}' untuk tahun anggaran {fiscal_year} sudah ada.",
                       fields=[field_error("name", "sudah dipakai di tahun anggaran ini")])


async def get_programme(session, programme_id: uuid.UUID) -> Programme:
    programme = await session.get(Programme, programme_id)
    if programme is None:
        raise NotFound("Program tidak ditemukan.", fields=[field_error("programme_id", "tidak ditemukan")])
    return programme


async def list_programmes(session, fiscal_year: int | None = None) -> list[Programme]:
    query = select(Programme).order_by(Programme.fiscal_year.desc(), Programme.name)
    if fiscal_year is not None:
        query = query.where(Programme.fiscal_year == fiscal_year)
    return list((await session.scalars(query)).all())


def programme_state(programme: Programme) -> dict:
    return {"programme_id": programme.id, "name": programme.name, "fiscal_year": programme.fiscal_year,
            "funding_source": programme.funding_source, "allocation": programme.allocation,
            "target_cooperatives": programme.target_cooperatives, "district_targets": programme.district_targets}


def to_read(programme: Programme) -> dict:
    return {"id": programme.id, **{k: v for k, v in programme_state(programme).items() if k != "programme_id"},
            "version": programme.version}
