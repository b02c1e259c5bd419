"""Training's HTTP API for certificates.

A certificate number contains slashes (UPTD-KUKM/2023/0001): the routes take it with a path converter, so both
/api/v1/certificates/UPTD-KUKM/2023/0001 and the URL-encoded /api/v1/certificates/UPTD-KUKM%2F2023%2F0001 work.
The routes with a suffix (/pdf, /revoke, /reissue) are declared before the bare one so they are matched first."""
from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Query, Response

from services.training.entrypoints.deps import Admin, CertificateReader, CertificateSettingsDep, Staff, UowDep
from services.training.schemas_attendance import CertificateRead, CertificateVerification, RevokeIn
from services.training.service_layer import certificates, papers
from shared.rate_limit import app_rate_limited

# Public verification, page and API together: a person checking a few certificates never meets it; walking the
# number sequence does (429 with Retry-After).
VERIFICATION_LIMIT = Depends(app_rate_limited("verifikasi", limit=30, window_s=60))
TOO_MANY = {429: {"description": "Terlalu banyak permintaan dari alamat ini (Retry-After)"}}

router = APIRouter(prefix="/api/v1", tags=["training"])
PDF = {200: {"content": {"application/pdf": {}}, "description": "PDF"}}
ZIP = {200: {"content": {"application/zip": {}}, "description": "Zip berisi PDF per sertifikat"}}


@router.get("/batches/{batch_id}/certificates", response_model=list[CertificateRead],
            summary="Sertifikat angkatan")
async def list_certificates(batch_id: uuid.UUID, principal: Staff, uow: UowDep, settings: CertificateSettingsDep):
    async with uow:
        return [certificates.to_read(c, settings) for c in
                await certificates.batch_certificates(uow.session, principal=principal, batch_id=batch_id)]


@router.get("/batches/{batch_id}/certificates.zip", response_class=Response, responses=ZIP,
            summary="Unduh semua sertifikat angkatan (zip berisi PDF)")
async def download_certificates(batch_id: uuid.UUID, principal: Staff, uow: UowDep, settings: CertificateSettingsDep):
    async with uow:
        name, content = await papers.certificates_archive(uow.session, principal=principal, batch_id=batch_id,
                                                          settings=settings)
    return Response(content, media_type="application/zip", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/certificates/{number:path}/pdf", response_class=Response, responses=PDF, summary="Unduh satu sertifikat (PDF)")
async def download_certificate(number: str, principal: CertificateReader, uow: UowDep,
                               settings: CertificateSettingsDep):
    async with uow:
        content = await papers.certificate_paper(uow.session, principal=principal, number=number, settings=settings)
    filename = number.replace("/", "-")
    return Response(content, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}.pdf"'})


@router.get("/certificates", response_model=list[CertificateRead],
            summary="Sertifikat peserta kabupaten/kota petugas dinas (hanya wilayahnya)")
async def district_certificates(principal: CertificateReader, uow: UowDep, settings: CertificateSettingsDep,
                                fiscal_year: int | None = Query(None, ge=2000, le=2100)):
    async with uow:
        return [certificates.to_read(row["certificate"], settings) for row in
                await certificates.district_certificates(uow.session, principal=principal, fiscal_year=fiscal_year)]


@router.post("/certificates/{number:path}/revoke", response_model=CertificateRead, summary="Cabut sertifikat")
async def revoke_certificate(number: str, body: RevokeIn, principal: Admin, uow: UowDep,
                             settings: CertificateSettingsDep):
    async with uow:
        cert = await certificates.revoke_certificate(uow, principal=principal, number=number, reason=body.reason)
        return certificates.to_read(cert, settings)


@router.post("/certificates/{number:path}/reissue", response_model=CertificateRead, status_code=201,
             summary="Terbitkan ulang sertifikat (yang lama dicabut, nomor baru bagi peserta yang sama)")
async def reissue_certificate(number: str, body: RevokeIn, principal: Admin, uow: UowDep,
                              settings: CertificateSettingsDep):
    async with uow:
        cert = await certificates.reissue_certificate(uow, principal=principal, number=number, reason=body.reason,
                                                      settings=settings)
        return certificates.to_read(cert, settings)


@router.get("/certificates/{number:path}", response_model=CertificateVerification,
            summary="Verifikasi publik sertifikat (tanpa token)", dependencies=[VERIFICATION_LIMIT],
            responses=TOO_MANY)
async def verify_certificate(number: str, uow: UowDep, settings: CertificateSettingsDep,
                             kode: str | None = Query(None, max_length=40,
                                                      description="Kode verifikasi tertulis pada sertifikat")):
    async with uow:
        return await certificates.verify(uow.session, number, kode, key=settings.verification_key)
