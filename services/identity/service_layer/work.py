"""A unit of work whose objects outlive it: the rows a use case returns are detached before the session closes
(its closing rollback would otherwise expire them)."""
from __future__ import annotations

from contextlib import asynccontextmanager

from shared.unit_of_work import UnitOfWork


@asynccontextmanager
async def work(uow: UnitOfWork):
    async with uow:
        try:
            yield uow
        finally:
            uow.session.expunge_all()
