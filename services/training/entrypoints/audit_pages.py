"""Training's audit trail for the province's admins: the page /konsol/audit (who, what in words, when in WITA,
newest first) and the API GET /api/v1/audit. Training staff make the changes; only an admin reads the trail."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from services.training.entrypoints.deps import UowDep
from services.training.entrypoints.pages import templates
from services.training.service_layer import audit, audit_wording
from shared import pages
from shared.auth import Principal, Role, require

router = APIRouter()
PAGE_SIZE = 50
ADMIN_ONLY = "Halaman ini hanya untuk admin provinsi."
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
PageNo = Annotated[int, Query(ge=1, le=1_000_000)]


class AuditRead(BaseModel):
    """One change as stored (registration's shape), with its sentence as the page shows it."""

    at: datetime
    actor: str
    actor_name: str | None = None
    role: str | None = None  # none for an attendance correction (its trail keeps no role)
    action: str
    entity: str  # programme | batch | session | trainer | official | certificate | attendance
    entity_id: str  # a session (and an attendance correction): "<batch id>/<number>"
    changes: dict
    note: str | None = None
    participant_id: str | None = None
    sentence: str


class AuditPage(BaseModel):
    items: list[AuditRead]
    total: int
    page: int
    page_size: int


@router.get("/konsol/audit", include_in_schema=False)
async def audit_page(request: Request, uow: UowDep, page: PageNo = 1):
    principal = await pages.page_principal(request, (Role.ADMIN,), ADMIN_ONLY)
    async with uow:
        rows, total = await audit.list_entries(uow.session, page=page, page_size=PAGE_SIZE)
        items = audit_wording.readable(rows, await audit_wording.names_for(uow.session, rows))
    return templates.TemplateResponse(request, "konsol/audit.html", {
        "principal": principal, "items": items, "total": total, "page": page, "page_size": PAGE_SIZE},
        headers={"Cache-Control": "no-store"})


@router.get("/api/v1/audit", response_model=AuditPage, tags=["training"], summary="Jejak audit pelatihan (admin)")
async def list_audit(principal: Admin, uow: UowDep, entity: str | None = Query(None, max_length=40),
                     entity_id: str | None = Query(None, max_length=60),
                     actor: str | None = Query(None, max_length=120), page: PageNo = 1, page_size: Annotated[int, Query(ge=1, le=200)] = 50):
    async with uow:
        rows, total = await audit.list_entries(uow.session, entity=entity, entity_id=entity_id, actor=actor,
                                               page=page, page_size=page_size)
        names = await audit_wording.names_for(uow.session, rows)
        items = [{**audit.to_read(r), "sentence": line["sentence"]}
                 for r, line in zip(rows, audit_wording.readable(rows, names))]
        return {"items": items, "total": total, "page": page, "page_size": page_size}
