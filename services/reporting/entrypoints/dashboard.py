"""The ministry's dashboard page: server-rendered, Bahasa Indonesia, for viewer tokens (header or cookie)."""
from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.security import HTTPAuthorizationCredentials
from fastapi.templating import Jinja2Templates

from services.reporting.entrypoints import charts
from services.reporting.entrypoints.columns import percent, rupiah, show
from services.reporting.entrypoints.http import report_args
from services.reporting.service_layer import reports
from services.reporting.service_layer.scope import SAVINGS_AND_LOANS
from shared import pages
from shared.auth import Role, principal_from
from shared.errors import DomainError, Forbidden

router = APIRouter(tags=["dashboard"], include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.filters.update(rupiah=rupiah, percent=percent, show=show)
READERS = {Role.ADMIN, Role.TRAINING_STAFF, Role.VIEWER, Role.TRAINER, Role.DISTRICT_OFFICER}


async def _principal(request: Request):
    """A bearer header (scripts, the ministry's tools) or identity's page session; without either, to /masuk."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        principal = await principal_from(request, HTTPAuthorizationCredentials(scheme="Bearer", credentials=auth[7:]))
    else:
        principal = await pages.page_principal(request, tuple(READERS), "Peran Anda tidak boleh melihat dasbor.")
    if principal.role not in READERS:
        raise Forbidden(f"Peran {principal.role_name} tidak boleh melihat dasbor.")
    return principal


def _refusal(request: Request, message: str, status: int) -> HTMLResponse:
    return templates.TemplateResponse(request, "refusal.html", {"message": message}, status_code=status)


@router.get("/dasbor", response_class=HTMLResponse)
async def dashboard(request: Request, fiscal_year: int | None = Query(default=None, ge=2000, le=2100),
                    programme_id: uuid.UUID | None = None):
    try:
        principal = await _principal(request)
    except DomainError as exc:
        return _refusal(request, exc.message, exc.status)
    sessions = request.app.state.runtime.sessions
    year = fiscal_year or await reports.latest_fiscal_year(sessions) or date.today().year
    report = await reports.everything(sessions, **report_args(request, year, programme_id))
    summary = report["summary"]
    district_items = [(r["label"].removeprefix("Kabupaten "), r["cooperatives_trained"],
                       f'{r["cooperatives_trained"]} kop. ({percent(r["coverage"])})')
                      for r in report["districts"]]
    sector_items = [(r["label"], r["cooperatives_trained"], f'{r["cooperatives_trained"]} kop.')
                    for r in report["sectors"] if r["cooperatives_trained"] or r["participants_enrolled"]]
    batch_items = [(r["code"] or "?", r["completion_rate"] or 0,
                    f'{percent(r["completion_rate"])} ({r["participants_completed"]}/{r["participants_enrolled"]})')
                   for r in report["batches"]]
    context = {
        "year": year, "summary": summary, "districts": report["districts"], "batches": report["batches"],
        "progress_chart": charts.progress_bar(summary["cooperatives_trained"], summary["target_cooperatives"]),
        "district_chart": charts.bar_chart(district_items, title="Koperasi terlatih per kabupaten/kota"),
        "sector_chart": charts.bar_chart(sector_items, color=charts.GREEN, highlight={SAVINGS_AND_LOANS},
                                         title="Koperasi terlatih per sektor"),
        "absorption_chart": charts.absorption_chart(summary["absorption"], summary["budget"]["allocation"]),
        "batch_chart": charts.bar_chart(batch_items, title="Kelulusan per angkatan"),
        "principal": principal, "csrf": pages.csrf_token(principal), "sign_out": pages.sign_out_url(request),
    }
    return templates.TemplateResponse(request, "dashboard.html", context)
