"""Use cases on the cooperative registry."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from services.registration.adapters.orm import Cooperative
from services.registration.schemas import CooperativeCreate
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, field_error
from shared.events.registration import CooperativeRegistered
from shared.unit_of_work import UnitOfWork


def ensure_district(principal: Principal, district_code: str) -> None:
    """District officers act only in their own district."""
    if not principal.can_touch_district(district_code):
        raise Forbidden(f"Anda hanya dapat mengelola data kabupaten/kota {principal.district}.",
                        fields=[field_error("district_code", "di luar wilayah Anda")])


async def register_cooperative(uow: UnitOfWork, *, principal: Principal, data: CooperativeCreate) -> Cooperative:
    """Add a cooperative to the registry and announce it."""
    ensure_district(principal, data.district_code)
    session = uow.session
    taken = await session.scalar(select(Cooperative.id).where(
        Cooperative.registration_number == data.registration_number))
    if taken:
        raise Conflict("Nomor Induk Koperasi sudah terdaftar.",
                       fields=[field_error("registration_number", "sudah dipakai koperasi lain")])
    cooperative = Cooperative(**data.model_dump(), created_at=datetime.now(UTC), created_by=principal.subject,
                              version=1)
    session.add(cooperative)
    await session.flush()
    uow.emit(CooperativeRegistered(cooperative_id=cooperative.id, **_public(cooperative)),
             subject=str(cooperative.id), aggregate_version=cooperative.version)
    await uow.commit()
    return cooperative


def _public(c: Cooperative) -> dict:
    return {"name": c.name, "registration_number": c.registration_number, "district_code": c.district_code,
            "kind": c.kind, "sector": c.sector, "active": c.active, "grade": c.grade,
            "members_male": c.members_male, "members_female": c.members_female}


def to_read(c: Cooperative) -> dict:
    return {"id": c.id, "legal_entity_number": c.legal_entity_number, "address": c.address,
            "members_total": c.members_male + c.members_female, **_public(c)}
