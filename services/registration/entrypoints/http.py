"""Registration's HTTP API: validate, call a use case, return."""
from __future__ import annotations

from fastapi import APIRouter, Response

from services.registration.entrypoints.deps import Reader, Registrar, UowDep
from services.registration.schemas import (BatchRead, CooperativeCreate, CooperativeRead, EnrollmentCreate,
                                           EnrollmentRead, ParticipantCreate, ParticipantRead)
from services.registration.service_layer import batches, cooperatives, enrollments, participants

router = APIRouter(prefix="/api/v1", tags=["registration"])


@router.post("/cooperatives", status_code=201, response_model=CooperativeRead, summary="Daftarkan koperasi")
async def create_cooperative(body: CooperativeCreate, principal: Registrar, uow: UowDep):
    async with uow:
        cooperative = await cooperatives.register_cooperative(uow, principal=principal, data=body)
    return cooperatives.to_read(cooperative)


@router.post("/participants", status_code=201, response_model=ParticipantRead, summary="Daftarkan pengurus")
async def create_participant(body: ParticipantCreate, principal: Registrar, uow: UowDep, response: Response):
    async with uow:
        participant, created, warnings = await participants.register_participant(uow, principal=principal, data=body)
    if not created:
        response.status_code = 200  # the same NIK again: the existing person, not a duplicate
    return participants.to_read(participant, principal, created=created, warnings=warnings)


@router.get("/batches", response_model=list[BatchRead], summary="Angkatan dengan sisa kursi")
async def list_batches(principal: Reader, uow: UowDep):
    async with uow:
        return await batches.list_batches(uow.session)


@router.post("/enrollments", status_code=201, response_model=EnrollmentRead, summary="Daftarkan peserta ke angkatan")
async def create_enrollment(body: EnrollmentCreate, principal: Registrar, uow: UowDep):
    async with uow:
        enrollment, position = await enrollments.enroll_participant(uow, principal=principal, data=body)
    return {"id": enrollment.id, "batch_id": enrollment.batch_id, "participant_id": enrollment.participant_id,
            "status": enrollment.status, "waitlist_position": position}
