"""Trainers' pages (Bahasa Indonesia, small, phone-first) and the public certificate verification page.

Sign-in: identity's /masuk (shared.pages); its access cookie is HttpOnly and SameSite=Lax, and every form and the
attendance script's API calls carry the session's CSRF token."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from fastapi import APIRouter, Path as PathParam, Request
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from services.training.entrypoints.deps import CertificateSettingsDep, UowDep
from services.training.service_layer import attendance, batches, certificates, completion, roster, sessions
from shared import pages
from shared.auth import Principal, Role
from shared.errors import DomainError

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)
CHOICES = (("hadir", "H"), ("terlambat", "T"), ("izin", "I"), ("sakit", "S"), ("alpa", "A"))
BATCH_STATUSES = {"scheduled": "terjadwal", "cancelled": "dibatalkan", "closed": "ditutup"}


STAFF_ROLES = (Role.ADMIN, Role.TRAINING_STAFF, Role.TRAINER)


async def _principal(request: Request) -> Principal:
    return await pages.page_principal(request, STAFF_ROLES, "Halaman ini untuk pelatih dan staf UPTD.")


def _hall_time(request: Request, moment: datetime | None = None) -> datetime:
    offset = timezone(timedelta(hours=request.app.state.settings.utc_offset_hours))
    moment = moment or datetime.now(UTC)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(offset)


def _render(request: Request, name: str, status_code: int = 200, **context):
    context.setdefault("principal", None)
    context.setdefault("csrf", pages.csrf_token(context["principal"]))
    context.setdefault("sign_out", pages.sign_out_url(request))
    return templates.TemplateResponse(request, name, context, status_code=status_code,
                                      headers={"Cache-Control": "no-store"})


async def _page(request: Request, uow, build):
    """Render what `build(principal, session)` returns; a refusal becomes a readable page, not JSON."""
    try:
        principal = await _principal(request)
        async with uow:
            name, context = await build(principal, uow.session)
            # Rendered inside the unit of work: leaving it rolls back, which expires the rows the page shows.
            return _render(request, name, principal=principal, statuses=BATCH_STATUSES, **context)
    except DomainError as exc:
        return _render(request, "galat.html", status_code=exc.status, message=exc.message)


@router.get("/pelatih")
async def home(request: Request, uow: UowDep):
    today = _hall_time(request).date()

    async def build(principal, session):
        return "beranda.html", {"today": today.strftime("%d-%m-%Y"),
                                "today_sessions": await sessions.sessions_on(session, principal, today),
                                "batches": await batches.list_batches(session, principal)}
    return await _page(request, uow, build)


@router.get("/pelatih/angkatan/{batch_id}")
async def batch_page(request: Request, batch_id: uuid.UUID, uow: UowDep):
    async def build(principal, session):
        batch = await batches.get_batch(session, batch_id)
        batches.ensure_assigned(principal, batch)
        rows = await sessions.sessions_with_counts(session, batch_id)
        return "angkatan.html", {"batch": batch, "sessions": rows,
                                 "roster_size": len(await roster.active_roster(session, batch_id))}
    return await _page(request, uow, build)


@router.get("/pelatih/angkatan/{batch_id}/sesi/{no}")
async def session_page(request: Request, batch_id: uuid.UUID, uow: UowDep, no: int = PathParam(ge=1, le=60)):
    async def build(principal, session):
        marks = await attendance.session_marks(session, principal=principal, batch_id=batch_id, number=no)
        trail = await attendance.correction_trail(session, principal=principal, batch_id=batch_id, number=no)
        batch, row = await batches.get_batch(session, batch_id), await sessions.get_session(session, batch_id, no)
        return "sesi.html", {"batch": batch, "session": row, "marks": marks, "corrections": trail,
                             "choices": CHOICES, "closed": row.status != "open" or batch.status != "scheduled",
                             "local": lambda t: _hall_time(request, t).strftime("%d-%m %H:%M")}
    return await _page(request, uow, build)


@router.post("/pelatih/angkatan/{batch_id}/sesi/{no}/tutup")
async def close_session(request: Request, batch_id: uuid.UUID, uow: UowDep,
                        certificate_settings: CertificateSettingsDep,
                        no: int = PathParam(ge=1, le=60)):
    try:
        principal = await _principal(request)
        await pages.checked_form(request, principal)
        async with uow:
            result = await completion.complete_session(uow, principal=principal, batch_id=batch_id, number=no,
                                                       certificates=certificate_settings)
    except DomainError as exc:
        return _render(request, "galat.html", status_code=exc.status, message=exc.message)
    target = "kelulusan" if result["batch_finished"] else f"sesi/{no}"
    return RedirectResponse(f"/pelatih/angkatan/{batch_id}/{target}", status_code=303)


@router.get("/pelatih/angkatan/{batch_id}/kelulusan")
async def completion_page(request: Request, batch_id: uuid.UUID, uow: UowDep):
    async def build(principal, session):
        overview = await completion.completion_overview(session, principal=principal, batch_id=batch_id)
        return "kelulusan.html", {"batch": await batches.get_batch(session, batch_id), "overview": overview}
    return await _page(request, uow, build)


@router.get("/verifikasi")
async def verification_page(request: Request, uow: UowDep, nomor: str | None = None):
    number = (nomor or "").strip()[:80] or None
    result = None
    if number:
        async with uow:
            try:
                result = await certificates.verify(uow.session, number)
            except DomainError:
                result = None
    return _render(request, "verifikasi.html", status_code=200 if result or not number else 404, number=number,
                   result=result)


@router.get("/pelatih/static/absensi.js")
async def checklist_script():
    # Versioned in the page's URL (?v=), so a phone on a slow line fetches it once.
    return FileResponse(HERE / "static" / "absensi.js", media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=604800"})
