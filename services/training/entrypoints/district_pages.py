"""What a district office reads from training: the certificates of its own people (and only those), to hand out
or file, on one page that works on a phone."""
from __future__ import annotations

from fastapi import APIRouter, Request

from services.training.entrypoints.deps import UowDep
from services.training.entrypoints.pages import templates
from services.training.service_layer import certificates
from shared import pages
from shared.auth import Role
from shared.clock import business_today

router = APIRouter(include_in_schema=False)


@router.get("/sertifikat")
async def district_certificates(request: Request, uow: UowDep, tahun: int | None = None):
    principal = await pages.page_principal(request, (Role.DISTRICT_OFFICER,),
                                           "Halaman ini untuk petugas dinas kabupaten/kota: sertifikat peserta "
                                           "dari wilayahnya.")
    year = tahun if tahun and 2000 <= tahun <= 2100 else business_today().year
    async with uow:
        rows = await certificates.district_certificates(uow.session, principal=principal, fiscal_year=year)
        return templates.TemplateResponse(request, "sertifikat_dinas.html", {
            "principal": principal, "rows": rows, "year": year}, headers={"Cache-Control": "no-store"})
