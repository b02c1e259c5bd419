"""Downloads of the reports: CSV and XLSX per report, the whole workbook, and the one-page PDF summary."""
from __future__ import annotations

import re
from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.reporting.entrypoints import documents
from services.reporting.entrypoints.http import FiscalYear, ProgrammeId, Viewer, report_args
from services.reporting.service_layer import reports
from shared.deps import UowDep
from shared.http import file_download

router = APIRouter(prefix="/api/v1/reports", tags=["exports"])
ReportName = Literal["summary", "districts", "sectors", "cooperative-types", "sexes", "batches", "learning",
                     "satisfaction", "narasumber", "budget-components", "budget-quarters", "budget-districts",
                     "budget-batches", "cooperatives", "schedule"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALL_SHEETS = ("summary", *reports.BREAKDOWNS, *reports.TABLES)


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII-only filename (anything else becomes "_", no quote or backslash can break out)
    and the exact name in RFC 5987's filename* for clients that read it."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename) or "unduhan"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content, media_type=media_type, headers={"Content-Disposition": content_disposition(filename)})


def _stem(name: str, fiscal_year: int | None) -> str:
    return f"sipelkop-{name}-{fiscal_year or 'semua'}"


@router.get("/export.xlsx", summary="Semua laporan dalam satu buku kerja (satu lembar per rincian)",
            **file_download(XLSX, "Buku kerja XLSX"))
async def export_workbook(request: Request, principal: Viewer, uow: UowDep, fiscal_year: FiscalYear = None,
                          programme_id: ProgrammeId = None):
    async with uow:
        report = await reports.everything(uow.session, **report_args(request, fiscal_year, programme_id))
    return _download(documents.workbook(report, ALL_SHEETS), XLSX, _stem("laporan", fiscal_year) + ".xlsx")


@router.get("/summary.pdf", summary="Ringkasan satu halaman (PDF)", **file_download("application/pdf", "PDF"))
async def export_pdf(request: Request, principal: Viewer, uow: UowDep, fiscal_year: FiscalYear = None,
                     programme_id: ProgrammeId = None):
    async with uow:
        report = await reports.everything(uow.session, **report_args(request, fiscal_year, programme_id))
    return _download(documents.summary_pdf(report), "application/pdf", _stem("ringkasan", fiscal_year) + ".pdf")


@router.get("/schedule.xlsx", summary="Jadwal pelatihan tahun anggaran: setiap angkatan dengan tanggal, tempat, "
                                      "materi/judul, JP, kapasitas, kabupaten/kota sasaran dan status",
            **file_download(XLSX, "Jadwal XLSX"))
async def export_schedule(principal: Viewer, uow: UowDep, fiscal_year: FiscalYear = None,
                          programme_id: ProgrammeId = None):
    async with uow:
        rows = (await reports.schedule(uow.session, fiscal_year=fiscal_year, programme_id=programme_id))["rows"]
    return _download(documents.workbook({"schedule": rows}, ("schedule",)), XLSX, _stem("jadwal", fiscal_year) + ".xlsx")


@router.get("/{name}.csv", summary="Satu laporan sebagai CSV", **file_download("text/csv", "CSV (UTF-8)"))
async def export_csv(name: ReportName, request: Request, principal: Viewer, uow: UowDep,
                     fiscal_year: FiscalYear = None, programme_id: ProgrammeId = None):
    async with uow:
        content = await _one(uow.session, name, report_args(request, fiscal_year, programme_id), csv=True)
    return _download(content, "text/csv; charset=utf-8", _stem(name, fiscal_year) + ".csv")


@router.get("/{name}.xlsx", summary="Satu laporan sebagai XLSX", **file_download(XLSX, "XLSX"))
async def export_xlsx(name: ReportName, request: Request, principal: Viewer, uow: UowDep,
                      fiscal_year: FiscalYear = None, programme_id: ProgrammeId = None):
    async with uow:
        content = await _one(uow.session, name, report_args(request, fiscal_year, programme_id), csv=False)
    return _download(content, XLSX, _stem(name, fiscal_year) + ".xlsx")


async def _one(session, name: str, args: dict, *, csv: bool) -> bytes:
    if name == "summary":
        summary = await reports.summary(session, **args)
        return documents.summary_csv(summary) if csv else documents.workbook({"summary": summary}, ("summary",))
    rows = (await reports.breakdown(session, name, **args))["rows"]
    return documents.report_csv(name, rows) if csv else documents.workbook({name: rows}, (name,))
