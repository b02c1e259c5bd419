"""The batch's report bundle: evidence, laporan pelaksanaan, daftar nominatif and bundle.zip (issue 16); the API and
the console's report page (/konsol/angkatan/{id}/laporan), which call the same use cases."""
from __future__ import annotations

import asyncio
import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import RedirectResponse

from services.training.adapters import docx_report, pdf_report, xlsx
from services.training.adapters.evidence_store import EvidenceStore
from services.training.entrypoints.deps import CertificateSettingsDep, SettingsDep, Staff, UowDep
from services.training.entrypoints.downloads import download
from services.training.entrypoints.pages import templates
from services.training.schemas_reports import EvidenceRead, ReportTexts
from services.training.service_layer import bundle, evidence, papers, programmes, report
from services.training.service_layer.batches import get_batch
from shared import pages
from shared.auth import Principal, Role, require
from shared.errors import DomainError, Invalid, field_error
from shared.http import file_download

PDF, DOCX = "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX, ZIP = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"
# The daftar nominatif carries names: the batch's staff, and a district officer for their own district's rows.
NominativeReader = Annotated[Principal, Depends(require(Role.ADMIN, Role.TRAINING_STAFF, Role.TRAINER,
                                                        Role.DISTRICT_OFFICER))]
api = APIRouter(prefix="/api/v1", tags=["training"])
console = APIRouter(prefix="/konsol", include_in_schema=False)


async def evidence_store(request: Request) -> EvidenceStore:
    """The app's one store (a directory or a bucket), chosen by the composition root (bootstrap.evidence_store)."""
    return request.app.state.evidence_store


StoreDep = Annotated[EvidenceStore, Depends(evidence_store)]


def _limits(settings) -> evidence.Limits:
    return evidence.Limits(settings.evidence_max_file_bytes, settings.evidence_max_batch_bytes)


async def _read_capped(upload: UploadFile, limit: int) -> bytes:
    """The uploaded bytes, reading at most one past the limit (what is over it is refused, not kept)."""
    return await upload.read(limit + 1)


# --- evidence ----------------------------------------------------------------------------------------------------

@api.post("/batches/{batch_id}/evidence", status_code=201, response_model=EvidenceRead,
          summary="Unggah bukti kegiatan (foto JPEG/PNG; pindaian daftar hadir, kuitansi: PDF/JPEG/PNG)")
async def upload_evidence(batch_id: uuid.UUID, principal: Staff, uow: UowDep, store: StoreDep, settings: SettingsDep,
                          file: UploadFile = File(..., description="Berkas; jenisnya dibaca dari isinya"),
                          kind: str = Form(..., description="foto | daftar_hadir | kuitansi | lainnya"),
                          caption: str = Form(..., description="Keterangan, paling banyak 500 karakter")):
    evidence.check_fields(kind, caption)  # a bad caption is refused before a byte of the file is read
    content = await _read_capped(file, settings.evidence_max_file_bytes)
    async with uow:
        row = await evidence.upload(uow, store, principal=principal, batch_id=batch_id, kind=kind, caption=caption,
                                    filename=file.filename or "", content=content, limits=_limits(settings))
        return evidence.to_read(row)


@api.get("/batches/{batch_id}/evidence", response_model=list[EvidenceRead], summary="Bukti kegiatan angkatan")
async def list_evidence(batch_id: uuid.UUID, principal: Staff, uow: UowDep):
    async with uow:
        return [evidence.to_read(r) for r in
                await evidence.list_evidence(uow.session, principal=principal, batch_id=batch_id)]


@api.get("/batches/{batch_id}/evidence/{evidence_id}", **file_download("image/jpeg", "Berkas bukti"),
         summary="Unduh berkas bukti (seperti disimpan: gambar tanpa metadata)")
