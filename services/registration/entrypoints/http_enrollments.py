"""Registration's HTTP API for batches and nominations: validate, call a use case, return."""
from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter

from services.registration.entrypoints.deps import Reader, Registrar, Substituter, UowDep
from services.registration.schemas import (BatchRead, EnrollmentCancel, EnrollmentCancelled, EnrollmentCreate,
                                           EnrollmentRead, NominationRead, SubstitutionCreate, SubstitutionRead)
from services.registration.service_layer import batches, enrollments, substitutions

router = APIRouter(prefix="/api/v1", tags=["registration"])


@router.get("/batches", response_model=list[BatchRead], summary="Angkatan dengan sisa kursi")
async def list_batches(principal: Reader, uow: UowDep):
    async with uow:
        return await batches.list_batches(uow.session, principal=principal)


@router.get("/batches/{batch_id}", response_model=BatchRead, summary="Satu angkatan dengan sisa kursi")
async def get_batch(batch_id: uuid.UUID, principal: Reader, uow: UowDep):
    async with uow:
        return await batches.get_batch(uow.session, principal=principal, batch_id=batch_id)


@router.post("/enrollments", status_code=201, response_model=NominationRead, summary="Daftarkan peserta ke angkatan")
async def create_enrollment(body: EnrollmentCreate, principal: Registrar, uow: UowDep):
    """A cooperative that already has a completer this fiscal year is nominated all the same, with a warning."""
    async with uow:
        enrollment, position, warnings = await enrollments.enroll_participant(uow, principal=principal, data=body)
        return {**enrollments.to_read(enrollment, position), "warnings": warnings}


@router.get("/enrollments", response_model=list[EnrollmentRead], summary="Pendaftaran di wilayah Anda")
async def list_enrollments(principal: Registrar, uow: UowDep, batch_id: uuid.UUID | None = None,
                           participant_id: uuid.UUID | None = None,
                           status: Literal["enrolled", "waitlisted", "cancelled"] | None = None,
                           district: str | None = None):
    async with uow:
        return await enrollments.list_enrollments(uow.session, principal=principal, batch_id=batch_id,
                                                  participant_id=participant_id, status=status, district=district)


@router.get("/enrollments/{enrollment_id}", response_model=EnrollmentRead, summary="Satu pendaftaran")
async def get_enrollment(enrollment_id: uuid.UUID, principal: Registrar, uow: UowDep):
    async with uow:
        enrollment, position = await enrollments.get_enrollment(uow.session, principal=principal,
                                                                enrollment_id=enrollment_id)
        return enrollments.to_read(enrollment, position)


@router.post("/enrollments/{enrollment_id}/cancel", response_model=EnrollmentCancelled,
             summary="Batalkan pendaftaran; peserta pertama di daftar tunggu naik")
async def cancel_enrollment(enrollment_id: uuid.UUID, principal: Registrar, uow: UowDep,
                            body: EnrollmentCancel | None = None):
    reason = (body or EnrollmentCancel()).reason
    async with uow:
        cancelled, promoted = await enrollments.cancel_enrollment(uow, principal=principal,
                                                                  enrollment_id=enrollment_id, reason=reason)
        return {**enrollments.to_read(cancelled, None),
                "promoted": enrollments.to_read(promoted, None) if promoted else None}


@router.post("/batches/{batch_id}/substitutions", status_code=201, response_model=SubstitutionRead,
             summary="Ganti peserta yang tidak hadir (sampai akhir hari pertama) atau daftarkan peserta langsung")
async def create_substitution(batch_id: uuid.UUID, body: SubstitutionCreate, principal: Substituter, uow: UowDep):
    async with uow:
        enrollment, replaced = await substitutions.substitute(uow, principal=principal, batch_id=batch_id, data=body)
        return {**enrollments.to_read(enrollment, None),
                "replaced": enrollments.to_read(replaced, None) if replaced else None}
