"""Downloads of the reports: CSV and XLSX per report, the whole workbook, and the one-page PDF summary."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.reporting.entrypoints import documents
from services.reporting.entrypoints.http import FiscalYear, ProgrammeId, Viewer, report_args
from services.reporting.service_layer import reports
from shared.http import file_download

router = APIRouter(prefix="/api/v1/reports", tags=["exports"])
ReportName = Literal["summary", "districts", "sectors", "cooperative-types", "sexes", "batches"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALL_SHEETS = ("summary", *reports.BREAKDOWNS)


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _stem(name: str, fiscal_year: int | None) -> str:
    return f"sipelkop-{name}-{fiscal_year or 'semua'}"


@router.get("/export.xlsx", summary="Semua laporan dalam satu buku kerja (satu lembar per rincian)",
            **file_download(XLSX, "Buku kerja XLSX"))
async def export_workbook(request: Request, principal: Viewer, fiscal_year: FiscalYear = None,
                          programme_id: ProgrammeId = None):
    report = await reports.everything(request.app.state.runtime.sessions, **report_args(request, fiscal_year, programme_id))
    return _download(documents.workbook(report, ALL_SHEETS), XLSX, _stem("laporan", fiscal_year) + ".xlsx")


@router.get("/summary.pdf", summary="Ringkasan satu halaman (PDF)", **file_download("application/pdf", "PDF"))
async def export_pdf(request: Request, principal: Viewer, fiscal_year: FiscalYear = None,
                     programme_id: ProgrammeId = None):
    report = await reports.everything(request.app.state.runtime.sessions, **report_args(request, fiscal_year, programme_id))
    return _download(documents.summary_pdf(report), "application/pdf", _stem("ringkasan", fiscal_year) + ".pdf")


@router.get("/{name}.csv", summary="Satu laporan sebagai CSV", **file_download("text/csv", "CSV (UTF-8)"))
async def export_csv(name: ReportName, request: Request, principal: Viewer, fiscal_year: FiscalYear = None,
                     programme_id: ProgrammeId = None):
    content = await _one(request, name, fiscal_year, programme_id, csv=True)
    return _download(content, "text/csv; charset=utf-8", _stem(name, fiscal_year) + ".csv")


@router.get("/{name}.xlsx", summary="Satu laporan sebagai XLSX", **file_download(XLSX, "XLSX"))
async def export_xlsx(name: ReportName, request: Request, principal: Viewer, fiscal_year: FiscalYear = None,
                      programme_id: ProgrammeId = None):
    content = await _one(request, name, fiscal_year, programme_id, csv=False)
    return _download(content, XLSX, _stem(name, fiscal_year) + ".xlsx")


async def _one(request: Request, name: str, fiscal_year, programme_id, *, csv: bool) -> bytes:
    sessions, args = request.app.state.runtime.sessions, report_args(request, fiscal_year, programme_id)
    if name == "summary":
        summary = await reports.summary(sessions, **args)
        return documents.summary_csv(summary) if csv else documents.workbook({"summary": summary}, ("summary",))
    rows = (await reports.breakdown(sessions, name, **args))["rows"]
    return documents.report_csv(name, rows) if csv else documents.workbook({name: rows}, (name,))
