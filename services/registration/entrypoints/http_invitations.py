"""Invitations and confirmation of attendance (issue 17 item 6): send a batch's invitations (e-mails queued and
sent, WhatsApp links returned), who answered, the undangan letter (PDF), and the participant's public one-use page
/konfirmasi/{code}: no account, no script, light, rate limited."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from services.registration.adapters.invitation_pdf import invitation_pdf

from services.registration.entrypoints.deps import Inviter, UowDep
from services.registration.entrypoints.page_kit import templates
from services.registration.schemas_invitations import ConfirmationsRead, InvitationsRead
from services.registration.service_layer import delivery, invitations, letters
from shared.errors import Conflict, DomainError, NotFound
from shared.http import file_download
from shared.rate_limit import app_rate_limited
from shared.web.kit import wants_html

router = APIRouter(tags=["registration"])
# A code cannot be guessed (80-bit tag): the limit only stops a flood; a hall of 30 behind one address fits.
PUBLIC_LIMIT = Depends(app_rate_limited("konfirmasi", limit=60, window_s=60))
MAX_FORM_BYTES = 1024
ANSWERED = {"confirmed": "Terima kasih, kehadiran Anda sudah tercatat.",
            "declined": "Terima kasih atas kabarnya; kursi Anda diberikan kepada calon peserta lain."}


def get_settings(request: Request):
    return request.app.state.settings


SettingsDep = Annotated[object, Depends(get_settings)]


async def send_invitations(request: Request, uow, principal, batch_id: uuid.UUID) -> tuple[list[dict], dict]:
    """Queue and send the batch's invitations; (the WhatsApp items, the batch's confirmations after sending).
    An SMTP server that is down leaves the e-mails "belum terkirim" for the job to retry: never an error."""
    settings = request.app.state.settings
    if settings.confirmation_key_missing:
        raise Conflict("Undangan belum dapat dikirim: kunci tautan konfirmasi (REGISTRATION_CONFIRMATION_KEY) belum "
                       "diatur oleh pengelola sistem.", code="not_configured")
    async with uow:
        invited = await invitations.invite(uow, principal=principal, batch_id=batch_id,
                                           secret=settings.confirmation_key, base_url=settings.registration_url)
    await delivery.deliver(request.app.state.runtime.uow, request.app.state.mailer, secret=settings.confirmation_key,
                           base_url=settings.registration_url, only=invited.queued)
    async with request.app.state.runtime.uow() as uow:
        read = await invitations.confirmations(uow.session, principal=principal, batch_id=batch_id)
    return invited.items, read


@router.post("/api/v1/batches/{batch_id}/invitations", response_model=InvitationsRead,
             summary="Kirim undangan: e-mail ke peserta yang beralamat e-mail (sekali per peserta; yang gagal dicoba "
                     "lagi nanti) dan tautan WhatsApp (wa.me) per peserta, masing-masing dengan tautan konfirmasi")
async def post_invitations(request: Request, batch_id: uuid.UUID, principal: Inviter, uow: UowDep):
    items, read = await send_invitations(request, uow, principal, batch_id)
    states = {i["enrollment_id"]: i for i in read["items"]}
    return {"batch_id": batch_id, "items": [{**item, "email_status": states[item["enrollment_id"]]["email_status"]}
                                            for item in items],
            "counts": read["counts"]}


@router.get("/api/v1/batches/{batch_id}/confirmations", response_model=ConfirmationsRead,
            summary="Konfirmasi kehadiran: hadir, tidak dapat hadir, belum menjawab; status e-mail undangan")
async def get_confirmations(batch_id: uuid.UUID, principal: Inviter, uow: UowDep):
    async with uow:
        return await invitations.confirmations(uow.session, principal=principal, batch_id=batch_id)


# --- the public page ----------------------------------------------------------------------------------------------

def _page(request: Request, status_code: int, **context):
    return templates.TemplateResponse(request, "konfirmasi.html", {"principal": None, **context},
                                      status_code=status_code,
                                      headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                                               "X-Robots-Tag": "noindex"})


async def _opened(request: Request, uow, settings, code: str):
    """The link's invitation; an unknown or tampered code gets this page (not the signed-in pages' error page,
    whose "Masuk lagi" means nothing to a participant without an account), or the API's 404."""
    try:
        async with uow:
            return await invitations.open_link(uow.session, secret=settings.confirmation_key, code=code), None
    except NotFound as exc:
        if not wants_html(request):
            raise
        return None, _page(request, 404, opened=None, code=None, done=None, unknown=exc.message)


@router.get("/konfirmasi/{code}", include_in_schema=False, dependencies=[PUBLIC_LIMIT])
async def confirmation_page(request: Request, code: str, uow: UowDep, settings: SettingsDep):
    opened, unknown = await _opened(request, uow, settings, code)
    if unknown:
        return unknown
    return _page(request, 409 if opened.refusal else 200, opened=opened, code=code, done=None)


@router.post("/konfirmasi/{code}", dependencies=[PUBLIC_LIMIT],
             summary="Jawaban konfirmasi kehadiran (halaman publik, tanpa akun, sekali per undangan): jawaban=hadir "
                     "atau tidak_hadir; tidak hadir membatalkan pendaftaran dan menaikkan daftar tunggu",
             responses={404: {"description": "Tautan tidak dikenali"},
                        409: {"description": "Sudah dijawab atau konfirmasi ditutup"},
                        429: {"description": "Terlalu banyak permintaan dari alamat ini (60 per menit)"}})
async def confirmation_answer(request: Request, code: str, uow: UowDep, settings: SettingsDep):
    opened, unknown = await _opened(request, uow, settings, code)  # before the body is read
    if unknown:
        return unknown
    html = wants_html(request)
    choice = ""
    if int(request.headers.get("content-length") or 0) <= MAX_FORM_BYTES:
        choice = str((await request.form()).get("jawaban") or "")
    try:
        async with uow:
            done = await invitations.answer(uow, secret=settings.confirmation_key, code=code, choice=choice)
    except DomainError as exc:
        if not html:
            raise
        async with uow:
            opened = await invitations.open_link(uow.session, secret=settings.confirmation_key, code=code)
        return _page(request, exc.status, opened=opened, code=code, done=None,
                     problem=None if opened.refusal else exc.message)
    if html:
        return _page(request, 200, opened=opened, code=code, done=done)
    return {"status": done, "message": ANSWERED[done]}



@router.get("/api/v1/batches/{batch_id}/invitation.pdf",
            summary="Surat undangan untuk dinas (PDF): satu surat per kabupaten/kota angkatan (petugas dinas: "
                    "wilayahnya) dengan hari, tempat, yang perlu dibawa, blok tanda tangan dan lampiran daftar peserta",
            **file_download("application/pdf", "Surat undangan (PDF)"))
async def invitation_letter(batch_id: uuid.UUID, principal: Inviter, uow: UowDep):
    async with uow:
        letter = await letters.letter_of(uow.session, principal=principal, batch_id=batch_id)
    return Response(invitation_pdf(letter), media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="undangan-{letter.file_code}.pdf"', "Cache-Control": "no-store"})
