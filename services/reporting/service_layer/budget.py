"""DAK budget figures: allocation from programmes, planned from batches, realised from closed batches."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import distinct, func, select

from services.reporting.adapters.orm import BatchView, CompletionView
from services.reporting.service_layer.scope import Scope, rate


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
