"""Which slice of the figures a report covers: a fiscal year and/or a programme, through the batch."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from services.reporting.adapters.orm import BatchView, ProgrammeView
from shared.errors import NotFound, field_error

UNKNOWN = "tidak diketahui"  # a dimension whose value reporting has not learned yet (event still to come)
SAVINGS_AND_LOANS = "simpan pinjam"  # the sector policy wants cooperatives to move away from


@dataclass(frozen=True)
class Scope:
    fiscal_year: int | None = None
    programme_id: uuid.UUID | None = None

    @property
    def everything(self) -> bool:
        return self.fiscal_year is None and self.programme_id is None

    def batches(self):
        """Ids of the batches in scope (a subquery)."""
        query = select(BatchView.id)
        if self.fiscal_year is not None:
            query = query.where(BatchView.fiscal_year == self.fiscal_year)
        if self.programme_id is not None:
            query = query.where(BatchView.programme_id == self.programme_id)
        return query

    def restrict(self, query, batch_column):
        """Keep only rows of batches in scope; every row when the scope is everything."""
        return query if self.everything else query.where(batch_column.in_(self.batches()))

    def programmes(self):
        query = select(ProgrammeView)
        if self.fiscal_year is not None:
            query = query.where(ProgrammeView.fiscal_year == self.fiscal_year)
        if self.programme_id is not None:
            query = query.where(ProgrammeView.id == self.programme_id)
        return query


async def resolve_scope(session, fiscal_year: int | None, programme_id: uuid.UUID | None) -> Scope:
    """A scope the reader asked for; an unknown programme is a 404, not an empty report."""
    if programme_id is not None and await session.get(ProgrammeView, programme_id) is None:
        raise NotFound("Program tidak ditemukan.", fields=[field_error("programme_id", "tidak dikenal")])
    return Scope(fiscal_year, programme_id)


def rate(part: int | float, whole: int | float) -> float | None:
    return round(part / whole, 4) if whole else None
