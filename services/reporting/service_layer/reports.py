"""Reports by name, as the API, the exports and the dashboard all serve them; each reads in the session it is
given (the request's unit of work), so one request sees one consistent store."""
from __future__ import annotations

import uuid

from services.reporting.service_layer import budget, figures
from services.reporting.service_layer.cooperatives import indicators
from services.reporting.service_layer.schedule import schedule as schedule_rows
from services.reporting.service_layer.learning import learning as learning_figures
from services.reporting.service_layer.satisfaction import satisfaction as satisfaction_figures
from services.reporting.service_layer.scope import Scope, resolve_scope

BREAKDOWNS = ("districts", "sectors", "cooperative-types", "sexes", "batches")
# Tables of the newer reports, one CSV/XLSX sheet each: (report, how its rows are read from it).
LEARNING_LEVELS = (("batches", "Angkatan"), ("districts", "Kabupaten/Kota"), ("sectors", "Sektor"),
                   ("programmes", "Program"))
TABLES = ("learning", "satisfaction", "narasumber", "budget-components", "budget-quarters", "budget-districts",
          "budget-batches", "cooperatives", "schedule")


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
    if name in TABLES:
        return await table_rows(session, name, scope)
    raise ValueError(f"unknown report {name}")


async def breakdown(session, name: str, *, fiscal_year: int | None, programme_id: uuid.UUID | None,
                    default_target: int) -> dict:
    scope = await resolve_scope(session, fiscal_year, programme_id)
    rows = await breakdown_rows(session, name, scope, default_target=default_target)
    return {"fiscal_year": fiscal_year, "programme_id": programme_id, **await figures.freshness(session),
            "rows": rows}


async def summary(session, *, fiscal_year: int | None, programme_id: uuid.UUID | None,
                  default_target: int) -> dict:
    scope = await resolve_scope(session, fiscal_year, programme_id)
    return await figures.summary(session, scope, default_target=default_target)


async def latest_fiscal_year(session) -> int | None:
    """The newest fiscal year that has a programme or a batch: what a dashboard opens on."""
    return await figures.latest_fiscal_year(session)


async def everything(session, *, fiscal_year: int | None, programme_id: uuid.UUID | None,
                     default_target: int) -> dict:
    """The summary and every breakdown read in one session: one consistent picture for a whole workbook."""
    scope = await resolve_scope(session, fiscal_year, programme_id)
    result = {"summary": await figures.summary(session, scope, default_target=default_target)}
    for name in BREAKDOWNS:
        result[name] = await breakdown_rows(session, name, scope, default_target=default_target)
    for key, compute, _ in TABLE_SOURCES.values():
        if key not in result:
            result[key] = await compute(session, scope)
    result.update(tables_of(result))
    return result


async def budget_components(session, *, fiscal_year: int | None, programme_id: uuid.UUID | None) -> dict:
    """The budget of closed batches by DAK component (and realised per triwulan), with the year's allocation."""
    scope = await resolve_scope(session, fiscal_year, programme_id)
    allocation = sum(p.allocation for p in (await session.scalars(scope.programmes())).all())
    return {"fiscal_year": fiscal_year, "programme_id": programme_id, **await figures.freshness(session),
            "allocation": allocation, **await budget.by_component(session, scope)}


async def _scoped(session, compute, *, fiscal_year: int | None, programme_id: uuid.UUID | None, **kwargs) -> dict:
    scope = await resolve_scope(session, fiscal_year, programme_id)
    return {"fiscal_year": fiscal_year, "programme_id": programme_id, **await figures.freshness(session),
            **await compute(session, scope, **kwargs)}


async def learning(session, *, fiscal_year: int | None, programme_id: uuid.UUID | None) -> dict:
    """Pre/post-test averages, gain and share improved per batch, kabupaten/kota, sector and programme."""
    return await _scoped(session, learning_figures, fiscal_year=fiscal_year, programme_id=programme_id)


