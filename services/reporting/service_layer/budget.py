"""DAK budget figures: allocation from programmes, planned from batches, realised from closed batches, and both by
DAK component and triwulan."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import distinct, func, select

from services.reporting.adapters.orm import BatchView, CompletionView
from services.reporting.service_layer.scope import Scope, rate
from shared.budget import DEFAULT_COMPONENTS, OTHER, label


async def programme_totals(session, scope: Scope, default_target: int) -> dict:
    programmes = (await session.scalars(scope.programmes())).all()
    district_targets: dict[str, int] = defaultdict(int)
    for programme in programmes:
        for code, target in (programme.district_targets or {}).items():
            district_targets[code] += target
    return {"allocation": sum(p.allocation for p in programmes),
            # Without a programme event the province's standing target applies (600 for DAK 2023).
            "target": sum(p.target_cooperatives for p in programmes) or default_target,
            "district_targets": dict(district_targets),
            "programmes": len(programmes)}


async def budget(session, scope: Scope, allocation: int) -> dict:
    """Allocation, planned, realised, remaining; costs per completer and per cooperative of closed batches.

    Costs divide what closed batches realised by who completed in those same batches: a batch that has
    decided completion but not yet reported its cost would otherwise make each completer look cheaper.
    """
    in_scope = scope.batches()
    planned = await session.scalar(select(func.coalesce(func.sum(BatchView.planned_budget), 0))
                                   .where(BatchView.status != "cancelled", BatchView.id.in_(in_scope)))
    closed = in_scope.where(BatchView.status == "closed")
    realised = await session.scalar(select(func.coalesce(func.sum(BatchView.realised_cost), 0))
                                    .where(BatchView.id.in_(closed)))
    completers, cooperatives = (await session.execute(
        select(func.count(), func.count(distinct(CompletionView.cooperative_id)))
        .where(CompletionView.completed.is_(True), CompletionView.batch_id.in_(closed)))).one()
    return {
        "allocation": allocation,
        "planned": int(planned),
        "realised": int(realised),
        "remaining": allocation - int(realised) if allocation else None,
        "absorption": rate(int(realised), allocation),
        "cost_per_completer": round(int(realised) / completers) if completers else None,
        "cost_per_cooperative": round(int(realised) / cooperatives) if cooperatives else None,
        "completers_in_closed_batches": completers,
        "cooperatives_in_closed_batches": cooperatives,
    }


async def absorption_timeline(session, scope: Scope) -> list[dict]:
    """Realised cost per month of closing, with the running total: the absorption curve."""
    query = scope.restrict(select(BatchView.closed_at, BatchView.realised_cost), BatchView.id)
    rows = await session.execute(query.where(BatchView.status == "closed", BatchView.closed_at.is_not(None)))
    per_month: dict[str, int] = defaultdict(int)
    for closed_at, cost in rows:
        per_month[f"{closed_at:%Y-%m}"] += cost or 0
    timeline, total = [], 0
    for month in sorted(per_month):
        total += per_month[month]
        timeline.append({"month": month, "realised": per_month[month], "cumulative": total})
    return timeline


def quarter(end_date, closed_at) -> int | None:
    """The triwulan a closed batch's realisasi is reported in: that of its last day (the spending happened then,
    and a closing recorded late must not move it into another quarter or year); the closing's day when reporting
    has not learned the dates yet."""
    day = end_date or (closed_at.date() if closed_at is not None else None)
    return None if day is None else (day.month - 1) // 3 + 1


async def by_component(session, scope: Scope) -> dict:
    """Planned and realised of closed batches per DAK component, realised per triwulan too. A closing without
    components (before batch.closed carried them) counts as one line "lainnya": the batch's plan, its realised
    cost."""
    query = scope.restrict(select(BatchView.planned_budget, BatchView.realised_cost, BatchView.components,
                                  BatchView.end_date, BatchView.closed_at), BatchView.id)
    rows = (await session.execute(query.where(BatchView.status == "closed"))).all()
    totals: dict[str, dict] = {}
    for planned_budget, realised_cost, components, end_date, closed_at in rows:
        lines = components if components is not None else [
            {"component": OTHER, "planned": planned_budget or 0, "realised": realised_cost or 0}]
        q = quarter(end_date, closed_at)
        for line in lines:
            held = totals.setdefault(line["component"], {"planned": 0, "realised": 0, "quarters": [0, 0, 0, 0]})
            held["planned"] += line["planned"]
            held["realised"] += line["realised"]
            if q is not None:
                held["quarters"][q - 1] += line["realised"]
    known = [c.code for c in DEFAULT_COMPONENTS]
    components = []
    for code in known + sorted(set(totals) - set(known)):  # a code of another configuration comes last
        held = totals.get(code, {"planned": 0, "realised": 0, "quarters": [0, 0, 0, 0]})
        components.append({"component": code, "label": label(code), "planned": held["planned"],
                           "realised": held["realised"], "absorption": rate(held["realised"], held["planned"]),
                           "realised_by_quarter": held["quarters"]})
    planned = sum(c["planned"] for c in components)
    realised = sum(c["realised"] for c in components)
    return {"batches_closed": len(rows), "planned": planned, "realised": realised,
            "realised_by_quarter": [sum(c["realised_by_quarter"][i] for c in components) for i in range(4)],
            "components": components}
