"""The district officer's pages for batches (seats, nominate, cancel), imports with an error report, and audit."""
from __future__ import annotations

import base64
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from services.registration.adapters.spreadsheet import error_report
from services.registration.entrypoints.deps import UowDep
from services.registration.entrypoints.page_kit import (BatchPagePrincipal, PagePrincipal, checked_form,
                                                       field_errors, render)
from services.registration.entrypoints.uploads import hold_for_import, parse_table, read_upload, take_held
from services.registration.schemas import EnrollmentCreate, SubstitutionCreate
from services.registration.service_layer import (audit, audit_wording, batches, cooperative_import, enrollments,
                                                 import_formats, imports, nomination, participants, planning,
                                                 substitutions)
from shared.auth import Role
from shared.errors import DomainError, Forbidden, Invalid

router = APIRouter(include_in_schema=False)
AUDIT_PAGE_SIZE = 50
OUTCOMES = {"enrolled": "Terdaftar di angkatan.", "waitlisted": "Angkatan penuh: masuk daftar tunggu.",
            "cancelled": "Pencalonan dibatalkan.", "promoted": "Pencalonan dibatalkan; calon pertama di daftar tunggu "
                                                               "naik ke kursi yang kosong.",
            "substituted": "Peserta diganti; nominasi yang tidak hadir dibatalkan dengan alasannya.",
            "walked_in": "Peserta langsung terdaftar pada kursi yang kosong."}


@router.get("/angkatan")
async def batch_list(request: Request, principal: PagePrincipal, uow: UowDep):
    async with uow:
        found = await batches.list_batches(uow.session, principal=principal)
    return render(request, "batches.html", principal, batches=found)


async def _batch_page(request, principal, uow, batch_id, *, message=None, problem=None, status_code=200,
                      substitution=None, replacing=None, walk_in_open=False, search=None, confirm=None):
    async with uow:
        batch = await batches.get_batch(uow.session, principal=principal, batch_id=batch_id)
        nominated = await enrollments.list_enrollments(uow.session, principal=principal, batch_id=batch_id)
        candidates, found = [], 0
        if principal.role != Role.TRAINING_STAFF:  # staff replace no-shows; nominating is the district's
            replica = await batches.replica(uow.session, batch_id)
            candidates, found = await nomination.search_candidates(uow.session, principal=principal, batch=replica,
                                                                   text=search)
        opened = (substitution or {}).get("enrollment_id") or replacing
        replaceable, substitutes = await substitutions.page_options(uow.session, principal=principal, batch=batch,
                                                                    nominated=nominated, opened=opened)
        walk_in = (substitution or {}).get("enrollment_id") == "langsung" or walk_in_open
        may_walk_in, walk_ins = await substitutions.walk_in_options(uow.session, principal=principal, batch=batch,
                                                                    opened=walk_in)
    return render(request, "batch.html", principal, status_code=status_code, batch=batch, enrollments=nominated,
                  candidates=candidates, candidates_found=found, search=search or "", confirm=confirm,
                  message=message, problem=problem, replaceable=replaceable,
                  substitutes=substitutes, opened=opened, substitution=substitution or {},
                  may_walk_in=may_walk_in, walk_in_open=walk_in, walk_ins=walk_ins)


@router.get("/angkatan/{batch_id}")
async def batch_page(request: Request, batch_id: uuid.UUID, principal: BatchPagePrincipal, uow: UowDep,
                     pesan: str | None = None, ganti: uuid.UUID | None = None, langsung: bool = False):
    """`?ganti=<enrolment>` opens that row's substitution form, `?langsung=1` the walk-in form."""
    return await _batch_page(request, principal, uow, batch_id, message=OUTCOMES.get(pesan or ""), replacing=ganti,
                             walk_in_open=langsung)


@router.post("/angkatan/{batch_id}/ganti/{enrollment_id}")
async def substitute(request: Request, batch_id: uuid.UUID, enrollment_id: uuid.UUID, principal: BatchPagePrincipal,
                     uow: UowDep):
    """Day one: the no-show's seat to a substitute from the same district; refusals inline under the form."""
    form = await checked_form(request, principal)
    values = {"participant_id": form.get("participant_id") or "", "reason": form.get("reason") or ""}
    try:
        data = SubstitutionCreate(replaced_enrollment_id=enrollment_id, participant_id=values["participant_id"] or None,
                                  reason=values["reason"])
        async with uow:
            await substitutions.substitute(uow, principal=principal, batch_id=batch_id, data=data)
    except (ValidationError, DomainError) as exc:
        errors, summary = field_errors(exc)
        status = exc.status if isinstance(exc, DomainError) else 422
        return await _batch_page(request, principal, uow, batch_id, problem=summary, status_code=status,
                                 substitution={"enrollment_id": enrollment_id, "values": values, "errors": errors})
    return RedirectResponse(f"/angkatan/{batch_id}?pesan=substituted", status_code=303)


@router.post("/angkatan/{batch_id}/cari")
async def search(request: Request, batch_id: uuid.UUID, principal: PagePrincipal, uow: UowDep):
    """The picker's search is sent in the body, so even the last digits of a NIK stay out of every URL."""
    form = await checked_form(request)
    return await _batch_page(request, principal, uow, batch_id, search=(form.get("cari") or "")[:100])


