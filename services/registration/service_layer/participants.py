"""Use cases on participants (cooperatives' managers and members, owners of micro/small enterprises): one NIK is
one person across the province."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from services.registration.adapters.orm import Cooperative, Participant
from services.registration.domain.nik import InvalidNik, NikInfo, mask_nik, parse_nik
from services.registration.domain.participant_category import (UMK, Affiliation, CategoryMismatch, business_id,
                                                               check_affiliation, check_position)
from services.registration.domain.phone import InvalidPhone, normalise_phone
from services.registration.schemas import ParticipantCreate, ParticipantUpdate
from services.registration.service_layer import audit
from services.registration.service_layer.cooperatives import MAX_PAGE_SIZE, district_scope, ensure_district
from shared.auth import Principal
from shared.errors import Invalid, NotFound, field_error
from shared.events.registration import ParticipantRegistered, ParticipantUpdated
from shared.unit_of_work import UnitOfWork


def checked_nik(raw: str) -> NikInfo:
    try:
        return parse_nik(raw)
    except InvalidNik as exc:
        raise Invalid(str(exc), fields=[field_error("nik", str(exc))]) from exc


def checked_phone(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        return normalise_phone(raw)
    except InvalidPhone as exc:
        raise Invalid(f"Telepon: {exc}", fields=[field_error("phone", str(exc))]) from exc


def region_warnings(nik: NikInfo, district_code: str, where: str = "koperasi") -> list[str]:
    """A NIK keeps its birth region for life, so a mismatch is worth a look but never a refusal."""
    warnings = list(nik.warnings)
    if nik.region_code != district_code and not warnings:
        warnings.append(f"NIK diterbitkan di {nik.region_code}, {where} berada di {district_code}")
    return warnings


def checked_affiliation(category: str, values: dict) -> None:
    """The category's rule (a cooperative for its people, a business for a UMK owner) as a 422 naming the field."""
    try:
        check_affiliation(Affiliation(category, values.get("cooperative_id"), values.get("business_name"),
                                      values.get("nib"), values.get("sector"), values.get("district_code")))
        values["position"] = check_position(category, values.get("position") or "")
    except CategoryMismatch as exc:
        raise Invalid(exc.message[:1].upper() + exc.message[1:] + ".",
                      fields=[field_error(exc.field, exc.message)]) from exc


def new_participant(nik: NikInfo, data: ParticipantCreate, phone: str | None, cooperative: Cooperative | None,
                    principal: Principal, now: datetime) -> Participant:
    business = {} if cooperative else {"business_name": data.business_name, "nib": data.nib, "sector": data.sector}
    return Participant(
        id=uuid.uuid4(), nik=nik.nik, full_name=data.full_name, gender=nik.gender, birth_date=nik.birth_date,
        position=data.position, phone=phone, email=data.email, category=data.category,
        cooperative_id=cooperative.id if cooperative else None,
        district_code=cooperative.district_code if cooperative else data.district_code, version=1, created_at=now,
        created_by=principal.subject, **business)


# What other services see of a participant; a change to one of these is announced (ParticipantUpdated).
PUBLIC_FIELDS = ("full_name", "gender", "position", "cooperative_id", "district_code")
# A UMK owner's NIB makes the id events carry for the business, so its change is announced too.
ANNOUNCED = (*PUBLIC_FIELDS, "nib")


def affiliation_id(p: Participant) -> uuid.UUID:
    """What events carry as the cooperative: the cooperative's id, or for a UMK owner the business's (from its
    NIB; the NIB itself stays here)."""
    return p.cooperative_id if p.cooperative_id is not None else business_id(p.nib)


def registered_event(p: Participant) -> ParticipantRegistered:
    return ParticipantRegistered(participant_id=p.id, cooperative_id=affiliation_id(p), district_code=p.district_code,
                                 gender=p.gender, position=p.position, category=p.category)


def updated_event(p: Participant) -> ParticipantUpdated:
    return ParticipantUpdated(participant_id=p.id, full_name=p.full_name, gender=p.gender, position=p.position,
                              cooperative_id=affiliation_id(p), district_code=p.district_code)


