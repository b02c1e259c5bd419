"""Registration's HTTP API for the registry (cooperatives, participants): validate, call a use case, return."""
from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from services.registration.entrypoints.deps import Registrar, RegistryReader, UowDep
from services.registration.schemas import (CooperativeCreate, CooperativePage, CooperativeRead, CooperativeUpdate,
                                           NikLookup, ParticipantCreate, ParticipantPage, ParticipantRead,
                                           ParticipantUpdate)
from services.registration.service_layer import cooperatives, participants
from shared.errors import Invalid, field_error

router = APIRouter(prefix="/api/v1", tags=["registration"])
# An upper bound keeps OFFSET within a 64-bit integer (a huge page was a 500, found by fuzzing).
PageNo = Annotated[int, Query(ge=1, le=1_000_000, description="Halaman, mulai 1")]
PageSize = Annotated[int, Query(ge=1, le=cooperatives.MAX_PAGE_SIZE, description="Baris per halaman")]


@router.post("/cooperatives", status_code=201, response_model=CooperativeRead, summary="Daftarkan koperasi")
async def create_cooperative(body: CooperativeCreate, principal: Registrar, uow: UowDep):
    async with uow:
        cooperative = await cooperatives.register_cooperative(uow, principal=principal, data=body)
        return cooperatives.to_read(cooperative)


@router.get("/cooperatives", response_model=CooperativePage, summary="Daftar dan cari koperasi")
async def list_cooperatives(principal: RegistryReader, uow: UowDep, district: str | None = None,
                            sector: str | None = None, kind: str | None = None, active: bool | None = None,
                            grade: str | None = None,
                            q: Annotated[str | None, Query(description="Bagian nama atau awal nomor induk")] = None,
                            page: PageNo = 1, page_size: PageSize = 50):
    async with uow:
        rows, total = await cooperatives.list_cooperatives(
            uow.session, principal=principal, district=district, sector=sector, kind=kind, active=active,
            grade=grade, q=q, page=page, page_size=page_size)
        return {"items": [cooperatives.to_read(c) for c in rows], "total": total, "page": page,
                "page_size": page_size}


@router.get("/cooperatives/{cooperative_id}", response_model=CooperativeRead, summary="Satu koperasi")
async def get_cooperative(cooperative_id: uuid.UUID, principal: Registrar, uow: UowDep):
    async with uow:
        cooperative = await cooperatives.get_cooperative(uow.session, principal=principal,
                                                         cooperative_id=cooperative_id)
        return cooperatives.to_read(cooperative)


@router.patch("/cooperatives/{cooperative_id}", response_model=CooperativeRead, summary="Ubah sebagian data koperasi")
async def patch_cooperative(cooperative_id: uuid.UUID, body: CooperativeUpdate, principal: Registrar, uow: UowDep):
    async with uow:
        cooperative = await cooperatives.update_cooperative(uow, principal=principal, cooperative_id=cooperative_id,
                                                            data=body)
        return cooperatives.to_read(cooperative)


@router.put("/cooperatives/{cooperative_id}", response_model=CooperativeRead, summary="Ganti seluruh data koperasi")
async def put_cooperative(cooperative_id: uuid.UUID, body: CooperativeCreate, principal: Registrar, uow: UowDep):
    async with uow:
        cooperative = await cooperatives.update_cooperative(uow, principal=principal, cooperative_id=cooperative_id,
                                                            data=body)
        return cooperatives.to_read(cooperative)


@router.post("/participants", status_code=201, response_model=ParticipantRead, summary="Daftarkan pengurus")
async def create_participant(body: ParticipantCreate, principal: Registrar, uow: UowDep, response: Response):
    async with uow:
        participant, created, warnings = await participants.register_participant(uow, principal=principal, data=body)
        if not created:
            response.status_code = 200  # the same NIK again: the existing person, not a duplicate
        return participants.to_read(participant, principal, created=created, warnings=warnings)


@router.get("/participants", response_model=ParticipantPage, summary="Daftar dan cari pengurus")
async def list_participants(request: Request, principal: Registrar, uow: UowDep, district: str | None = None,
                            cooperative_id: uuid.UUID | None = None,
                            q: Annotated[str | None, Query(description="Bagian nama")] = None,
                            category: Annotated[Literal["pengurus_koperasi", "anggota_koperasi", "pelaku_umk"] | None,
                                                Query(description="Kategori peserta")] = None,
                            page: PageNo = 1, page_size: PageSize = 50):
    if "nik" in request.query_params:  # the old lookup: refused, so a client learns to keep NIKs out of URLs
        raise Invalid("NIK tidak boleh dikirim di alamat (URL); gunakan POST /api/v1/participants/lookup.",
                      fields=[field_error("nik", "kirim di badan permintaan POST /api/v1/participants/lookup")])
    async with uow:
        rows, total = await participants.list_participants(
            uow.session, principal=principal, district=district, cooperative_id=cooperative_id, q=q,
            category=category, page=page, page_size=page_size)
        return {"items": [participants.to_read(p, principal, created=False) for p in rows], "total": total,
            "page": page, "page_size": page_size}


@router.post("/participants/lookup", response_model=ParticipantPage, summary="Cari pengurus dengan NIK se-provinsi")
async def look_up_participant(body: NikLookup, principal: Registrar, uow: UowDep):
    """The NIK travels in the body, never in a URL (URLs end up in access logs); shown masked outside the district."""
    async with uow:
        rows, total = await participants.list_participants(uow.session, principal=principal, nik=body.nik)
        return {"items": [participants.to_read(p, principal, created=False) for p in rows], "total": total,
                "page": 1, "page_size": max(total, 1)}


@router.get("/participants/{participant_id}", response_model=ParticipantRead, summary="Satu pengurus")
async def get_participant(participant_id: uuid.UUID, principal: Registrar, uow: UowDep):
    async with uow:
        participant = await participants.get_participant(uow.session, principal=principal,
                                                         participant_id=participant_id)
        return participants.to_read(participant, principal, created=False)


@router.patch("/participants/{participant_id}", response_model=ParticipantRead, summary="Ubah data pengurus")
async def patch_participant(participant_id: uuid.UUID, body: ParticipantUpdate, principal: Registrar, uow: UowDep):
    async with uow:
        participant = await participants.update_participant(uow, principal=principal, participant_id=participant_id,
                                                            data=body)
        return participants.to_read(participant, principal, created=False)
