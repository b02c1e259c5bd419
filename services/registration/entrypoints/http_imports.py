"""Registration's HTTP API for bulk imports, their templates, and the audit trail."""
from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from services.registration.adapters.spreadsheet import template
from services.registration.entrypoints.deps import Admin, Registrar, UowDep
from services.registration.entrypoints.uploads import read_sheet, read_sheet_table
from services.registration.schemas import AuditPage, ImportRejected, ImportResult
from services.registration.service_layer import audit, cooperative_import, import_formats, imports
from shared.http import file_download

router = APIRouter(prefix="/api/v1", tags=["registration"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Upload = Annotated[UploadFile, File(description="CSV (pemisah , atau ;) atau XLSX, baris pertama judul kolom")]


def _limits(request: Request) -> dict:
    settings = request.app.state.settings
    return {"max_bytes": settings.import_max_bytes, "max_rows": settings.import_max_rows}


class CooperativeImportAccepted(BaseModel):
    row: int
    id: uuid.UUID | None = Field(description="kosong pada pratinjau untuk koperasi yang akan dibuat")
    key: str = Field(description="Nomor Induk Koperasi")
    created: bool
    updated: bool = Field(description="sudah terdaftar dan berubah sesuai berkas")
    changes: list[str] = Field(description="kolom yang berubah (nama kolom templat)")


class CooperativeImportResult(BaseModel):
    kind: Literal["cooperatives"]
    preview: bool = Field(description="true: rencana saja, tidak ada yang disimpan")
    total_rows: int
    created: int
    updated: int
    unchanged: int
    existing: int = Field(description="sudah terdaftar (updated + unchanged)")
    accepted: list[CooperativeImportAccepted]
    rejected: list[ImportRejected]
    warnings: list[str] = Field(description="mis. kolom yang tidak dikenal (diabaikan)")


@router.post("/imports/cooperatives", response_model=CooperativeImportResult,
             summary="Impor koperasi dari CSV/XLSX (templat atau ekspor ODS); yang sudah terdaftar diperbarui")
async def import_cooperatives(request: Request, file: Upload, principal: Registrar, uow: UowDep,
                              preview: Annotated[bool, Query(description="true: tampilkan yang akan dibuat, "
                                                             "diperbarui dan ditolak tanpa menyimpan")] = False):
    table = await read_sheet_table(file, cooperative_import.import_columns(), **_limits(request))
    async with uow:
        plan = await cooperative_import.import_cooperatives(uow, principal=principal, table=table,
                                                            source=file.filename or "", preview=preview)
        return plan.as_result()


@router.post("/imports/participants", response_model=ImportResult,
             summary="Impor pengurus dari CSV/XLSX, bisa sekaligus didaftarkan ke angkatan")
async def import_participants(request: Request, file: Upload, principal: Registrar, uow: UowDep,
                              batch_id: Annotated[uuid.UUID | None, Form()] = None):
    rows = await read_sheet(file, import_formats.PARTICIPANT_COLUMNS, **_limits(request))
    async with uow:
        outcome = await imports.import_participants(uow, principal=principal, rows=rows, source=file.filename,
                                                    batch_id=batch_id)
        return outcome.as_result()


def _download(content: bytes, filename: str) -> Response:
    return Response(content, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/imports/template.xlsx", summary="Templat impor koperasi", **file_download(XLSX, "Templat XLSX"))
async def cooperative_template():
    return _download(template(import_formats.COOPERATIVE_COLUMNS, sheet_title="koperasi",
                              choices=import_formats.cooperative_choices()), "templat-koperasi.xlsx")


@router.get("/imports/participants/template.xlsx", summary="Templat impor pengurus",
            **file_download(XLSX, "Templat XLSX"))
async def participant_template():
    return _download(template(import_formats.PARTICIPANT_COLUMNS, sheet_title="pengurus",
                              choices=import_formats.participant_choices()), "templat-pengurus.xlsx")


@router.get("/audit", response_model=AuditPage, summary="Jejak audit (admin)")
async def list_audit(principal: Admin, uow: UowDep, entity: str | None = None, entity_id: str | None = None,
                     actor: str | None = None, district: str | None = None,
                     page: Annotated[int, Query(ge=1, le=1_000_000)] = 1, page_size: Annotated[int, Query(ge=1, le=200)] = 50):
    async with uow:
        rows, total = await audit.list_entries(uow.session, entity=entity, entity_id=entity_id, actor=actor,
                                               district=district, page=page, page_size=page_size)
        return {"items": [audit.to_read(r) for r in rows], "total": total, "page": page, "page_size": page_size}