async def satisfaction(session, *, fiscal_year: int | None, programme_id: uuid.UUID | None) -> dict:
    """Evaluation means per batch and section, response rates, and per narasumber across batches."""
    return await _scoped(session, satisfaction_figures, fiscal_year=fiscal_year, programme_id=programme_id)


BUDGET_VIEWS = {"component": "components", "quarter": "quarters", "district": "districts", "batch": "batches"}


async def _budget_breakdown(session, scope) -> dict:
    allocation = sum(p.allocation for p in (await session.scalars(scope.programmes())).all())
    return await budget.breakdown(session, scope, allocation)


async def budget_report(session, *, fiscal_year: int | None, programme_id: uuid.UUID | None, by: str) -> dict:
    """The year's DAK budget with the rows of one view: by component, triwulan, kabupaten/kota or batch."""
    report = await _scoped(session, _budget_breakdown, fiscal_year=fiscal_year, programme_id=programme_id)
    views = {view: report.pop(key) for view, key in BUDGET_VIEWS.items()}
    return {**report, "by": by, "rows": views[by]}


async def cooperatives(session, *, fiscal_year: int | None, programme_id: uuid.UUID | None) -> dict:
    """Registered cooperatives per kabupaten/kota: active, inactive, members by sex, ODS grade, trained in scope."""
    return await _scoped(session, indicators, fiscal_year=fiscal_year, programme_id=programme_id)


async def _schedule(session, scope) -> dict:
    return {"rows": await schedule_rows(session, scope)}


async def schedule(session, *, fiscal_year: int | None, programme_id: uuid.UUID | None) -> dict:
    """Every batch of the year: dates, venue, title, JP, capacity, eligible kabupaten/kota, status."""
    return await _scoped(session, _schedule, fiscal_year=fiscal_year, programme_id=programme_id)


def _learning_rows(report: dict) -> list[dict]:
    return [{"level": level, **row} for key, level in LEARNING_LEVELS for row in report[key]
            if key != "districts" or row["participants_with_pre"] or row["participants_with_post"]]


def _budget_batch_rows(report: dict) -> list[dict]:
    return [{**row, **{f"realised_{code}": line["realised"] for code, line in row["components"].items()}}
            for row in report["batches"]]


def _component_rows(report: dict) -> list[dict]:
    return [{**row, **{f"realised_q{i}": v for i, v in enumerate(row["realised_by_quarter"], start=1)}}
            for row in report["components"]]


def _quarter_rows(report: dict) -> list[dict]:
    return [{**row, **{f"component_{code}": v for code, v in row["components"].items()}} for row in report["quarters"]]


# table -> (the report it is read from, its compute function, how its rows are read from that report)
TABLE_SOURCES = {
    "learning": ("learning_report", learning_figures, _learning_rows),
    "satisfaction": ("satisfaction_report", satisfaction_figures, lambda r: r["batches"]),
    "narasumber": ("satisfaction_report", satisfaction_figures, lambda r: r["narasumber"]),
    "budget-components": ("budget_report", _budget_breakdown, _component_rows),
    "budget-quarters": ("budget_report", _budget_breakdown, _quarter_rows),
    "budget-districts": ("budget_report", _budget_breakdown, lambda r: r["districts"]),
    "budget-batches": ("budget_report", _budget_breakdown, _budget_batch_rows),
    "cooperatives": ("cooperatives_report", indicators, lambda r: r["rows"]),
    "schedule": ("schedule_report", _schedule, lambda r: r["rows"]),
}


def tables_of(result: dict) -> dict:
    """The newer reports' tables, flat rows as the exports write them, from reports already computed."""
    return {name: rows(result[key]) for name, (key, _, rows) in TABLE_SOURCES.items()}


async def table_rows(session, name: str, scope) -> list[dict]:
    _, compute, rows = TABLE_SOURCES[name]
    return rows(await compute(session, scope))