@router.post("/angkatan/{batch_id}/calonkan")
async def nominate(request: Request, batch_id: uuid.UUID, principal: PagePrincipal, uow: UowDep):
    """A cooperative already trained this fiscal year is nominated only after the officer confirms it."""
    form = await checked_form(request)
    try:
        data = EnrollmentCreate(batch_id=batch_id, participant_id=form.get("participant_id"))
        if form.get("konfirmasi") != "ya":
            async with uow:
                warnings = await planning.warnings_before_nominating(uow.session, batch_id=batch_id,
                                                                     participant_id=data.participant_id)
                person = await participants.get_participant(uow.session, principal=principal,
                                                            participant_id=data.participant_id)
                confirm = {"participant_id": person.id, "full_name": person.full_name, "warnings": warnings}
            if warnings:
                return await _batch_page(request, principal, uow, batch_id, confirm=confirm)
        async with uow:
            enrollment, position, _ = await enrollments.enroll_participant(uow, principal=principal, data=data)
    except (ValueError, DomainError) as exc:
        message = exc.message if isinstance(exc, DomainError) else "Pilih pengurus yang akan dicalonkan."
        return await _batch_page(request, principal, uow, batch_id, problem=message, status_code=409)
    return RedirectResponse(f"/angkatan/{batch_id}?pesan={enrollment.status}", status_code=303)


@router.post("/angkatan/{batch_id}/batal/{enrollment_id}")
async def cancel(request: Request, batch_id: uuid.UUID, enrollment_id: uuid.UUID, principal: PagePrincipal,
                 uow: UowDep):
    await checked_form(request)
    try:
        async with uow:
            _, promoted = await enrollments.cancel_enrollment(uow, principal=principal, enrollment_id=enrollment_id,
                                                              reason="dibatalkan oleh dinas")
    except DomainError as exc:
        return await _batch_page(request, principal, uow, batch_id, problem=exc.message, status_code=409)
    return RedirectResponse(f"/angkatan/{batch_id}?pesan={'promoted' if promoted else 'cancelled'}", status_code=303)


@router.post("/angkatan/{batch_id}/langsung")
async def walk_in(request: Request, batch_id: uuid.UUID, principal: BatchPagePrincipal, uow: UowDep):
    """A walk-in from an eligible district on a free seat; refusals inline under the form."""
    form = await checked_form(request, principal)
    values = {"participant_id": form.get("participant_id") or "", "reason": form.get("reason") or ""}
    try:
        data = SubstitutionCreate(participant_id=values["participant_id"] or None, reason=values["reason"])
        async with uow:
            await substitutions.substitute(uow, principal=principal, batch_id=batch_id, data=data)
    except (ValidationError, DomainError) as exc:
        errors, summary = field_errors(exc)
        status = exc.status if isinstance(exc, DomainError) else 422
        return await _batch_page(request, principal, uow, batch_id, problem=summary, status_code=status,
                                 substitution={"enrollment_id": "langsung", "values": values, "errors": errors})
    return RedirectResponse(f"/angkatan/{batch_id}?pesan=walked_in", status_code=303)


async def _import_page(request, principal, uow, status_code=200, **context):
    async with uow:
        open_batches = [b for b in await batches.list_batches(uow.session, principal=principal)
                        if b["status"] == "scheduled"]
    settings = request.app.state.settings
    return render(request, "import.html", principal, status_code=status_code, batches=open_batches,
                  max_kib=settings.import_max_bytes // 1024, max_rows=settings.import_max_rows, **context)


@router.get("/impor")
async def import_form(request: Request, principal: PagePrincipal, uow: UowDep):
    return await _import_page(request, principal, uow)


@router.post("/impor")
async def import_file(request: Request, principal: PagePrincipal, uow: UowDep):
    """"Pratinjau" (cooperatives) shows what the file would create, update and refuse and holds the file for
    "Impor sekarang" (sent back as a token); "Impor" writes at once."""
    form = await checked_form(request)
    settings = request.app.state.settings
    upload, kind = form.get("file"), form.get("kind")
    participants_file = kind == "participants"
    columns = import_formats.PARTICIPANT_COLUMNS if participants_file else cooperative_import.import_columns()
    preview = form.get("action") == "pratinjau"
    try:
        if form.get("held"):
            name, content = take_held(principal.subject, form["held"])
        elif not isinstance(upload, UploadFile) or not upload.filename:
            raise Invalid("Pilih berkas .csv atau .xlsx terlebih dahulu.")
        else:
            name, content = await read_upload(upload, max_bytes=settings.import_max_bytes)
        if preview and participants_file:
            raise Invalid("Pratinjau tersedia untuk impor koperasi; untuk pengurus klik Impor.")
        table = await parse_table(name, content, columns, max_rows=settings.import_max_rows)
        async with uow:
            if participants_file:
                batch_id = uuid.UUID(form["batch_id"]) if form.get("batch_id") else None
                outcome = await imports.import_participants(uow, principal=principal, rows=table.rows,
                                                            source=name, batch_id=batch_id)
            else:
                outcome = await cooperative_import.import_cooperatives(uow, principal=principal, table=table,
                                                                       source=name, preview=preview)
    except DomainError as exc:
        return await _import_page(request, principal, uow, status_code=exc.status, problem=exc.message)
    report = base64.b64encode(error_report(columns, outcome.rejected)).decode() if outcome.rejected else ""
    held = hold_for_import(principal.subject, name, content) if preview else ""
    return await _import_page(request, principal, uow, result=outcome.as_result(), error_report=report,
                              held=held, held_name=name)


@router.get("/audit")
async def audit_page(request: Request, principal: PagePrincipal, uow: UowDep,
                     page: Annotated[int, Query(ge=1, le=1_000_000)] = 1):
    if principal.role != Role.ADMIN:
        raise Forbidden("Halaman ini hanya untuk admin provinsi.")
    async with uow:
        rows, total = await audit.list_entries(uow.session, page=page, page_size=AUDIT_PAGE_SIZE)
        items = audit_wording.readable(rows, await audit_wording.names_for(uow.session, rows))
    return render(request, "audit.html", principal, items=items, total=total, page=page, page_size=AUDIT_PAGE_SIZE)
