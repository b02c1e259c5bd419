"""The console's pages of the participants' evaluation (issue 15): a batch's results (the UPTD's staff and the
batch's trainers), the button that makes the links sheet (a form post with the session's CSRF token: it replaces
the links not yet used), and the questionnaire template (add, edit, remove items). Without JavaScript. A
narasumber's code and consent are on the main narasumber form (console.py)."""
from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.training.domain.evaluation import SECTION_TITLES, SECTIONS
from services.training.entrypoints.console import render, see, staff
from services.training.entrypoints.deps import SettingsDep, UowDep
from services.training.entrypoints.http_evaluation import link_sheet
from services.training.entrypoints.pages import STAFF_ROLES, templates
from services.training.service_layer import evaluation, scores
from shared import pages
from shared.auth import Role
from shared.errors import DomainError, NotFound

router = APIRouter(prefix="/konsol", include_in_schema=False)


def _batch_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise NotFound("Angkatan tidak ditemukan.") from None


@router.get("/angkatan/{batch_id}/evaluasi")
async def results_page(request: Request, batch_id: str, uow: UowDep, pesan: str | None = None):
    principal = await pages.page_principal(request, STAFF_ROLES, "Hasil evaluasi untuk staf UPTD dan narasumber "
                                                                 "angkatan ini.")
    bid = _batch_id(batch_id)
    async with uow:
        batch, found = await evaluation.batch_evaluation(uow.session, principal=principal, batch_id=bid)
        read = evaluation.results_read(batch, found, await scores.results_of(uow.session, bid))
        # Rendered inside the unit of work: leaving it rolls back, which expires the batch the page shows.
        return templates.TemplateResponse(request, "evaluasi_hasil.html", {
            "principal": principal, "csrf": pages.csrf_token(principal), "batch": batch, "read": read,
            "made": found is not None, "manages": principal.role in evaluation.MANAGES, "message": pesan,
            "console": principal.role != Role.TRAINER}, headers={"Cache-Control": "no-store"})


@router.post("/angkatan/{batch_id}/evaluasi/tautan")
async def make_links(request: Request, batch_id: str, uow: UowDep, settings: SettingsDep):
    principal = await staff(request)
    bid = _batch_id(batch_id)
    await pages.checked_form(request, principal)
    try:
        name, content = await link_sheet(uow, principal, bid, settings)
    except DomainError as exc:
        return see(f"/angkatan/{bid}/evaluasi", exc.message)
    return Response(content, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


# --- the questionnaire template -----------------------------------------------------------------------------------

async def _template_page(request, principal, uow, *, status_code: int = 200, errors=None, values=None, problem=None,
                         message=None):
    async with uow:
        items = await evaluation.template_items(uow.session)
        await uow.commit()  # the default template, written on first use
        rows = [{"id": i.id, "section": i.section, "code": i.code, "label": i.label} for i in items]
    return render(request, "evaluasi_template.html", principal, status_code=status_code, rows=rows,
                  sections=[(s, SECTION_TITLES[s]) for s in SECTIONS], errors=errors or {}, values=values or {},
                  problem=problem, message=message)


@router.get("/evaluasi/templat")
async def template_page(request: Request, uow: UowDep, pesan: str | None = None):
    return await _template_page(request, await staff(request), uow, message=pesan)


@router.post("/evaluasi/templat")
async def template_add(request: Request, uow: UowDep):
    principal = await staff(request)
    form = await pages.checked_form(request, principal)
    values = {k: str(form.get(k, "")) for k in ("section", "code", "label")}
    try:
        async with uow:
            await evaluation.add_item(uow, principal=principal, **values)
    except DomainError as exc:
        errors, problem = pages.form_errors(exc)
        return await _template_page(request, principal, uow, status_code=exc.status, errors=errors, values=values,
                                    problem=problem)
    return see("/evaluasi/templat#" + values["section"], f"Butir {values['code'].strip()} ditambahkan.")


@router.post("/evaluasi/templat/{item_id}/ubah")
async def template_edit(request: Request, item_id: int, uow: UowDep):
    principal = await staff(request)
    form = await pages.checked_form(request, principal)
    try:
        async with uow:
            await evaluation.update_item(uow, principal=principal, item_id=item_id, label=str(form.get("label", "")))
    except DomainError as exc:
        return await _template_page(request, principal, uow, status_code=exc.status,
                                    problem=f"{exc.message} {' '.join(f['message'] for f in exc.fields)}".strip())
    return see("/evaluasi/templat", "Pertanyaan diperbarui.")


@router.post("/evaluasi/templat/{item_id}/hapus")
async def template_remove(request: Request, item_id: int, uow: UowDep):
    principal = await staff(request)
    await pages.checked_form(request, principal)
    try:
        async with uow:
            await evaluation.remove_item(uow, principal=principal, item_id=item_id)
    except DomainError as exc:
        return await _template_page(request, principal, uow, status_code=exc.status, problem=exc.message)
    return see("/evaluasi/templat", "Butir dihapus. Angkatan yang tautannya sudah dibuat tetap memakai kuesionernya.")
