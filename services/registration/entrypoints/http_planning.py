"""Registration's HTTP API for planning the year's target: the district's cooperatives trained and not yet trained."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from services.registration.adapters.planning_sheet import planning_workbook
from services.registration.domain.reference import sectors
from services.registration.entrypoints.deps import Planner, UowDep
from services.registration.schemas import PlanningPage
from services.registration.service_layer import planning
from shared.clock import business_today
from shared.http import file_download

router = APIRouter(prefix="/api/v1", tags=["registration"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
District = Annotated[str | None, Query(description="Kode Kemendagri, mis. 64.02; petugas dinas: wilayahnya sendiri")]
FiscalYear = Annotated[int | None, Query(ge=2000, le=2100, description="Tahun anggaran; kosong = tahun ini (WITA)")]


@router.get("/planning/cooperatives", response_model=PlanningPage,
            summary="Koperasi aktif yang belum dan sudah dilatih tahun anggaran ini, dengan capaian target")
async def planning_cooperatives(principal: Planner, uow: UowDep, district: District = None,
                                fiscal_year: FiscalYear = None,
                                trained: Annotated[bool | None, Query(description="true: sudah dilatih; false: "
                                                                                  "aktif belum dilatih")] = None,
                                sector: str | None = None, grade: str | None = None, kind: str | None = None,
                                page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
                                page_size: Annotated[int, Query(ge=1, le=planning.MAX_PAGE_SIZE)] = 100):
    async with uow:
        return await planning.planning_list(uow.session, principal=principal, district=district,
                                            fiscal_year=fiscal_year or business_today().year, trained=trained,
                                            sector=sector, grade=grade, kind=kind, page=page, page_size=page_size)


@router.get("/planning/cooperatives.xlsx", summary="Daftar perencanaan sebagai XLSX",
            **file_download(XLSX, "Ringkasan, belum dilatih, sudah dilatih"))
async def planning_workbook_download(principal: Planner, uow: UowDep, district: District = None,
                                     fiscal_year: FiscalYear = None):
    year = fiscal_year or business_today().year
    async with uow:
        listing = await planning.planning_list(uow.session, principal=principal, district=district, fiscal_year=year,
                                               page_size=planning.MAX_PAGE_SIZE * 100)
    name = f"perencanaan-{listing['district_code']}-{year}.xlsx"
    return Response(planning_workbook(listing, sector_name=lambda code: sectors().get(code, code)), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
