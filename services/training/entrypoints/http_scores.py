"""Pre-test and post-test scores of a batch (issue 15): read, save (all or nothing), import a filled template, and
the template itself (the roster with the scores as they stand). The pages that enter them are in pages.py."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from fastapi.responses import Response

from services.training.adapters.score_sheet import LIMITS, UnreadableSheet, read_rows, template
from services.training.entrypoints.deps import Staff, UowDep
from services.training.schemas import ScoresIn, ScoresRead
from services.training.service_layer import scores
from shared.errors import DomainError, Invalid, field_error
from shared.http import file_download
from shared.spreadsheets import parse_in_worker

router = APIRouter(prefix="/api/v1", tags=["training"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_FILE_BYTES = 2 * 1024 * 1024  # a sheet of a few hundred rows is some tens of KB
Upload = Annotated[UploadFile, File(description="XLSX (templat) atau CSV (pemisah , atau ;), baris pertama judul "
                                                "kolom: pre_test, post_test, dan id_peserta atau nama")]


class TooLarge(DomainError):
    status, code = 413, "payload_too_large"


@router.get("/batches/{batch_id}/scores", response_model=ScoresRead, summary="Nilai pre-test dan post-test angkatan")
async def get_scores(batch_id: uuid.UUID, principal: Staff, uow: UowDep):
    async with uow:
        return await scores.score_sheet(uow.session, principal=principal, batch_id=batch_id)


@router.put("/batches/{batch_id}/scores", response_model=ScoresRead,
            summary="Simpan nilai pre-test/post-test (nilai yang tidak dikirim tetap; null menghapus; semua atau "
                    "tidak sama sekali)")
async def put_scores(batch_id: uuid.UUID, body: ScoresIn, principal: Staff, uow: UowDep):
    async with uow:
        return await scores.record_scores(uow, principal=principal, batch_id=batch_id, data=body)


async def read_upload(file: UploadFile):
    """The uploaded sheet's rows (CSV or XLSX, within the size limit); a file that cannot be read names `file`."""
    name = (file.filename or "").lower()
    if not name.endswith((".csv", ".xlsx", ".txt")):
        raise Invalid("Berkas harus .xlsx atau .csv.", fields=[field_error("file", "harus .xlsx atau .csv")])
    content = bytearray()
    while chunk := await file.read(64 * 1024):
        content += chunk
        if len(content) > MAX_FILE_BYTES:
            raise TooLarge(f"Berkas melebihi batas {MAX_FILE_BYTES // 1024} KiB.", fields=[
                field_error("file", "terlalu besar")])
    try:
        return await parse_in_worker(read_rows, name, bytes(content), limits=LIMITS)  # off the event loop
    except UnreadableSheet as exc:
        raise Invalid(str(exc), fields=[field_error("file", str(exc))]) from exc


@router.post("/batches/{batch_id}/scores/import", response_model=ScoresRead,
             summary="Impor nilai dari templat XLSX atau CSV (satu baris salah: tidak ada yang disimpan, setiap "
                     "baris yang salah disebutkan)")
async def import_scores(batch_id: uuid.UUID, file: Upload, principal: Staff, uow: UowDep):
    rows = await read_upload(file)
    async with uow:
        return await scores.import_scores(uow, principal=principal, batch_id=batch_id, rows=rows,
                                          filename=file.filename or "")


@router.get("/batches/{batch_id}/scores/template.xlsx", summary="Templat nilai: daftar peserta dengan nilainya",
            **file_download(XLSX, "Templat XLSX"))
async def score_template(batch_id: uuid.UUID, principal: Staff, uow: UowDep):
    async with uow:
        batch, rows = await scores.template_rows(uow.session, principal=principal, batch_id=batch_id)
        code, title = batch.code, batch.title
    filename = "nilai-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in code) + ".xlsx"
    return Response(template(code, title, rows), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