async def get_evidence(batch_id: uuid.UUID, evidence_id: uuid.UUID, principal: Staff, uow: UowDep, store: StoreDep):
    async with uow:
        row = await evidence.get_evidence(uow.session, principal=principal, batch_id=batch_id,
                                          evidence_id=evidence_id)
        key, media_type, filename = row.storage_key, row.media_type, row.filename
    return download(await asyncio.to_thread(store.get, key), media_type, filename, inline=True)


@api.get("/batches/{batch_id}/evidence/{evidence_id}/thumbnail", **file_download("image/jpeg", "Gambar kecil"),
         summary="Gambar kecil bukti (JPEG, 320 px)")
async def get_thumbnail(batch_id: uuid.UUID, evidence_id: uuid.UUID, principal: Staff, uow: UowDep,
                        store: StoreDep):
    async with uow:
        row = await evidence.get_evidence(uow.session, principal=principal, batch_id=batch_id,
                                          evidence_id=evidence_id)
        key = row.thumbnail_key
    if not key:
        raise Invalid("Bukti PDF tidak memiliki gambar kecil.")
    return Response(await asyncio.to_thread(store.get, key), media_type="image/jpeg",
                    headers={"Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff"})


@api.delete("/batches/{batch_id}/evidence/{evidence_id}", status_code=204,
            summary="Hapus bukti (admin provinsi; tercatat di jejak audit)")
async def delete_evidence(batch_id: uuid.UUID, evidence_id: uuid.UUID, principal: Staff, uow: UowDep,
                          store: StoreDep):
    async with uow:
        await evidence.delete(uow, store, principal=principal, batch_id=batch_id, evidence_id=evidence_id)
    return Response(status_code=204)


# --- the report's texts and documents ----------------------------------------------------------------------------

@api.get("/batches/{batch_id}/report-texts", response_model=ReportTexts, summary="Teks laporan pelaksanaan")
async def get_texts(batch_id: uuid.UUID, principal: Staff, uow: UowDep):
    async with uow:
        row = await report.read_texts(uow.session, principal=principal, batch_id=batch_id)
        return {k: getattr(row, k, "") if row else "" for k in report.TEXT_FIELDS}


@api.put("/batches/{batch_id}/report-texts", response_model=ReportTexts,
         summary="Simpan latar belakang, maksud dan tujuan, kesimpulan dan saran")
async def put_texts(batch_id: uuid.UUID, body: ReportTexts, principal: Staff, uow: UowDep):
    async with uow:
        row = await report.save_texts(uow, principal=principal, batch_id=batch_id, values=body.model_dump())
        return {k: getattr(row, k) for k in report.TEXT_FIELDS}


async def _model(uow, store, principal, batch_id, settings, certificate_settings):
    return await report.report_model(uow.session, store, principal=principal, batch_id=batch_id,
                                     settings=certificate_settings, components=settings.components)


@api.get("/batches/{batch_id}/report.pdf", **file_download(PDF, "Laporan pelaksanaan (PDF)"),
         summary="Laporan pelaksanaan angkatan (PDF)")
async def report_pdf(batch_id: uuid.UUID, principal: Staff, uow: UowDep, store: StoreDep, settings: SettingsDep,
                     certificate_settings: CertificateSettingsDep):
    import asyncio

    async with uow:
        model = await _model(uow, store, principal, batch_id, settings, certificate_settings)
    content = await asyncio.to_thread(pdf_report.report_pdf, model)
    return download(content, PDF, f"laporan-pelaksanaan-{papers.file_code(model.batch_code)}.pdf", inline=True)


@api.get("/batches/{batch_id}/report.docx", **file_download(DOCX, "Laporan pelaksanaan (DOCX)"),
         summary="Laporan pelaksanaan angkatan (DOCX, untuk disunting di Word)")
