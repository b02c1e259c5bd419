"""Reporting's HTTP API: read-only figures for the ministry's dashboards."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from services.reporting.schemas import Summary
from services.reporting.service_layer import figures
from shared.auth import Principal, Role, require

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
Viewer = Annotated[Principal, Depends(require(Role.ADMIN, Role.VIEWER, Role.TRAINER, Role.DISTRICT_OFFICER))]
FiscalYear = Query(default=None, ge=2000, le=2100, description="Tahun anggaran, mis. 2023")


@router.get("/summary", response_model=Summary, summary="Ringkasan capaian")
async def get_summary(request: Request, principal: Viewer, fiscal_year: int | None = FiscalYear):
    async with request.app.state.runtime.sessions() as session:
        return await figures.summary(session, fiscal_year)
