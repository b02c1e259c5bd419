"""Officials (pejabat) who sign certificates and reports: records with a period in office, named by each batch."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import or_, select

from services.training.adapters.orm import Official
from services.training.schemas_people import OfficialCreate, OfficialUpdate
from services.training.service_layer import audit
from shared.auth import Principal
from shared.errors import Invalid, NotFound, field_error
from shared.unit_of_work import UnitOfWork


def _check_period(active_from: date, active_until: date | None) -> None:
    if active_until is not None and active_until < active_from:
        raise Invalid("Akhir masa jabatan sebelum awalnya.",
                      fields=[field_error("active_until", "sebelum tanggal mulai menjabat")])


async def appoint_official(uow: UnitOfWork, *, principal: Principal, data: OfficialCreate) -> Official:
    _check_period(data.active_from, data.active_until)
    official = Official(**data.model_dump(), version=1, created_at=datetime.now(UTC), created_by=principal.subject)
    uow.session.add(official)
    await uow.session.flush()  # the id, for the trail
    audit.record(uow.session, principal, action="created", entity="official", entity_id=official.id,
                 changes=audit.diff({}, data.model_dump()))
    await uow.commit()
    return official


async def update_official(uow: UnitOfWork, *, principal: Principal, official_id: uuid.UUID,
                          data: OfficialUpdate) -> Official:
    """Only the fields sent change (`active_until: null` = still in office). Certificates already issued keep the
    official as printed."""
    official = await get_official(uow.session, official_id)
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items()
               if (v is not None or k == "active_until") and getattr(official, k) != v}
    if not changes:
        return official
    _check_period(changes.get("active_from", official.active_from),
                  changes["active_until"] if "active_until" in changes else official.active_until)
    audit.record(uow.session, principal, action="updated", entity="official", entity_id=official.id,
                 changes=audit.diff(audit.snapshot(official, changes), changes))
    for key, value in changes.items():
        setattr(official, key, value)
    official.version += 1
    await uow.commit()
    return official


async def get_official(session, official_id: uuid.UUID) -> Official:
    official = await session.get(Official, official_id)
    if official is None:
        raise NotFound("Pejabat tidak ditemukan.")
    return official


async def list_officials(session, active_on: date | None = None) -> list[Official]:
    query = select(Official).order_by(Official.active_from.desc(), Official.name)
    if active_on is not None:
        query = query.where(Official.active_from <= active_on,
                            or_(Official.active_until.is_(None), Official.active_until >= active_on))
    return list((await session.scalars(query)).all())


def to_read(official: Official) -> dict:
    return {k: getattr(official, k) for k in ("id", "name", "nip", "position", "active_from", "active_until",
                                              "version")}
