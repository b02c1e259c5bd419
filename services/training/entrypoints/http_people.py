"""Training's HTTP API for narasumber (trainers) and the officials who sign: validate, call a use case, return."""
from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Query

from services.training.entrypoints.deps import Admin, Staff, UowDep
from services.training.schemas_people import (OfficialCreate, OfficialRead, OfficialUpdate, TrainerAccountRead,
                                              TrainerCreate, TrainerRead, TrainerUpdate)
from services.training.service_layer import officials, trainer_accounts, trainers

router = APIRouter(prefix="/api/v1", tags=["training"])


@router.post("/trainers", status_code=201, response_model=TrainerRead, summary="Daftarkan narasumber")
async def create_trainer(body: TrainerCreate, principal: Admin, uow: UowDep):
    async with uow:
        return trainers.to_read(await trainers.register_trainer(uow, principal=principal, data=body), principal)


@router.get("/trainers", response_model=list[TrainerRead],
            summary="Daftar narasumber (NIK, NPWP, rekening disamarkan kecuali untuk admin; pelatih: miliknya)")
async def list_trainers(principal: Staff, uow: UowDep, q: str | None = Query(None, max_length=100)):
    async with uow:
        return [trainers.to_read(t, principal) for t in await trainers.list_trainers(uow.session, principal, q)]


@router.get("/trainers/{trainer_id}", response_model=TrainerRead, summary="Detail narasumber")
async def get_trainer(trainer_id: uuid.UUID, principal: Staff, uow: UowDep):
    async with uow:
        trainer = await trainers.get_trainer(uow.session, trainer_id)
        trainers.ensure_may_read(principal, trainer)
        return trainers.to_read(trainer, principal)


@router.patch("/trainers/{trainer_id}", response_model=TrainerRead, summary="Ubah narasumber")
async def update_trainer(trainer_id: uuid.UUID, body: TrainerUpdate, principal: Admin, uow: UowDep):
    async with uow:
        return trainers.to_read(await trainers.update_trainer(uow, principal=principal, trainer_id=trainer_id,
                                                                        data=body), principal)


@router.get("/trainer-accounts", response_model=list[TrainerAccountRead],
            summary="Akun pelatih aktif di layanan identitas (untuk isian akun narasumber), dengan narasumber yang "
                    "sudah ditautkan")
async def list_trainer_accounts(principal: Admin, uow: UowDep):
    async with uow:
        return await trainer_accounts.choices(uow.session)


@router.post("/officials", status_code=201, response_model=OfficialRead, summary="Daftarkan pejabat penanda tangan")
async def create_official(body: OfficialCreate, principal: Admin, uow: UowDep):
    async with uow:
        return officials.to_read(await officials.appoint_official(uow, principal=principal, data=body))


@router.get("/officials", response_model=list[OfficialRead], summary="Daftar pejabat (active_on: yang menjabat)")
async def list_officials(principal: Admin, uow: UowDep, active_on: date | None = None):
    async with uow:
        return [officials.to_read(o) for o in await officials.list_officials(uow.session, active_on)]


@router.get("/officials/{official_id}", response_model=OfficialRead, summary="Detail pejabat")
async def get_official(official_id: uuid.UUID, principal: Admin, uow: UowDep):
    async with uow:
        return officials.to_read(await officials.get_official(uow.session, official_id))


@router.patch("/officials/{official_id}", response_model=OfficialRead, summary="Ubah pejabat")
async def update_official(official_id: uuid.UUID, body: OfficialUpdate, principal: Admin, uow: UowDep):
    async with uow:
        return officials.to_read(await officials.update_official(uow, principal=principal, official_id=official_id,
                                                                          data=body))
