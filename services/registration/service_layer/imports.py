"""Bulk import of participants (managers, members, UMK owners) from a sheet: every row checked, valid rows stored in one transaction, people already
registered (same NIK) left as they are, so importing a file twice changes nothing. Cooperatives: cooperative_import.py."""
from __future__ import annotations

import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.registration.adapters.orm import Cooperative, Enrollment, Participant
from services.registration.adapters.spreadsheet import Column, Row
from services.registration.domain.enrollment import EnrollmentRefused
from services.registration.domain.nik import mask_nik
from services.registration.domain.participant_category import UMK
from services.registration.schemas import ParticipantCreate
from services.registration.service_layer import audit, planning
from services.registration.service_layer.enrollments import ACTIVE, nominate
from services.registration.service_layer.import_formats import PARTICIPANT_COLUMNS, header_of
from services.registration.service_layer.participants import (checked_affiliation, checked_nik, checked_phone,
                                                              new_participant, registered_event)
from services.registration.service_layer.waiting_list import lock_batch, position_of
from shared.auth import Principal
from shared.errors import Conflict, DomainError, Invalid, NotFound, field_error, translate_validation
from shared.unit_of_work import UnitOfWork

CHUNK = 1000  # keeps IN (...) lists and parameter counts well inside every driver's limits


@dataclass
class Outcome:
    kind: str
    total_rows: int = 0
    accepted: list[dict] = field(default_factory=list)
    rejected: list[tuple[Row, list[str]]] = field(default_factory=list)

    def as_result(self) -> dict:
        return {"kind": self.kind, "total_rows": self.total_rows,
                "created": sum(1 for a in self.accepted if a["created"]),
                "existing": sum(1 for a in self.accepted if not a["created"]), "accepted": self.accepted,
                "rejected": [{"row": row.number, "reasons": reasons} for row, reasons in self.rejected]}


def _reasons(exc: ValidationError, columns: list[Column]) -> list[str]:
    return [f"{header_of(columns, f['field'])}: {f['message']}" for f in translate_validation(exc.errors())]


async def import_participants(uow: UnitOfWork, *, principal: Principal, rows: list[Row], source: str = "",
                              batch_id: uuid.UUID | None = None) -> Outcome:
    session = uow.session
    batch = None
    if batch_id:
        batch = await lock_batch(session, batch_id)
        if batch is None:
            raise NotFound("Angkatan tidak ditemukan.", fields=[field_error("batch_id", "tidak ditemukan")])
    numbers = list({r.values.get("registration_number", "").replace(".", "").replace(" ", "") for r in rows} - {""})
    cooperatives = {c.registration_number: c for start in range(0, len(numbers), CHUNK) for c in (await session.scalars(
        select(Cooperative).where(Cooperative.registration_number.in_(numbers[start:start + CHUNK])))).all()}
    outcome, valid, first_row = Outcome("participants", len(rows)), [], {}
    for row in rows:
        reasons, values = [], {k: v for k, v in row.values.items() if v != ""}
        number = values.pop("registration_number", "").replace(".", "").replace(" ", "")
        umk = values.get("category", "").strip().lower().replace(" ", "_") in (UMK, "umk")
        cooperative = cooperatives.get(number)
        if umk:
            if number:
                reasons.append("nomor_induk_koperasi: pelaku UMK tidak tergabung dalam koperasi; kosongkan")
            elif values.get("district_code") and not principal.can_touch_district(values["district_code"]):
                reasons.append("kode_kabupaten_usaha: di luar wilayah Anda")
        elif not number:
            reasons.append("nomor_induk_koperasi: wajib diisi")
        elif cooperative is None:
            reasons.append("nomor_induk_koperasi: koperasi belum terdaftar; daftarkan koperasinya dulu")
        elif not principal.can_touch_district(cooperative.district_code):
            reasons.append("nomor_induk_koperasi: koperasi di luar wilayah Anda")
        data = nik = phone = None
        try:
            data = ParticipantCreate(**values, cooperative_id=None if umk else cooperative.id if cooperative
                                     else uuid.uuid4())
            affiliation = data.model_dump()
            checked_affiliation(data.category, affiliation)
            data = data.model_copy(update={"position": affiliation["position"]})
        except ValidationError as exc:
            reasons += _reasons(exc, PARTICIPANT_COLUMNS)
        except Invalid as exc:
            reasons += [f"{header_of(PARTICIPANT_COLUMNS, f['field'])}: {f['message']}" for f in exc.fields]
        try:
            nik = checked_nik(values.get("nik", ""))
        except Invalid as exc:
            reasons.append(f"nik: {exc.fields[0]['message']}")
        try:
            phone = checked_phone(values.get("phone"))
        except Invalid as exc:
            reasons.append(f"telepon: {exc.fields[0]['message']}")
        reasons = list(dict.fromkeys(reasons))  # pydantic and the NIK check may say the same thing
        if not reasons and nik.nik in first_row:
            reasons.append(f"nik: sama dengan baris {first_row[nik.nik]}")
        if reasons:
            outcome.rejected.append((row, reasons))
            continue
        first_row[nik.nik] = row.number
        valid.append((row, data, nik, phone, cooperative))

    known = {p.nik: p for start in range(0, len(valid), CHUNK) for p in (await session.scalars(
        select(Participant).where(Participant.nik.in_([v[2].nik for v in valid[start:start + CHUNK]])))).all()}
    now, people = datetime.now(UTC), []
    for row, data, nik, phone, cooperative in valid:
        person = known.get(nik.nik)
        created = person is None
        if created:
            person = new_participant(nik, data, phone, cooperative, principal, now)
            session.add(person)
            uow.emit(registered_event(person), subject=str(person.id), aggregate_version=1)
            audit.record(session, principal, action="imported", entity="participant", entity_id=person.id,
                         district_code=person.district_code, at=now, note=source or None)
        people.append(person)
        outcome.accepted.append({"row": row.number, "id": person.id, "key": mask_nik(nik.nik), "created": created})
    async with _racing():
        await session.flush()
    if batch is not None:
        for accepted, person in zip(outcome.accepted, people):
            accepted.update(await _nominate_row(uow, principal, batch, person))
    outcome.rejected.sort(key=lambda item: item[0].number)
    await uow.commit()
    return outcome


async def _nominate_row(uow: UnitOfWork, principal: Principal, batch, person: Participant) -> dict:
    """Enrol one imported person; a nomination already there is reported as it stands (no new event)."""
    session = uow.session
    current = await session.scalar(select(Enrollment).where(
        Enrollment.batch_id == batch.id, Enrollment.participant_id == person.id, Enrollment.status.in_(ACTIVE)))
    try:
        if current is None:
            current, _ = await nominate(uow, principal=principal, batch=batch, participant=person)
            warnings = await planning.nomination_warnings(session, participant=person, batch=batch)
        else:
            warnings = []
    except (EnrollmentRefused, DomainError) as exc:
        return {"enrollment_refused": exc.message}
    return {"enrollment_status": current.status, "waitlist_position": await position_of(session, current),
            "warnings": warnings}


@asynccontextmanager
async def _racing():
    try:
        yield
    except IntegrityError as exc:  # another import or form registered one of these rows meanwhile
        raise Conflict("Sebagian data baru saja didaftarkan oleh petugas lain; unggah berkas ini sekali lagi "
                       "(data yang sudah ada tidak akan digandakan).") from exc
