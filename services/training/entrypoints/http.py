"""Training's HTTP API: validate, call a use case, return."""
from __future__ import annotations

import uuid

from fastapi import APIRouter, Path

from services.training.entrypoints.deps import Admin, Staff, UowDep
from services.training.schemas import (AttendanceIn, AttendanceRead, BatchCreate, BatchRead, RosterRead,
                                       SessionCompletedRead)
from services.training.service_layer import attendance, batches, roster

router = APIRouter(prefix="/api/v1", tags=["training"])
SessionNo = Path(ge=1, le=60, description="Nomor sesi (hari ke-)")


@router.post("/batches", status_code=201, response_model=BatchRead, summary="Jadwalkan angkatan")
async def create_batch(body: BatchCreate, principal: Admin, uow: UowDep):
    async with uow:
        batch = await batches.schedule_batch(uow, principal=principal, data=body)
        return batches.to_read(batch, await batches.sessions_of(uow.session, batch.id))


@router.get("/batches/{batch_id}", response_model=BatchRead, summary="Detail angkatan")
async def get_batch(batch_id: uuid.UUID, principal: Staff, uow: UowDep):
    async with uow:
        batch = await batches.get_batch(uow.session, batch_id)
        return batches.to_read(batch, await batches.sessions_of(uow.session, batch_id))


@router.get("/batches/{batch_id}/roster", response_model=list[RosterRead], summary="Daftar peserta angkatan")
async def get_roster(batch_id: uuid.UUID, principal: Staff, uow: UowDep):
    async with uow:
        await batches.get_batch(uow.session, batch_id)
        return [roster.to_read(e) for e in await roster.active_roster(uow.session, batch_id)]


@router.put("/batches/{batch_id}/sessions/{no}/attendance", response_model=AttendanceRead,
            summary="Tandai kehadiran satu sesi (semua atau tidak sama sekali)")
async def put_attendance(batch_id: uuid.UUID, body: AttendanceIn, principal: Staff, uow: UowDep,
                         no: int = SessionNo):
    async with uow:
        return await attendance.mark_session(uow, principal=principal, batch_id=batch_id, number=no, data=body)


@router.post("/batches/{batch_id}/sessions/{no}/complete", response_model=SessionCompletedRead,
             summary="Tutup sesi; setelah sesi terakhir, putuskan kelulusan")
async def complete_session(batch_id: uuid.UUID, principal: Staff, uow: UowDep, no: int = SessionNo):
    async with uow:
        return await attendance.complete_session(uow, principal=principal, batch_id=batch_id, number=no)
