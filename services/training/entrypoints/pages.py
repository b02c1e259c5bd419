"""Trainers' pages (Bahasa Indonesia, small, phone-first) and the public certificate verification page, in the
shared frame of every service (shared.web: header, navigation, stylesheet, Indonesian dates and WITA times).

Sign-in: identity's /masuk (shared.pages); its access cookie is HttpOnly and SameSite=Lax, and every form and the
attendance script's API calls carry the session's CSRF token (the frame's <meta name="csrf-token">). A refusal
(not assigned, wrong role, closed session) is raised and shown by the kit as a page in the same frame."""
from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse
from pydantic import ValidationError

from services.training.entrypoints.deps import CertificateSettingsDep, UowDep
from services.training.entrypoints.http_certificates import VERIFICATION_LIMIT
from services.training.domain.scores import written
from services.training.entrypoints.http_scores import read_upload
from services.training.schemas import ScoresIn
from services.training.service_layer import (attendance, audit_wording, batches, certificates, completion, roster,
                                             scores, sessions)
from shared import pages
from shared.auth import Principal, Role
from shared.errors import DomainError, Invalid, NotFound
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


@router.get("/verifikasi", dependencies=[VERIFICATION_LIMIT])
async def verification_page(request: Request, uow: UowDep, settings: CertificateSettingsDep,
                            nomor: str | None = None, kode: str | None = None):
    number = (nomor or "").strip()[:80] or None
    code = (kode or "").strip()[:40] or None
    result, refusal, status = None, None, 200
    if number:
        async with uow:
            try:
                result = await certificates.verify(uow.session, number, code, key=settings.verification_key)
            except DomainError as exc:
                refusal, status = exc, exc.status
    # Public: anyone holding a certificate may check it; a signed-in person still sees their header.
    return _render(request, "verifikasi.html", status_code=status, number=number, code=code, result=result,
                   refusal=refusal, principal=await optional_principal(request))


@router.get("/pelatih/static/absensi.js")
async def checklist_script():
    # Versioned in the page's URL (?v=), so a phone on a slow line fetches it once.
    return FileResponse(HERE / "static" / "absensi.js", media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=604800"})


# --- pre-test and post-test scores (issue 15) -------------------------------------------------------------------

def _score_text(value) -> str:
    return "" if value is None else written(value)


async def _scores_page(request: Request, session, principal, bid, *, status_code: int = 200, values=None,
                       errors=None, problem=None, import_errors=None, message=None):
    batch = await batches.get_batch(session, bid)
    scores.ensure_may_enter(principal, batch)
    sheet = await scores.score_sheet(session, principal=principal, batch_id=bid)
    trail = await scores.score_trail(session, bid)
    saved = {f"{k}_{r['participant_id']}": _score_text(r[f"{k}_test"]) for r in sheet["scores"] for k in ("pre", "post")}
    return _render(request, "nilai.html", status_code=status_code, principal=principal, batch=batch, sheet=sheet,
                   saved=saved, values=values if values is not None else saved, errors=errors or {}, refusal=problem,
                   import_errors=import_errors or [], note=message, script_version=SCRIPT_VERSION,
                   trail=audit_wording.readable(trail, await audit_wording.names_for(session, trail)),
                   console=principal.role != Role.TRAINER)


@router.get("/pelatih/angkatan/{batch_id}/nilai")
async def scores_page(request: Request, batch_id: str, uow: UowDep, pesan: str | None = None):
    principal = await _principal(request)
    bid = _batch_id(batch_id)
    async with uow:
        return await _scores_page(request, uow.session, principal, bid, message=pesan)


@router.post("/pelatih/angkatan/{batch_id}/nilai")
async def scores_save(request: Request, batch_id: str, uow: UowDep):
    """The whole roster's two columns; only what differs from the page as it was loaded is sent (absent = kept), so
    a colleague's save in between is not overwritten; an emptied field clears its score."""
    principal = await _principal(request)
    bid = _batch_id(batch_id)
    form = await pages.checked_form(request, principal)
    values = {k: str(v).strip() for k, v in form.items() if k.startswith(("pre_", "post_"))}
    items, order = [], []
    for key, text in values.items():
        kind, _, pid = key.partition("_")
        if text == str(form.get(f"was_{key}", "")).strip():
            continue
        try:
            participant = uuid.UUID(pid)
        except ValueError:
            continue
        if participant not in order:
            order.append(participant)
            items.append({"participant_id": str(participant)})
        items[order.index(participant)][f"{kind}_test"] = text or None
    errors, problem = {}, None
    if items:
        try:
            data = ScoresIn.model_validate({"scores": items})
            async with uow:
                result = await scores.record_scores(uow, principal=principal, batch_id=bid, data=data)
        except (ValidationError, DomainError) as exc:
            fields, problem = pages.form_errors(exc)
            for key, text in fields.items():  # "scores.3.post_test" is the field post_<fourth participant sent>
                parts = key.split(".")
                if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(order):
                    key = f"{parts[2].removesuffix('_test')}_{order[int(parts[1])]}"
                errors[key] = text
            if isinstance(exc, DomainError) and not exc.fields:
                problem = exc.message
            async with uow:
                return await _scores_page(request, uow.session, principal, bid, status_code=422, values=values,
                                          errors=errors, problem=problem or "Periksa kembali nilai yang ditandai.")
        note = f"Tersimpan: {result['changed']} nilai berubah."
    else:
        note = "Tidak ada nilai yang berubah."
    return RedirectResponse(f"/pelatih/angkatan/{bid}/nilai?pesan={quote(note)}", status_code=303)


@router.post("/pelatih/angkatan/{batch_id}/nilai/impor")
async def scores_import(request: Request, batch_id: str, uow: UowDep):
    principal = await _principal(request)
    bid = _batch_id(batch_id)
    await pages.checked_form(request, principal)
    upload = (await request.form()).get("file")
    try:
        if not hasattr(upload, "read"):
            raise Invalid("Pilih berkas XLSX atau CSV.", fields=[])
        rows = await read_upload(upload)
        async with uow:
            result = await scores.import_scores(uow, principal=principal, batch_id=bid, rows=rows,
                                                filename=upload.filename or "")
    except DomainError as exc:
        async with uow:
            return await _scores_page(request, uow.session, principal, bid, status_code=exc.status,
                                      problem=exc.message, import_errors=[f["message"] for f in exc.fields])
    note = f"Impor selesai: {result['imported']} baris dibaca, {result['changed']} nilai berubah."
    return RedirectResponse(f"/pelatih/angkatan/{bid}/nilai?pesan={quote(note)}#impor", status_code=303)


@router.get("/pelatih/static/nilai.js")
async def scores_script():
    return FileResponse(HERE / "static" / "nilai.js", media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=604800"})
