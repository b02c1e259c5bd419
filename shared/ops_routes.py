"""Operations endpoints every service has: its parked events (dead letters), for admins."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from shared.auth import Principal, Role, require
from shared.errors import Conflict, NotFound

router = APIRouter(prefix="/api/v1/ops", tags=["ops"])
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
LetterId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Nomor event parkir")]


def _store(request: Request):
    return request.app.state.runtime.dead_letters


@router.get("/dead-letters", summary="Event yang diparkir (tidak dapat diterapkan)")
async def list_dead_letters(request: Request, principal: Admin,
                            status: str | None = Query(default="parked", pattern="^(parked|redriven|discarded)$"),
                            limit: int = Query(default=100, ge=1, le=1000)) -> list[dict]:
    return await _store(request).list(status=status, limit=limit)


@router.post("/dead-letters/{letter_id}/redrive", summary="Terapkan ulang event yang diparkir")
async def redrive(letter_id: LetterId, request: Request, principal: Admin) -> dict:
    runtime = request.app.state.runtime
    letter = await runtime.dead_letters.get(letter_id)
    if letter is None:
        raise NotFound("Event parkir tidak ditemukan.")
    if letter["status"] != "parked" or runtime.consumer is None:
        raise Conflict("Event ini tidak sedang diparkir.")
    await runtime.dead_letters.redrive(letter_id, runtime.consumer)
    return {"id": letter_id, "status": "redriven"}


@router.post("/dead-letters/{letter_id}/discard", summary="Buang event yang diparkir")
async def discard(letter_id: LetterId, request: Request, principal: Admin) -> dict:
    store = _store(request)
    letter = await store.get(letter_id)
    if letter is None:
        raise NotFound("Event parkir tidak ditemukan.")
    await store.mark(letter_id, "discarded")
    return {"id": letter_id, "status": "discarded"}
