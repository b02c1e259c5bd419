"""The ministry's dashboard page: server-rendered, Bahasa Indonesia, for viewer tokens (header or cookie)."""
from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.security import HTTPAuthorizationCredentials
from fastapi.templating import Jinja2Templates

from services.reporting.entrypoints import charts
from services.reporting.entrypoints.columns import percent, rupiah, show
from services.reporting.entrypoints.http import report_args
from services.reporting.service_layer import reports
from services.reporting.service_layer.scope import SAVINGS_AND_LOANS
from shared.auth import Role, decode_token, principal_from
from shared.errors import DomainError, Forbidden
from shared.ratelimit import limit_sign_in

router = APIRouter(tags=["dashboard"], include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.filters.update(rupiah=rupiah, percent=percent, show=show)
COOKIE = "sipelkop_token"  # the cookie shared.auth.current_principal also reads
READERS = {Role.ADMIN, Role.VIEWER, Role.TRAINER, Role.DISTRICT_OFFICER}


def _principal(request: Request):
    auth = request.headers.get("authorization", "")
    credentials = (HTTPAuthorizationCredentials(scheme="Bearer", credentials=auth[7:])
                   if auth.lower().startswith("bearer ") else None)
    principal = principal_from(request, credentials)
    if principal.role not in READERS:
        raise Forbidden(f"Peran '{principal.role.value}' tidak boleh melihat dasbor.")
    return principal


def _login(request: Request, message: str, status: int, next_url: str = "/dasbor") -> HTMLResponse:
    return templates.TemplateResponse(request, "login.html", {"message": message, "next": next_url},
                                      status_code=status)


def _back_to(next_url: str) -> str:
    # Only back to the dashboard itself: a sign-in form must not redirect anywhere it is told to.
    return next_url if next_url.startswith("/dasbor") and "//" not in next_url else "/dasbor"


@router.get("/", response_class=RedirectResponse)
async def home():
    return RedirectResponse("/dasbor", status_code=307)


@router.get("/dasbor", response_class=HTMLResponse)
async def dashboard(request: Request, fiscal_year: int | None = Query(default=None, ge=2000, le=2100),
                    programme_id: uuid.UUID | None = None):
    try:
        _principal(request)
    except DomainError as exc:
        return _login(request, exc.message, exc.status, _back_to(str(request.url.path) + (
            f"?{request.url.query}" if request.url.query else "")))
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
    }
    return templates.TemplateResponse(request, "dashboard.html", context)


@router.post("/dasbor/masuk", dependencies=[Depends(limit_sign_in)])
async def sign_in(request: Request):
    # A plain form post: the token is checked, then kept in an HttpOnly cookie (never in the URL).
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    token = (form.get("token") or [""])[0].strip()
    next_url = _back_to((form.get("next") or ["/dasbor"])[0])
    try:
        principal = decode_token(request.app.state.settings.secret_key, token)
    except DomainError as exc:
        return _login(request, exc.message, 401, next_url)
    if principal.role not in READERS:
        return _login(request, f"Peran '{principal.role.value}' tidak boleh melihat dasbor.", 403, next_url)
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=request.url.scheme == "https",
                        max_age=12 * 3600)
    return response


@router.post("/dasbor/keluar")
async def sign_out():
    response = RedirectResponse("/dasbor", status_code=303)
    response.delete_cookie(COOKIE)
    return response
