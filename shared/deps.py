"""FastAPI dependencies every service's routes share: the unit of work of the request."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from shared.unit_of_work import UnitOfWork


async def get_uow(request: Request) -> UnitOfWork:
    return request.app.state.runtime.uow()


UowDep = Annotated[UnitOfWork, Depends(get_uow)]
