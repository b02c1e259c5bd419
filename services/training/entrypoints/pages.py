"""Trainers' pages (Bahasa Indonesia, small, phone-first) and the public certificate verification page, in the
shared frame of every service (shared.web: header, navigation, stylesheet, Indonesian dates and WITA times).

Sign-in: identity's /masuk (shared.pages); its access cookie is HttpOnly and SameSite=Lax, and every form and the
attendance script's API calls carry the session's CSRF token (the frame's <meta name="csrf-token">). A refusal
(not assigned, wrong role, closed session) is raised and shown by the kit as a page in the same frame."""
from __future__ import annotations

import uuid
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse

from services.training.entrypoints.deps import CertificateSettingsDep, UowDep
from services.training.service_layer import attendance, batches, certificates, completion, roster, sessions
from shared import pages
from shared.auth import Principal, Role
from shared.errors import DomainError, NotFound
from shared.web import page_templates
from shared.web.format import business_today
from shared.web.kit import optional_principal

HERE = Path(__file__).parent
templates = page_templates(HERE / "templates", "training")
router = APIRouter(include_in_schema=False)
CHOICES = (("hadir", "H"), ("terlambat", "T"), ("izin", "I"), ("sakit", "S"), ("alpa", "A"))
STATUS_WORDS = {"hadir": "Hadir", "terlambat": "Terlambat", "izin": "Izin", "sakit": "Sakit", "alpa": "Alpa"}
BATCH_STATUSES = {"scheduled": "terjadwal", "cancelled": "dibatalkan", "closed": "ditutup"}
SCRIPT_VERSION = 4  # bump when static/absensi.js changes (phones keep it a week)


STAFF_ROLES = (Role.ADMIN, Role.TRAINING_STAFF, Role.TRAINER)


async def _principal(request: Request) -> Principal:
    return await pages.page_principal(request, STAFF_ROLES, "Halaman ini untuk narasumber dan staf UPTD.")


def _render(request: Request, name: str, status_code: int = 200, **context):
    context.setdefault("principal", None)
    return templates.TemplateResponse(request, name, context, status_code=status_code,
                                      headers={"Cache-Control": "no-store"})


async def _page(request: Request, uow, build):
    """Render what `build(principal, session)` returns; a refusal propagates to the kit's error page."""
    principal = await _principal(request)
    async with uow:
        name, context = await build(principal, uow.session)
        # Rendered inside the unit of work: leaving it rolls back, which expires the rows the page shows.
        return _render(request, name, principal=principal, statuses=BATCH_STATUSES, status_words=STATUS_WORDS,
                       **context)


def _batch_id(text: str) -> uuid.UUID:
    """The batch in a page's address; a mangled one is a page not found, not a validation error naming `batch_id`."""
    try:
        return uuid.UUID(text)
    except ValueError:
        raise NotFound("Angkatan tidak ditemukan.") from None


def _number(text: str) -> int:
    if not (text.isdigit() and 1 <= int(text) <= 1000):  # several sessions a day: numbers run past the days
        raise NotFound("Sesi tidak ditemukan.")
    return int(text)


@router.get("/pelatih")
async def home(request: Request, uow: UowDep):
    today = business_today()  # the hall's date in WITA (already tomorrow after 16:00 UTC)

    async def build(principal, session):
        return "beranda.html", {"today": today, "own": principal.role == Role.TRAINER,
                                "today_sessions": await sessions.sessions_on(session, principal, today),
                                "batches": await batches.list_batches(session, principal)}
    return await _page(request, uow, build)


@router.get("/pelatih/angkatan/{batch_id}")
async def batch_page(request: Request, batch_id: str, uow: UowDep):
    async def build(principal, session):
        bid = _batch_id(batch_id)  # after the sign-in check: a signed-out visitor goes to /masuk first
        batch = await batches.get_batch(session, bid)
        batches.ensure_assigned(principal, batch)
        rows = await sessions.sessions_with_counts(session, bid)
        return "angkatan.html", {"batch": batch, "sessions": rows,
                                 "roster_size": len(await roster.active_roster(session, bid))}
    return await _page(request, uow, build)


@router.get("/pelatih/angkatan/{batch_id}/sesi/{no}")
async def session_page(request: Request, batch_id: str, no: str, uow: UowDep):
    async def build(principal, session):
        bid, number = _batch_id(batch_id), _number(no)
        marks = await attendance.session_marks(session, principal=principal, batch_id=bid, number=number)
        trail = await attendance.correction_trail(session, principal=principal, batch_id=bid, number=number)
        batch, row = await batches.get_batch(session, bid), await sessions.get_session(session, bid, number)
        return "sesi.html", {"batch": batch, "session": row, "marks": marks, "corrections": trail,
                             "choices": CHOICES, "closed": row.status != "open" or batch.status != "scheduled",
                             "script_version": SCRIPT_VERSION}
    return await _page(request, uow, build)


@router.post("/pelatih/angkatan/{batch_id}/sesi/{no}/tutup")
async def close_session(request: Request, batch_id: str, no: str, uow: UowDep,
                        certificate_settings: CertificateSettingsDep):
    principal = await _principal(request)
    bid, number = _batch_id(batch_id), _number(no)
    await pages.checked_form(request, principal)
    async with uow:
        result = await completion.complete_session(uow, principal=principal, batch_id=bid, number=number,
                                                   certificates=certificate_settings)
    target = "kelulusan" if result["batch_finished"] else f"sesi/{number}"
    return RedirectResponse(f"/pelatih/angkatan/{bid}/{target}", status_code=303)


@router.get("/pelatih/angkatan/{batch_id}/kelulusan")
async def completion_page(request: Request, batch_id: str, uow: UowDep):
    async def build(principal, session):
        bid = _batch_id(batch_id)
        overview = await completion.completion_overview(session, principal=principal, batch_id=bid)
        return "kelulusan.html", {"batch": await batches.get_batch(session, bid), "overview": overview}
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
    # Public: anyone holding a certificate may check it; a signed-in person still sees their header.
    return _render(request, "verifikasi.html", status_code=200 if result or not number else 404, number=number,
                   result=result, principal=await optional_principal(request))


@router.get("/pelatih/static/absensi.js")
async def checklist_script():
    # Versioned in the page's URL (?v=), so a phone on a slow line fetches it once.
    return FileResponse(HERE / "static" / "absensi.js", media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=604800"})
