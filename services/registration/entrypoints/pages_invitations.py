"""The batch's invitation page for the district officer and the UPTD's staff: who confirmed, declined or has not
answered, each invitation e-mail's state ("belum terkirim" while the SMTP server is away, never an error page),
and the button that sends the invitations and lists each participant's WhatsApp link. Without JavaScript."""
from __future__ import annotations

import uuid

from fastapi import APIRouter, Request

from services.registration.entrypoints.deps import UowDep
from services.registration.entrypoints.http_invitations import send_invitations
from services.registration.entrypoints.page_kit import BatchPagePrincipal, checked_form, render
from services.registration.service_layer import invitations
from shared.errors import DomainError

router = APIRouter(include_in_schema=False)


async def _page(request, principal, uow, batch_id, *, links=None, message=None, problem=None, status_code=200):
    async with uow:
        read = await invitations.confirmations(uow.session, principal=principal, batch_id=batch_id)
    by_id = {i["enrollment_id"]: i for i in links or []}
    return render(request, "undangan.html", principal, status_code=status_code, batch=read["batch"], read=read,
                  wa_links=by_id, sent=links is not None, message=message, problem=problem,
                  smtp_ready=request.app.state.mailer is not None)


@router.get("/angkatan/{batch_id}/undangan")
async def invitation_page(request: Request, batch_id: uuid.UUID, principal: BatchPagePrincipal, uow: UowDep):
    return await _page(request, principal, uow, batch_id)


@router.post("/angkatan/{batch_id}/undangan")
async def send(request: Request, batch_id: uuid.UUID, principal: BatchPagePrincipal, uow: UowDep):
    """Sends the e-mails not sent before and shows fresh WhatsApp links (the earlier links stay valid)."""
    await checked_form(request, principal)
    try:
        links, read = await send_invitations(request, uow, principal, batch_id)
    except DomainError as exc:
        return await _page(request, principal, uow, batch_id, problem=exc.message, status_code=exc.status)
    waiting = sum(i["email_status"] == "belum terkirim" for i in read["items"])
    message = "Undangan diproses. " + (f"{waiting} e-mail belum terkirim; dicoba lagi otomatis." if waiting
                                       else "Kirim pesan WhatsApp lewat tautan di tabel.")
    return await _page(request, principal, uow, batch_id, links=links, message=message)