async def register_participant(uow: UnitOfWork, *, principal: Principal,
                               data: ParticipantCreate) -> tuple[Participant, bool, list[str]]:
    """Register a manager, member or UMK owner; the same NIK again returns the existing record (created=False)."""
    nik = checked_nik(data.nik)
    phone = checked_phone(data.phone)
    values = data.model_dump()
    checked_affiliation(data.category, values)
    data = data.model_copy(update={"position": values["position"]})
    session = uow.session
    existing = await session.scalar(select(Participant).where(Participant.nik == nik.nik))
    if existing:
        return existing, False, []
    cooperative = None
    if data.category != UMK:
        cooperative = await session.get(Cooperative, data.cooperative_id)
        if cooperative is None:
            raise NotFound("Koperasi tidak ditemukan.", fields=[field_error("cooperative_id", "tidak ditemukan")])
    ensure_district(principal, cooperative.district_code if cooperative else data.district_code)
    participant = new_participant(nik, data, phone, cooperative, principal, datetime.now(UTC))
    session.add(participant)
    uow.emit(registered_event(participant), subject=str(participant.id), aggregate_version=participant.version)
    audit.record(session, principal, action="created", entity="participant", entity_id=participant.id,
                 district_code=participant.district_code,
                 changes=audit.diff({}, {"nik": nik.nik, "full_name": participant.full_name,
                                         "position": participant.position, "category": participant.category,
                                         "cooperative_id": participant.cooperative_id,
                                         "business_name": participant.business_name, "nib": participant.nib}))
    try:
        await session.flush()
        await uow.commit()
    except IntegrityError:
        # The same person registered by a simultaneous request: theirs stands, as if we had come second.
        await session.rollback()
        return await session.scalar(select(Participant).where(Participant.nik == nik.nik)), False, []
    if cooperative is None:
        return participant, True, region_warnings(nik, participant.district_code, "usaha")
    return participant, True, region_warnings(nik, cooperative.district_code)


async def update_participant(uow: UnitOfWork, *, principal: Principal, participant_id: uuid.UUID,
                             data: ParticipantUpdate) -> Participant:
    """Correct a manager's name, position, contact or cooperative (within the district). Audited; every real change
    is version + 1, and one that other services see (name, position, cooperative) is announced as ParticipantUpdated
    so training's roster and later certificates carry the corrected name. Contact data never leaves."""
    session = uow.session
    participant = await get_participant(session, principal=principal, participant_id=participant_id,
                                        for_update=True)
    changes = data.model_dump(exclude_unset=True)
    if "full_name" in changes and not changes["full_name"]:
        raise Invalid("Nama wajib diisi.", fields=[field_error("full_name", "wajib diisi")])
    if "position" in changes and not changes["position"]:
        raise Invalid("Jabatan wajib diisi.", fields=[field_error("position", "wajib diisi")])
    if "phone" in changes:
        changes["phone"] = checked_phone(changes["phone"])
    changes = await _affiliation_changes(session, principal, participant, changes)
    delta = audit.diff({key: getattr(participant, key) for key in changes}, changes)
    if not delta:
        await uow.commit()  # nothing changed: no new version, no event (committing keeps the row loaded)
        return participant
    for key, value in changes.items():
        setattr(participant, key, value)
    participant.version += 1
    participant.updated_at, participant.updated_by = datetime.now(UTC), principal.subject
    if any(key in ANNOUNCED for key in delta):
        uow.emit(updated_event(participant), subject=str(participant.id), aggregate_version=participant.version)
    audit.record(session, principal, action="updated", entity="participant", entity_id=participant.id,
                 district_code=participant.district_code, changes=delta)
    await uow.commit()
    return participant


