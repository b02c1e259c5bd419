"""Training's HTTP API for the roster, attendance, session completion and the completion overview."""
from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from services.training.entrypoints.deps import CertificateSettingsDep, Reader, SettingsDep, Staff, UowDep
from services.training.entrypoints.http import SessionNo
from services.training.schemas import RosterRead
from services.training.schemas_attendance import (AttendanceIn, AttendanceRead, CompletionRead, CorrectionRead,
                                                  SessionCompletedRead, SessionMarkRead)
from services.training.service_layer import attendance, batches, completion, papers, roster

router = APIRouter(prefix="/api/v1", tags=["training"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/batches/{batch_id}/roster", response_model=list[RosterRead], summary="Daftar peserta angkatan")
async def get_roster(batch_id: uuid.UUID, principal: Reader, uow: UowDep):
    async with uow:
        batches.ensure_assigned(principal, await batches.get_batch(uow.session, batch_id))
        return [roster.to_read(e) for e in await roster.active_roster(uow.session, batch_id)]


@router.put("/batches/{batch_id}/sessions/{no}/attendance", response_model=AttendanceRead,
            summary="Tandai kehadiran satu sesi (semua atau tidak sama sekali)")
async def put_attendance(batch_id: uuid.UUID, body: AttendanceIn, principal: Staff, uow: UowDep,
                         settings: SettingsDep, no: int = SessionNo):
    async with uow:
        return await attendance.mark_session(uow, principal=principal, batch_id=batch_id, number=no, data=body,
                                             utc_offset_hours=settings.utc_offset_hours)


@router.get("/batches/{batch_id}/sessions/{no}/attendance", response_model=list[SessionMarkRead],
            summary="Kehadiran sesi saat ini (peserta tanpa tanda: status null)")
async def get_attendance(batch_id: uuid.UUID, principal: Staff, uow: UowDep, no: int = SessionNo):
    async with uow:
        return await attendance.session_marks(uow.session, principal=principal, batch_id=batch_id, number=no)


@router.get("/batches/{batch_id}/sessions/{no}/corrections", response_model=list[CorrectionRead],
            summary="Riwayat koreksi kehadiran sesi")
async def get_corrections(batch_id: uuid.UUID, principal: Staff, uow: UowDep, no: int = SessionNo):
    async with uow:
        return await attendance.correction_trail(uow.session, principal=principal, batch_id=batch_id, number=no)


@router.get("/batches/{batch_id}/sessions/{no}/attendance-sheet.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}, "description": "PDF"}},
            summary="Daftar hadir sesi untuk dicetak (PDF)")
async def get_attendance_sheet(batch_id: uuid.UUID, principal: Staff, uow: UowDep, certificates: CertificateSettingsDep,
                               no: int = SessionNo):
    async with uow:
        content = await papers.attendance_sheet(uow.session, principal=principal, batch_id=batch_id, number=no,
                                                settings=certificates)
    return Response(content, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="daftar-hadir-sesi-{no}.pdf"'})


@router.get("/batches/{batch_id}/attendance.xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {}}, "description": "XLSX"}},
            summary="Rekap kehadiran angkatan: peserta x sesi, huruf status dan JP hadir (XLSX)")
async def get_attendance_grid(batch_id: uuid.UUID, principal: Staff, uow: UowDep):
    async with uow:
        name, content = await papers.attendance_grid(uow.session, principal=principal, batch_id=batch_id)
    return Response(content, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/batches/{batch_id}/sessions/{no}/complete", response_model=SessionCompletedRead,
             summary="Tutup sesi; setelah sesi terakhir, putuskan kelulusan dan terbitkan sertifikat")
async def complete_session(batch_id: uuid.UUID, principal: Staff, uow: UowDep, certificates: CertificateSettingsDep,
                           no: int = SessionNo):
    async with uow:
        return await completion.complete_session(uow, principal=principal, batch_id=batch_id, number=no,
                                                 certificates=certificates)


@router.get("/batches/{batch_id}/completion", response_model=CompletionRead, summary="Ringkasan kelulusan angkatan")
async def get_completion(batch_id: uuid.UUID, principal: Reader, uow: UowDep):
    async with uow:
        return await completion.completion_overview(uow.session, principal=principal, batch_id=batch_id)
