"""Reports by name, as the API, the exports and the dashboard all serve them."""
from __future__ import annotations

import uuid

from services.reporting.service_layer import budget, figures
from services.reporting.service_layer.learning import learning as learning_figures
from services.reporting.service_layer.satisfaction import satisfaction as satisfaction_figures
from services.reporting.service_layer.scope import Scope, resolve_scope

BREAKDOWNS = ("districts", "sectors", "cooperative-types", "sexes", "batches")


async def breakdown_rows(session, name: str, scope: Scope, *, default_target: int) -> list[dict]:
    if name == "districts":
        return await figures.by_district(session, scope, default_target=default_target)
    if name == "sectors":
        return await figures.by_sector(session, scope)
    if name == "cooperative-types":
        return await figures.by_cooperative_type(session, scope)
    if name == "sexes":
        return await figures.by_sex(session, scope)
    if name == "batches":
        return await figures.by_batch(session, scope)
    raise ValueError(f"unknown report {name}")


async def breakdown(sessions, name: str, *, fiscal_year: int | None, programme_id: uuid.UUID | None,
                    default_target: int) -> dict:
    async with sessions() as session:
        scope = await resolve_scope(session, fiscal_year, programme_id)
        rows = await breakdown_rows(session, name, scope, default_target=default_target)
        return {"fiscal_year": fiscal_year, "programme_id": programme_id, **await figures.freshness(session),
                "rows": rows}


async def summary(sessions, *, fiscal_year: int | None, programme_id: uuid.UUID | None,
                  default_target: int) -> dict:
    async with sessions() as session:
        scope = await resolve_scope(session, fiscal_year, programme_id)
        return await figures.summary(session, scope, default_target=default_target)


async def latest_fiscal_year(sessions) -> int | None:
    """The newest fiscal year that has a programme or a batch: what a dashboard opens on."""
    async with sessions() as session:
        return await figures.latest_fiscal_year(session)


async def everything(sessions, *, fiscal_year: int | None, programme_id: uuid.UUID | None,
                     default_target: int) -> dict:
    """The summary and every breakdown read in one session: one consistent picture for a whole workbook."""
    async with sessions() as session:
        scope = await resolve_scope(session, fiscal_year, programme_id)
        result = {"summary": await figures.summary(session, scope, default_target=default_target)}
        for name in BREAKDOWNS:
            result[name] = await breakdown_rows(session, name, scope, default_target=default_target)
        return result


async def budget_components(sessions, *, fiscal_year: int | None, programme_id: uuid.UUID | None) -> dict:
    """The budget of closed batches by DAK component (and realised per triwulan), with the year's allocation."""
    async with sessions() as session:
        scope = await resolve_scope(session, fiscal_year, programme_id)
        allocation = sum(p.allocation for p in (await session.scalars(scope.programmes())).all())
        return {"fiscal_year": fiscal_year, "programme_id": programme_id, **await figures.freshness(session),
                "allocation": allocation, **await budget.by_component(session, scope)}


async def _scoped(sessions, compute, *, fiscal_year: int | None, programme_id: uuid.UUID | None, **kwargs) -> dict:
    async with sessions() as session:
        scope = await resolve_scope(session, fiscal_year, programme_id)
        return {"fiscal_year": fiscal_year, "programme_id": programme_id, **await figures.freshness(session),
                **await compute(session, scope, **kwargs)}


async def learning(sessions, *, fiscal_year: int | None, programme_id: uuid.UUID | None) -> dict:
    """Pre/post-test averages, gain and share improved per batch, kabupaten/kota, sector and programme."""
    return await _scoped(sessions, learning_figures, fiscal_year=fiscal_year, programme_id=programme_id)


async def satisfaction(sessions, *, fiscal_year: int | None, programme_id: uuid.UUID | None) -> dict:
    """Evaluation means per batch and section, response rates, and per narasumber across batches."""
    return await _scoped(sessions, satisfaction_figures, fiscal_year=fiscal_year, programme_id=programme_id)


BUDGET_VIEWS = {"component": "components", "quarter": "quarters", "district": "districts", "batch": "batches"}


async def _budget_breakdown(session, scope) -> dict:
    allocation = sum(p.allocation for p in (await session.scalars(scope.programmes())).all())
    return await budget.breakdown(session, scope, allocation)


async def budget_report(sessions, *, fiscal_year: int | None, programme_id: uuid.UUID | None, by: str) -> dict:
    """The year's DAK budget with the rows of one view: by component, triwulan, kabupaten/kota or batch."""
    report = await _scoped(sessions, _budget_breakdown, fiscal_year=fiscal_year, programme_id=programme_id)
    views = {view: report.pop(key) for view, key in BUDGET_VIEWS.items()}
    return {**report, "by": by, "rows": views[by]}