async def _affiliation_changes(session, principal: Principal, participant: Participant, changes: dict) -> dict:
    """A correction keeps the category's rule on the record as it will be: switching to UMK drops the cooperative
    (the business fields are then required), switching from UMK needs a cooperative and drops the business."""
    category = changes.get("category") or participant.category
    business = ("business_name", "nib", "sector")
    if category == UMK:
        if "category" in changes and participant.category != UMK:
            changes.setdefault("cooperative_id", None)
        merged = {key: getattr(participant, key) for key in (*business, "district_code", "cooperative_id")}
    else:
        if participant.category == UMK:
            changes.update({key: None for key in business if key not in changes})
            changes.pop("district_code", None)  # a cooperative's people live in its district
        merged = {"cooperative_id": participant.cooperative_id}
    merged |= {key: changes[key] for key in merged if key in changes}
    merged |= {key: changes[key] for key in business if key in changes}
    merged["position"] = changes.get("position") or participant.position
    if category != UMK and merged["position"] == "pemilik usaha":
        merged["position"] = changes["position"] = "ketua"  # a business owner who joins a cooperative: its chair
    checked_affiliation(category, merged)  # also settles the position (a UMK owner owns the business)
    if "position" in changes or merged["position"] != participant.position:
        changes["position"] = merged["position"]
    if category == UMK:
        if "district_code" in changes:
            ensure_district(principal, changes["district_code"])
        return changes
    if changes.get("cooperative_id") and changes["cooperative_id"] != participant.cooperative_id:
        cooperative = await session.get(Cooperative, changes["cooperative_id"])
        if cooperative is None:
            raise NotFound("Koperasi tidak ditemukan.", fields=[field_error("cooperative_id", "tidak ditemukan")])
        ensure_district(principal, cooperative.district_code)
        changes["district_code"] = cooperative.district_code
    elif "cooperative_id" in changes:
        changes.pop("cooperative_id")
    return changes


async def get_participant(session, *, principal: Principal, participant_id: uuid.UUID,
                          for_update: bool = False) -> Participant:
    query = select(Participant).where(Participant.id == participant_id)
    if for_update:
        query = query.with_for_update()  # two corrections at once must not both become version n + 1
    participant = await session.scalar(query)
    if participant is None:
        raise NotFound("Peserta tidak ditemukan.")
    ensure_district(principal, participant.district_code)
    return participant


async def list_participants(session, *, principal: Principal, district: str | None = None,
                            cooperative_id: uuid.UUID | None = None, q: str | None = None, nik: str | None = None,
                            category: str | None = None,
                            page: int = 1, page_size: int = 50) -> tuple[list[Participant], int]:
    """One page of managers in the caller's district. `nik` looks a person up province-wide (shown masked outside
    the district), so an officer learns that someone is already registered without seeing their data."""
    query = select(Participant)
    if nik:
        query = query.where(Participant.nik == "".join(ch for ch in nik if ch.isdigit()))
    elif scope := district_scope(principal, district):
        query = query.where(Participant.district_code == scope)
    if cooperative_id:
        query = query.where(Participant.cooperative_id == cooperative_id)
    if category:
        query = query.where(Participant.category == category)
    if q and q.strip():
        query = query.where(func.lower(Participant.full_name).contains(q.strip().lower(), autoescape=True))
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    rows = await session.scalars(query.order_by(Participant.full_name, Participant.id)
                                 .offset((max(page, 1) - 1) * page_size).limit(page_size))
    return list(rows.all()), total


def to_read(p: Participant, principal: Principal, *, created: bool = True, warnings=()) -> dict:
    """Personal data in full only for the owning district (and admins)."""
    own = principal.can_touch_district(p.district_code)
    return {"id": p.id, "nik": p.nik if own else mask_nik(p.nik), "full_name": p.full_name, "gender": p.gender,
            "birth_date": p.birth_date if own else None, "position": p.position,
            "phone": p.phone if own else None, "email": p.email if own else None,
            "category": p.category, "cooperative_id": p.cooperative_id, "business_name": p.business_name,
            "nib": p.nib, "sector": p.sector, "district_code": p.district_code,
            "warnings": list(warnings), "created": created, "version": p.version}
