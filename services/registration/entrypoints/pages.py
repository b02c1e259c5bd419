"""The district officer's pages for the registry: cooperatives and managers with their forms (sign-in is
identity's /masuk, see shared.pages)."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from services.registration.domain.participant_category import BUSINESS_FIELDS, CATEGORIES, UMK
from services.registration.domain.reference import GRADES, KINDS, POSITIONS, sectors
from services.registration.entrypoints.deps import UowDep
from services.registration.entrypoints.page_kit import (PagePrincipal, blank_to_none, checked_form,
                                                        field_errors, render)
from services.registration.schemas import CooperativeCreate, ParticipantCreate, ParticipantUpdate
from services.registration.service_layer import cooperatives, participants
from shared.errors import DomainError
from shared.regions import districts

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
MESSAGES = {"koperasi-tersimpan": "Koperasi tersimpan.", "pengurus-tersimpan": "Data peserta tersimpan.",
            "pengurus-diubah": "Perubahan data peserta tersimpan.",
            "pengurus-sudah-ada": "NIK ini sudah terdaftar; data yang ada ditampilkan, tidak dibuat ganda."}


def _see(path: str, message: str | None = None) -> RedirectResponse:
    return RedirectResponse(f"{path}?pesan={message}" if message else path, status_code=303)


@router.get("/koperasi")
async def cooperative_list(request: Request, principal: PagePrincipal, uow: UowDep, q: str | None = None,
                           page: Annotated[int, Query(ge=1, le=1_000_000)] = 1, pesan: str | None = None):
    async with uow:
        rows, total = await cooperatives.list_cooperatives(uow.session, principal=principal, q=q, page=max(page, 1),
                                                           page_size=PAGE_SIZE)
        return render(request, "cooperatives.html", principal, items=rows, total=total, page=max(page, 1),
                      page_size=PAGE_SIZE, q=q, message=MESSAGES.get(pesan or ""))


def _cooperative_choices(principal) -> dict:
    own = [(code, d.name) for code, d in districts().items() if principal.can_touch_district(code)]
    return {"districts": own, "kinds": [(k, k.capitalize()) for k in KINDS], "sectors": list(sectors().items()),
            "grades": [(g, g) for g in GRADES]}


@router.get("/koperasi/baru")
async def new_cooperative_form(request: Request, principal: PagePrincipal):
    values = {"district_code": principal.district, "active": "aktif", "members_male": 0, "members_female": 0,
              "syariah": "tidak", "managers_count": 0, "employees_count": 0}
    return render(request, "cooperative_form.html", principal, values=values, errors={}, cooperative_id=None,
                  **_cooperative_choices(principal))


@router.get("/koperasi/{cooperative_id}/ubah")
async def edit_cooperative_form(request: Request, cooperative_id: uuid.UUID, principal: PagePrincipal, uow: UowDep):
    async with uow:
        found = await cooperatives.get_cooperative(uow.session, principal=principal, cooperative_id=cooperative_id)
        values = {**cooperatives.to_read(found), "active": "aktif" if found.active else "tidak aktif",
                  "syariah": "ya" if found.syariah else "tidak"}
    return render(request, "cooperative_form.html", principal, values=values, errors={},
                  cooperative_id=cooperative_id, **_cooperative_choices(principal))


@router.post("/koperasi/baru")
@router.post("/koperasi/{cooperative_id}/ubah")
async def save_cooperative(request: Request, principal: PagePrincipal, uow: UowDep,
                           cooperative_id: uuid.UUID | None = None):
    form = blank_to_none(await checked_form(request), "legal_entity_number", "address", "grade", "nib",
                         "last_rat_year")
    try:
        data = CooperativeCreate(**{k: v for k, v in form.items() if k in CooperativeCreate.model_fields})
        async with uow:
            if cooperative_id:
                await cooperatives.update_cooperative(uow, principal=principal, cooperative_id=cooperative_id,
                                                      data=data)
            else:
                await cooperatives.register_cooperative(uow, principal=principal, data=data)
    except (ValidationError, DomainError) as exc:
        errors, problem = field_errors(exc)
        return render(request, "cooperative_form.html", principal, status_code=422, values=form, errors=errors,
                      problem=problem, cooperative_id=cooperative_id, **_cooperative_choices(principal))
    return _see("/koperasi", "koperasi-tersimpan")


@router.get("/peserta")
async def participant_list(request: Request, principal: PagePrincipal, uow: UowDep, q: str | None = None,
                           page: Annotated[int, Query(ge=1, le=1_000_000)] = 1, pesan: str | None = None):
    async with uow:
        rows, total = await participants.list_participants(uow.session, principal=principal, q=q,
                                                           page=max(page, 1), page_size=PAGE_SIZE)
        names = await _cooperative_names(uow.session, principal)
        items = [participants.to_read(p, principal) for p in rows]
    return render(request, "participants.html", principal, items=items, total=total, page=max(page, 1),
                  page_size=PAGE_SIZE, q=q, cooperative_names=names, categories=CATEGORIES,
                  message=MESSAGES.get(pesan or ""))


async def _cooperative_names(session, principal) -> dict:
    rows, _ = await cooperatives.list_cooperatives(session, principal=principal, page_size=cooperatives.MAX_PAGE_SIZE)
    return {c.id: c.name for c in rows}


async def _participant_form(request, principal, uow, values, errors, problem=None, status_code=200,
                            participant_id=None):
    async with uow:
        names = await _cooperative_names(uow.session, principal)
    return render(request, "participant_form.html", principal, status_code=status_code,
                  values={"category": "pengurus_koperasi", **values}, errors=errors, problem=problem,
                  positions=[(p, p) for p in POSITIONS], participant_id=participant_id, categories=CATEGORIES,
                  sectors=list(sectors().items()),
                  districts=[(code, d.name) for code, d in districts().items() if principal.can_touch_district(code)],
                  cooperatives=sorted(((str(k), v) for k, v in names.items()), key=lambda item: item[1]))


PARTICIPANT_BLANKS = ("phone", "email", "cooperative_id", *BUSINESS_FIELDS, "district_code")


def _affiliation_form(form: dict) -> dict:
    """The form shows either the cooperative or the business, by category; the hidden one's values are not sent on
    (the API itself refuses a body with both)."""
    if form.get("category") == UMK:
        return {k: v for k, v in form.items() if k not in ("cooperative_id", "position")}
    return {k: v for k, v in form.items() if k not in (*BUSINESS_FIELDS, "district_code")}


@router.get("/peserta/baru")
async def new_participant_form(request: Request, principal: PagePrincipal, uow: UowDep):
    return await _participant_form(request, principal, uow, {"position": "ketua"}, {})


@router.post("/peserta/baru")
async def save_participant(request: Request, principal: PagePrincipal, uow: UowDep):
    form = blank_to_none(await checked_form(request), *PARTICIPANT_BLANKS)
    try:
        data = ParticipantCreate(**{k: v for k, v in _affiliation_form(form).items()
                                    if k in ParticipantCreate.model_fields})
        async with uow:
            _, created, _ = await participants.register_participant(uow, principal=principal, data=data)
    except (ValidationError, DomainError) as exc:
        errors, problem = field_errors(exc)
        return await _participant_form(request, principal, uow, form, errors, problem, status_code=422)
    return _see("/peserta", "pengurus-tersimpan" if created else "pengurus-sudah-ada")



@router.get("/peserta/{participant_id}/ubah")
async def edit_participant_form(request: Request, participant_id: uuid.UUID, principal: PagePrincipal, uow: UowDep):
    async with uow:
        found = await participants.get_participant(uow.session, principal=principal, participant_id=participant_id)
        values = {**participants.to_read(found, principal),
                  "cooperative_id": str(found.cooperative_id) if found.cooperative_id else None}
    return await _participant_form(request, principal, uow, values, {}, participant_id=participant_id)


@router.post("/peserta/{participant_id}/ubah")
async def save_participant_changes(request: Request, participant_id: uuid.UUID, principal: PagePrincipal,
                                   uow: UowDep):
    """A correction: name, position, phone, e-mail, cooperative (the NIK is the person and is not edited here)."""
    form = blank_to_none(await checked_form(request), *PARTICIPANT_BLANKS)
    try:
        data = ParticipantUpdate(**{k: v for k, v in _affiliation_form(form).items()
                                    if k in ParticipantUpdate.model_fields})
        async with uow:
            await participants.update_participant(uow, principal=principal, participant_id=participant_id, data=data)
    except (ValidationError, DomainError) as exc:
        errors, problem = field_errors(exc)
        async with uow:
            found = await participants.get_participant(uow.session, principal=principal,
                                                       participant_id=participant_id)
            nik = participants.to_read(found, principal)["nik"]
        return await _participant_form(request, principal, uow, {**form, "nik": nik}, errors, problem,
                                       status_code=422, participant_id=participant_id)
    return _see("/peserta", "pengurus-diubah")