async def report_docx(batch_id: uuid.UUID, principal: Staff, uow: UowDep, store: StoreDep, settings: SettingsDep,
                      certificate_settings: CertificateSettingsDep):
    import asyncio

    async with uow:
        model = await _model(uow, store, principal, batch_id, settings, certificate_settings)
    content = await asyncio.to_thread(docx_report.report_docx, model)
    return download(content, DOCX, f"laporan-pelaksanaan-{papers.file_code(model.batch_code)}.docx")


District = Query(None, pattern=r"^\d{2}\.\d{2}$", description="Satu kabupaten/kota (kode Kemendagri), mis. 64.02")


@api.get("/batches/{batch_id}/nominative.xlsx", **file_download(XLSX, "Daftar nominatif (XLSX)"),
         summary="Daftar nominatif peserta (XLSX); petugas dinas: hanya wilayahnya")
async def nominative_xlsx(batch_id: uuid.UUID, principal: NominativeReader, uow: UowDep, district: str | None = District):
    import asyncio

    async with uow:
        scope, listing = await report.nominative(uow.session, principal=principal, batch_id=batch_id,
                                                 district=district)
    content = await asyncio.to_thread(xlsx.nominative_xlsx, listing)
    return download(content, XLSX, _nominative_name(listing.batch_code, scope, "xlsx"))


@api.get("/batches/{batch_id}/nominative.pdf", **file_download(PDF, "Daftar nominatif (PDF)"),
         summary="Daftar nominatif peserta (PDF); petugas dinas: hanya wilayahnya")
async def nominative_pdf(batch_id: uuid.UUID, principal: NominativeReader, uow: UowDep,
                         certificate_settings: CertificateSettingsDep, district: str | None = District):
    import asyncio

    async with uow:
        scope, listing = await report.nominative(uow.session, principal=principal, batch_id=batch_id,
                                                 district=district)
    content = await asyncio.to_thread(pdf_report.nominative_pdf, listing, papers.letterhead(certificate_settings))
    return download(content, PDF, _nominative_name(listing.batch_code, scope, "pdf"), inline=True)


def _nominative_name(code: str, scope: str | None, suffix: str) -> str:
    return f"daftar-nominatif-{papers.file_code(code)}" + (f"-{scope}" if scope else "") + f".{suffix}"


@api.get("/batches/{batch_id}/bundle.zip", **file_download(ZIP, "Berkas laporan lengkap (ZIP)"),
         summary="Berkas laporan lengkap: laporan PDF+DOCX, daftar nominatif, kehadiran, daftar hadir, bukti, "
                 "manifest SHA-256")
async def report_bundle(batch_id: uuid.UUID, principal: Staff, uow: UowDep, store: StoreDep, settings: SettingsDep,
                        certificate_settings: CertificateSettingsDep):
    async with uow:
        name, content = await bundle.bundle(uow.session, store, principal=principal, batch_id=batch_id,
                                            settings=certificate_settings, components=settings.components)
    return download(content, ZIP, name)


# --- the console's report page -----------------------------------------------------------------------------------

CONSOLE_ROLES = (Role.ADMIN, Role.TRAINING_STAFF)


async def _staff(request: Request) -> Principal:
    return await pages.page_principal(request, CONSOLE_ROLES,
                                      "Konsol pelatihan hanya untuk staf pelatihan UPTD dan admin provinsi.")


def _see(batch_id, message: str, fragment: str = "") -> RedirectResponse:
    return RedirectResponse(f"/konsol/angkatan/{batch_id}/laporan?pesan={quote(message)}"
                            + (f"#{fragment}" if fragment else ""), status_code=303)


