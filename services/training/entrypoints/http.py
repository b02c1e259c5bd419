"""Training's HTTP API for programmes, batches and sessions: validate, call a use case, return."""
from __future__ import annotations

import uuid

from fastapi import APIRouter, Path, Query, Response

from services.training.entrypoints.deps import Admin, Reader, SettingsDep, Staff, UowDep
from services.training.schemas import (BatchCancel, BatchClose, BatchCreate, BatchRead, BatchUpdate, ClosingRead,
                                       ProgrammeCreate, ProgrammeRead, ProgrammeUpdate, SessionCreate, SessionRead,
                                       SessionUpdate)
from services.training.service_layer import batches, closing, programmes, sessions

router = APIRouter(prefix="/api/v1", tags=["training"])
SessionNo = Path(ge=1, le=10_000, description="Nomor sesi (bukan hari ke-: beberapa sesi per hari)")


@router.post("/programmes", status_code=201, response_model=ProgrammeRead, summary="Rencanakan program tahunan")
async def create_programme(body: ProgrammeCreate, principal: Admin, uow: UowDep):
    async with uow:
        return programmes.to_read(await programmes.plan_programme(uow, principal=principal, data=body))


@router.get("/programmes", response_model=list[ProgrammeRead], summary="Daftar program")
async def list_programmes(principal: Reader, uow: UowDep, fiscal_year: int | None = Query(None, ge=2000, le=2100)):
    async with uow:
        return [programmes.to_read(p) for p in await programmes.list_programmes(uow.session, fiscal_year)]


@router.get("/programmes/{programme_id}", response_model=ProgrammeRead, summary="Detail program")
async def get_programme(programme_id: uuid.UUID, principal: Staff, uow: UowDep):
    async with uow:
        return programmes.to_read(await programmes.get_programme(uow.session, programme_id))


@router.patch("/programmes/{programme_id}", response_model=ProgrammeRead, summary="Ubah program")
async def update_programme(programme_id: uuid.UUID, body: ProgrammeUpdate, principal: Admin, uow: UowDep):
    async with uow:
        return programmes.to_read(await programmes.update_programme(uow, principal=principal, programme_id=programme_id,
                                                                            data=body))


@router.post("/batches", status_code=201, response_model=BatchRead, summary="Jadwalkan angkatan")
async def create_batch(body: BatchCreate, principal: Admin, uow: UowDep, settings: SettingsDep):
    async with uow:
        batch = await batches.schedule_batch(uow, principal=principal, data=body, jp_minutes=settings.jp_minutes)
        return await batches.batch_read(uow.session, batch)


@router.get("/batches", response_model=list[BatchRead], summary="Daftar angkatan (pelatih: yang ditugaskan)")
async def list_batches(principal: Reader, uow: UowDep,
                       status: str | None = Query(None, pattern="^(scheduled|cancelled|closed)$")):
    async with uow:
        return [batches.to_read(b, []) for b in await batches.list_batches(uow.session, principal, status)]


@router.get("/batches/{batch_id}", response_model=BatchRead, summary="Detail angkatan")
async def get_batch(batch_id: uuid.UUID, principal: Staff, uow: UowDep):
    async with uow:
        batch = await batches.get_batch(uow.session, batch_id)
        batches.ensure_assigned(principal, batch)
        return await batches.batch_read(uow.session, batch)


@router.patch("/batches/{batch_id}", response_model=BatchRead, summary="Ubah angkatan (sesi mengikuti tanggal)")
async def update_batch(batch_id: uuid.UUID, body: BatchUpdate, principal: Admin, uow: UowDep):
    async with uow:
        batch = await batches.update_batch(uow, principal=principal, batch_id=batch_id, data=body)
        return await batches.batch_read(uow.session, batch)


@router.post("/batches/{batch_id}/cancel", response_model=BatchRead, summary="Batalkan angkatan")
async def cancel_batch(batch_id: uuid.UUID, body: BatchCancel, principal: Admin, uow: UowDep):
    async with uow:
        batch = await batches.cancel_batch(uow, principal=principal, batch_id=batch_id, reason=body.reason)
        return await batches.batch_read(uow.session, batch)


@router.post("/batches/{batch_id}/close", response_model=BatchRead,
             summary="Tutup angkatan dengan realisasi per komponen DAK (atau realised_cost sebagai lainnya)")
async def close_batch(batch_id: uuid.UUID, body: BatchClose, principal: Admin, uow: UowDep, settings: SettingsDep):
    async with uow:
        batch = await closing.close_batch(uow, principal=principal, batch_id=batch_id, data=body,
                                          components=settings.components)
        return await batches.batch_read(uow.session, batch)


@router.get("/batches/{batch_id}/closing-proposal", response_model=ClosingRead,
            summary="Komponen penutupan: honor narasumber dari jadwal (JP x tarif), atau yang dibukukan")
async def closing_proposal(batch_id: uuid.UUID, principal: Admin, uow: UowDep, settings: SettingsDep):
    async with uow:
        return await closing.closing_proposal(uow.session, batch_id=batch_id, components=settings.components)


@router.get("/batches/{batch_id}/sessions", response_model=list[SessionRead],
            summary="Jadwal acara: sesi angkatan menurut waktu, dengan JP dan narasumber")
async def list_sessions(batch_id: uuid.UUID, principal: Staff, uow: UowDep):
    async with uow:
        batches.ensure_assigned(principal, await batches.get_batch(uow.session, batch_id))
        return await sessions.sessions_with_counts(uow.session, batch_id)


@router.post("/batches/{batch_id}/sessions", status_code=201, response_model=SessionRead,
             summary="Tambah sesi (sesi bawaan satu per hari diganti oleh jadwal yang disusun)")
async def add_session(batch_id: uuid.UUID, body: SessionCreate, principal: Admin, uow: UowDep,
                      settings: SettingsDep):
    async with uow:
        return await sessions.add_session(uow, principal=principal, batch_id=batch_id, data=body,
                                          jp_minutes=settings.jp_minutes)


@router.patch("/batches/{batch_id}/sessions/{no}", response_model=SessionRead,
              summary="Ubah materi, narasumber, hari, jam atau JP sesi")
async def update_session(batch_id: uuid.UUID, body: SessionUpdate, principal: Admin, uow: UowDep,
                         settings: SettingsDep, no: int = SessionNo):
    async with uow:
        return await sessions.update_session(uow, principal=principal, batch_id=batch_id, number=no, data=body,
                                             jp_minutes=settings.jp_minutes)


@router.delete("/batches/{batch_id}/sessions/{no}", status_code=204, response_class=Response,
               summary="Hapus sesi yang belum memiliki kehadiran")
async def delete_session(batch_id: uuid.UUID, principal: Admin, uow: UowDep, no: int = SessionNo):
    async with uow:
        await sessions.delete_session(uow, principal=principal, batch_id=batch_id, number=no)
    return Response(status_code=204)
