"""Use cases on participants (cooperative managers): one NIK is one person across the province."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from services.registration.adapters.orm import Cooperative, Participant
from services.registration.domain.nik import InvalidNik, mask_nik, parse_nik
from services.registration.domain.phone import InvalidPhone, normalise_phone
from services.registration.schemas import ParticipantCreate
from services.registration.service_layer.cooperatives import ensure_district
from shared.auth import Principal
from shared.errors import Invalid, NotFound, field_error
from shared.events.registration import ParticipantRegistered
from shared.unit_of_work import UnitOfWork


async def register_participant(uow: UnitOfWork, *, principal: Principal,
                               data: ParticipantCreate) -> tuple[Participant, bool, list[str]]:
    """Register a manager; the same NIK again returns the existing record (created=False)."""
    try:
        nik = parse_nik(data.nik)
    except InvalidNik as exc:
        raise Invalid(str(exc), fields=[field_error("nik", str(exc))]) from exc
    phone = None
    if data.phone:
        try:
            phone = normalise_phone(data.phone)
        except InvalidPhone as exc:
            raise Invalid(f"Telepon: {exc}", fields=[field_error("phone", str(exc))]) from exc
    session = uow.session
    existing = await session.scalar(select(Participant).where(Participant.nik == nik.nik))
    if existing:
        return existing, False, []
    cooperative = await session.get(Cooperative, data.cooperative_id)
    if cooperative is None:
        raise NotFound("Koperasi tidak ditemukan.", fields=[field_error("cooperative_id", "tidak ditemukan")])
    ensure_district(principal, cooperative.district_code)
    warnings = list(nik.warnings)
    if nik.region_code != cooperative.district_code and not warnings:
        warnings.append(f"NIK diterbitkan di {nik.region_code}, koperasi berada di {cooperative.district_code}")
    participant = Participant(
        nik=nik.nik, full_name=data.full_name, gender=nik.gender, birth_date=nik.birth_date, position=data.position,
        phone=phone, email=data.email, cooperative_id=cooperative.id, district_code=cooperative.district_code,
        version=1, created_at=datetime.now(UTC), created_by=principal.subject)
    session.add(participant)
    await session.flush()
    uow.emit(ParticipantRegistered(participant_id=participant.id, cooperative_id=cooperative.id,
                                   district_code=cooperative.district_code, gender=nik.gender,
                                   position=participant.position),
             subject=str(participant.id), aggregate_version=participant.version)
    await uow.commit()
    return participant, True, warnings


def to_read(p: Participant, principal: Principal, *, created: bool = True, warnings=()) -> dict:
    """Personal data in full only for the owning district (and admins)."""
    own = principal.can_touch_district(p.district_code)
    return {"id": p.id, "nik": p.nik if own else mask_nik(p.nik), "full_name": p.full_name, "gender": p.gender,
            "birth_date": p.birth_date if own else None, "position": p.position,
            "phone": p.phone if own else None, "email": p.email if own else None,
            "cooperative_id": p.cooperative_id, "district_code": p.district_code,
            "warnings": list(warnings), "created": created}
