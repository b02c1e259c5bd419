"""Use cases on the cooperative registry: register, update, read, list and search, each within a district."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from services.registration.adapters.orm import Cooperative, Participant
from services.registration.domain.cooperative_records import grade_from_last_rat
from services.registration.schemas import CooperativeCreate, CooperativeUpdate
from services.registration.service_layer import audit
from shared.auth import Principal, Role
from shared.clock import business_today
from shared.errors import Conflict, Forbidden, NotFound, field_error
from shared.events.registration import CooperativeRegistered, CooperativeUpdated
from shared.unit_of_work import UnitOfWork

MAX_PAGE_SIZE = 200


def ensure_district(principal: Principal, district_code: str) -> None:
    """District officers act only in their own district."""
    if not principal.can_touch_district(district_code):
        raise Forbidden(f"Anda hanya dapat mengelola data kabupaten/kota {principal.district}.",
                        fields=[field_error("district_code", "di luar wilayah Anda")])


def district_scope(principal: Principal, requested: str | None) -> str | None:
    """The district a list is limited to: an officer's own (asking for another is refused), an admin's choice."""
    if principal.role in (Role.ADMIN, Role.RECONCILER):
        return requested
    if requested and requested != principal.district:
        ensure_district(principal, requested)
    return principal.district


async def register_cooperative(uow: UnitOfWork, *, principal: Principal, data: CooperativeCreate) -> Cooperative:
    """Add a cooperative to the registry and announce it."""
    ensure_district(principal, data.district_code)
    session = uow.session
    taken = await session.scalar(select(Cooperative.id).where(
        Cooperative.registration_number == data.registration_number))
    if taken:
        raise Conflict("Nomor Induk Koperasi sudah terdaftar.",
                       fields=[field_error("registration_number", "sudah dipakai koperasi lain")])
    cooperative = Cooperative(**with_derived_grade(data.model_dump()), created_at=datetime.now(UTC),
                              created_by=principal.subject, version=1)
    session.add(cooperative)
    try:
        await session.flush()
    except IntegrityError as exc:  # the same number registered by a simultaneous request
        raise Conflict("Nomor Induk Koperasi sudah terdaftar.",
                       fields=[field_error("registration_number", "sudah dipakai koperasi lain")]) from exc
    uow.emit(CooperativeRegistered(cooperative_id=cooperative.id, **public_state(cooperative)),
             subject=str(cooperative.id), aggregate_version=cooperative.version)
    audit.record(session, principal, action="created", entity="cooperative", entity_id=cooperative.id,
                 district_code=cooperative.district_code, changes=audit.diff({}, data.model_dump()))
    await uow.commit()
    return cooperative


async def update_cooperative(uow: UnitOfWork, *, principal: Principal, cooperative_id: uuid.UUID,
                             data: CooperativeUpdate | CooperativeCreate) -> Cooperative:
    """Change a cooperative (PATCH sends some fields, PUT all); announces the new state with version + 1."""
    session = uow.session
    # Two edits at once must not both become version n + 1 (SQLite renders no FOR UPDATE: one writer anyway).
    cooperative = await session.scalar(select(Cooperative).where(Cooperative.id == cooperative_id).with_for_update())
    if cooperative is None:
        raise NotFound("Koperasi tidak ditemukan.")
    ensure_district(principal, cooperative.district_code)
    changes = data.model_dump(exclude_unset=isinstance(data, CooperativeUpdate))
    for required in ("name", "registration_number", "district_code", "kind", "sector", "active",
                     "members_male", "members_female", "syariah", "managers_count", "employees_count"):
        if required in changes and changes[required] is None:
            raise Conflict(f"{required} tidak boleh dikosongkan.", fields=[field_error(required, "wajib diisi")])
    if "district_code" in changes:
        ensure_district(principal, changes["district_code"])  # an officer cannot hand a cooperative away
    number = changes.get("registration_number")
    if number and number != cooperative.registration_number and await session.scalar(
            select(Cooperative.id).where(Cooperative.registration_number == number)):
        raise Conflict("Nomor Induk Koperasi sudah terdaftar.",
                       fields=[field_error("registration_number", "sudah dipakai koperasi lain")])
    grade = with_derived_grade({"grade": changes.get("grade", cooperative.grade),
                                "last_rat_year": changes.get("last_rat_year", cooperative.last_rat_year)})["grade"]
    if grade is not None or "grade" in changes:
        changes["grade"] = grade  # a grade given stays; none given: the RAT year's
    before = {key: getattr(cooperative, key) for key in changes}
    delta = audit.diff(before, changes)
    if not delta:
        await uow.commit()  # nothing changed: no new version, no event (committing keeps the row loaded)
        return cooperative
    for key, value in changes.items():
        setattr(cooperative, key, value)
    cooperative.version += 1
    cooperative.updated_at, cooperative.updated_by = datetime.now(UTC), principal.subject
    if "district_code" in delta:
        # Participants follow their cooperative: their district is what scopes them.
        await session.execute(update(Participant).where(Participant.cooperative_id == cooperative.id)
                              .values(district_code=cooperative.district_code))
    uow.emit(CooperativeUpdated(cooperative_id=cooperative.id, **public_state(cooperative)),
             subject=str(cooperative.id), aggregate_version=cooperative.version)
    audit.record(session, principal, action="updated", entity="cooperative", entity_id=cooperative.id,
                 district_code=cooperative.district_code, changes=delta)
    await uow.commit()
    return cooperative


async def get_cooperative(session, *, principal: Principal, cooperative_id: uuid.UUID) -> Cooperative:
    cooperative = await session.get(Cooperative, cooperative_id)
    if cooperative is None:
        raise NotFound("Koperasi tidak ditemukan.")
    ensure_district(principal, cooperative.district_code)
    return cooperative


async def list_cooperatives(session, *, principal: Principal, district: str | None = None, sector: str | None = None,
                            kind: str | None = None, active: bool | None = None, grade: str | None = None,
                            q: str | None = None, page: int = 1,
                            page_size: int = 50) -> tuple[list[Cooperative], int]:
    """One page of the registry in name order; `q` finds a part of the name or the start of the number."""
    query = select(Cooperative)
    if scope := district_scope(principal, district):
        query = query.where(Cooperative.district_code == scope)
    for column, value in ((Cooperative.sector, sector), (Cooperative.kind, kind), (Cooperative.active, active),
                          (Cooperative.grade, grade and grade.upper())):
        if value is not None and value != "":
            query = query.where(column == value)
    if q and q.strip():
        text = q.strip()
        digits = text.replace(".", "").replace(" ", "").replace("-", "")
        conditions = [func.lower(Cooperative.name).contains(text.lower(), autoescape=True)]
        if digits.isdigit():
            conditions.append(Cooperative.registration_number.startswith(digits, autoescape=True))
        query = query.where(or_(*conditions))
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    rows = await session.scalars(query.order_by(Cooperative.name, Cooperative.id)
                                 .offset((max(page, 1) - 1) * page_size).limit(page_size))
    return list(rows.all()), total


def with_derived_grade(values: dict) -> dict:
    """Where no ODS grade is given, the grade the year of the last RAT gives (D when it is older than 3 years)."""
    if values.get("grade") is None and values.get("last_rat_year"):
        return {**values, "grade": grade_from_last_rat(values["last_rat_year"], this_year=business_today().year)}
    return values


REGISTRY_FIELDS = ("nib", "last_rat_year", "syariah", "managers_count", "employees_count")


def public_state(c: Cooperative) -> dict:
    """What other services learn of a cooperative (the event body): no personal data."""
    return {"name": c.name, "registration_number": c.registration_number, "district_code": c.district_code,
            "kind": c.kind, "sector": c.sector, "active": c.active, "grade": c.grade,
            "members_male": c.members_male, "members_female": c.members_female}


def to_read(c: Cooperative) -> dict:
    return {"id": c.id, "legal_entity_number": c.legal_entity_number, "address": c.address,
            "members_total": c.members_male + c.members_female, "version": c.version, "created_at": c.created_at,
            "created_by": c.created_by, "updated_at": c.updated_at, "updated_by": c.updated_by,
            # Registry fields stay in registration this round (not in the event contract).
            **{key: getattr(c, key) for key in REGISTRY_FIELDS}, **public_state(c)}
