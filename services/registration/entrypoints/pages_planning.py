"""The planning page: the district's active cooperatives still to train this fiscal year and those trained, with
progress against the target; a waiting list of the district's nominations (sign-in is identity's /masuk)."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from services.registration.domain.reference import GRADES, KINDS, sectors
from services.registration.entrypoints.deps import UowDep
from services.registration.entrypoints.page_kit import BatchPagePrincipal, PagePrincipal, render
from services.registration.service_layer import nomination, planning
from shared.auth import Role
from shared.clock import business_today
from shared.regions import districts

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
STATUS = {"belum": False, "sudah": True, "semua": None}


@router.get("/perencanaan")
async def planning_page(request: Request, principal: BatchPagePrincipal, uow: UowDep,
                        kabupaten: str | None = None,
                        tahun: Annotated[int | None, Query(ge=2000, le=2100)] = None,
                        status: Literal["belum", "sudah", "semua"] = "belum", sektor: str | None = None,
                        grade: str | None = None, jenis: str | None = None,
                        page: Annotated[int, Query(ge=1, le=1_000_000)] = 1):
    """Officers see their own district; the UPTD's training staff and admins pick one (the first by default)."""
    year = tahun or business_today().year
    district = principal.district if principal.role == Role.DISTRICT_OFFICER else (kabupaten or next(iter(districts())))
    async with uow:
        listing = await planning.planning_list(uow.session, principal=principal, district=district, fiscal_year=year,
                                               trained=STATUS[status], sector=sektor or None, grade=grade or None,
                                               kind=jenis or None, page=page, page_size=PAGE_SIZE)
    filters = {"kabupaten": listing["district_code"], "tahun": year, "status": status, "sektor": sektor or "",
               "grade": grade or "", "jenis": jenis or ""}
    return render(request, "planning.html", principal, listing=listing, filters=filters, page=listing["page"],
                  page_size=PAGE_SIZE, districts=[(code, d.name) for code, d in districts().items()],
                  sectors=list(sectors().items()), grades=list(GRADES), kinds=list(KINDS),
                  years=list(range(business_today().year + 1, business_today().year - 5, -1)))


@router.get("/daftar-tunggu")
async def waiting_list_page(request: Request, principal: PagePrincipal, uow: UowDep):
    """The district's nominations waiting for a seat, with each one's position and place in line."""
    async with uow:
        waiting = await nomination.district_waiting_list(uow.session, principal=principal)
    return render(request, "waiting.html", principal, waiting=waiting)