async def _page(request, session, principal, batch_id, *, status_code: int = 200, **context):
    batch = await get_batch(session, batch_id)
    row = await report.texts_of(session, batch_id)
    programme = await programmes.get_programme(session, batch.programme_id) if batch.programme_id else None
    saved = {k: getattr(row, k) for k in report.TEXT_FIELDS} if row else None
    context.setdefault("text_values", saved or report.suggested_texts(batch, programme))
    context.setdefault("text_errors", {})
    context.setdefault("upload_values", {"kind": "foto"})
    context.setdefault("upload_errors", {})
    files = [evidence.to_read(e) for e in await evidence.batch_evidence(session, batch_id)]
    settings = request.app.state.settings
    return templates.TemplateResponse(request, "konsol/laporan.html", {
        "principal": principal, "csrf": pages.csrf_token(principal), "batch": batch, "texts_saved": row is not None,
        "texts_updated": row.updated_at if row else None, "text_fields": report.TEXT_FIELDS, "evidence": files,
        "kinds": evidence.KINDS, "used": sum(f["size"] for f in files), "limits": _limits(settings),
        "mib": evidence.mib, "is_admin": principal.role == Role.ADMIN, "caption_max": evidence.CAPTION_MAX,
        **context}, status_code=status_code, headers={"Cache-Control": "no-store"})


@console.get("/angkatan/{batch_id}/laporan")
async def report_page(request: Request, batch_id: uuid.UUID, uow: UowDep, pesan: str | None = None):
    principal = await _staff(request)
    async with uow:
        return await _page(request, uow.session, principal, batch_id, message=pesan)


@console.post("/angkatan/{batch_id}/laporan/teks")
async def report_texts_save(request: Request, batch_id: uuid.UUID, uow: UowDep):
    principal = await _staff(request)
    form = await pages.checked_form(request, principal)
    values = {k: str(form.get(k, "")) for k in report.TEXT_FIELDS}
    try:
        async with uow:
            await report.save_texts(uow, principal=principal, batch_id=batch_id, values=values)
    except DomainError as exc:
        errors, problem = pages.form_errors(exc)
        async with uow:
            return await _page(request, uow.session, principal, batch_id, status_code=exc.status,
                               text_values=values, text_errors=errors, problem=problem)
    return _see(batch_id, "Teks laporan tersimpan.", "teks")


@console.post("/angkatan/{batch_id}/laporan/bukti")
async def evidence_upload_page(request: Request, batch_id: uuid.UUID, uow: UowDep, store: StoreDep,
                               settings: SettingsDep):
    principal = await _staff(request)
    raw = await request.form()
    form = await pages.checked_form(request, principal)
    values = {"kind": str(form.get("kind", "")), "caption": str(form.get("caption", ""))}
    upload = raw.get("file")
    try:
        evidence.check_fields(values["kind"], values["caption"])
        if not hasattr(upload, "read") or not upload.filename:
            raise Invalid("Pilih berkas untuk diunggah.", fields=[field_error("file", "pilih berkas untuk diunggah")])
        content = await _read_capped(upload, settings.evidence_max_file_bytes)
        async with uow:
            await evidence.upload(uow, store, principal=principal, batch_id=batch_id, kind=values["kind"],
                                  caption=values["caption"], filename=upload.filename, content=content,
                                  limits=_limits(settings))
    except DomainError as exc:
        errors, problem = pages.form_errors(exc)
        async with uow:
            return await _page(request, uow.session, principal, batch_id, status_code=exc.status,
                               upload_values=values, upload_errors=errors, problem=problem)
    return _see(batch_id, "Bukti tersimpan.", "bukti")


@console.post("/angkatan/{batch_id}/laporan/bukti/{evidence_id}/hapus")
async def evidence_delete_page(request: Request, batch_id: uuid.UUID, evidence_id: uuid.UUID, uow: UowDep,
                               store: StoreDep):
    principal = await _staff(request)
    await pages.checked_form(request, principal)
    try:
        async with uow:
            await evidence.delete(uow, store, principal=principal, batch_id=batch_id, evidence_id=evidence_id)
    except DomainError as exc:
        async with uow:
            return await _page(request, uow.session, principal, batch_id, status_code=exc.status,
                               problem=exc.message)
    return _see(batch_id, "Bukti dihapus.", "bukti")


router = APIRouter()
router.include_router(api)
router.include_router(console)
