"""FastAPI dependency aliases for registration's routes."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from shared.auth import Principal, Role, require
from shared.unit_of_work import UnitOfWork


def get_uow(request: Request) -> UnitOfWork:
    return request.app.state.runtime.uow()


UowDep = Annotated[UnitOfWork, Depends(get_uow)]
Registrar = Annotated[Principal, Depends(require(Role.ADMIN, Role.DISTRICT_OFFICER))]
Reader = Annotated[Principal, Depends(require(Role.ADMIN, Role.DISTRICT_OFFICER, Role.TRAINER))]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
