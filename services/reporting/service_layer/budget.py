"""DAK budget figures: allocation from programmes, planned from batches, realised from closed batches, and both by
DAK component and triwulan."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import distinct, func, select

from services.reporting.adapters.orm import BatchView, CompletionView, EnrollmentView
from services.reporting.domain.budget import DISTRICT_RULE, QUARTER_RULE, QUARTERS, lines_of, quarter, split
from services.reporting.service_layer.scope import UNKNOWN, Scope, rate
from shared.budget import DEFAULT_COMPONENTS, label
from shared.regions import district_name, districts


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


async def _closed(session, scope: Scope) -> list:
    query = scope.restrict(select(BatchView), BatchView.id).where(BatchView.status == "closed")
    return (await session.scalars(query.order_by(BatchView.end_date, BatchView.code))).all()


def _codes(totals) -> list[str]:
    known = [c.code for c in DEFAULT_COMPONENTS]
    return known + sorted(set(totals) - set(known))  # a code of another configuration comes last


async def by_component(session, scope: Scope) -> dict:
    """Planned and realised of closed batches per DAK component, realised per triwulan too. A closing without
    components (before batch.closed carried them) counts as one line "lainnya": the batch's plan, its realised
    cost."""
    rows = await _closed(session, scope)
    totals: dict[str, dict] = {}
    for b in rows:
        q = quarter(b.end_date, b.closed_at)
        for line in lines_of(b.components, b.planned_budget, b.realised_cost):
            held = totals.setdefault(line["component"], {"planned": 0, "realised": 0, "quarters": [0, 0, 0, 0]})
            held["planned"] += line["planned"]
            held["realised"] += line["realised"]
            if q is not None:
                held["quarters"][q - 1] += line["realised"]
    components = []
    for code in _codes(totals):
        held = totals.get(code, {"planned": 0, "realised": 0, "quarters": [0, 0, 0, 0]})
        components.append({"component": code, "label": label(code), "planned": held["planned"],
                           "realised": held["realised"], "absorption": rate(held["realised"], held["planned"]),
                           "realised_by_quarter": held["quarters"]})
    planned = sum(c["planned"] for c in components)
    realised = sum(c["realised"] for c in components)
    return {"batches_closed": len(rows), "planned": planned, "realised": realised,
            "realised_by_quarter": [sum(c["realised_by_quarter"][i] for c in components) for i in range(4)],
            "components": components}


async def _participants_by_district(session, batch_ids) -> dict:
    rows = await session.execute(select(EnrollmentView.batch_id, EnrollmentView.district_code, func.count())
                                 .where(EnrollmentView.batch_id.in_(batch_ids), EnrollmentView.status == "enrolled")
                                 .group_by(EnrollmentView.batch_id, EnrollmentView.district_code))
    found: dict = defaultdict(dict)
    for batch_id, district, n in rows:
        found[batch_id][district or UNKNOWN] = n
    return found


async def _completers(session, batch_ids, column) -> dict:
    rows = await session.execute(select(column, func.count(), func.count(distinct(CompletionView.cooperative_id)))
                                 .where(CompletionView.completed.is_(True), CompletionView.batch_id.in_(batch_ids))
                                 .group_by(column))
    return {key: (n, cooperatives) for key, n, cooperatives in rows}


async def breakdown(session, scope: Scope, allocation: int) -> dict:
    """The DAK budget of a fiscal year for the ministry: allocation per programme; closed batches' planned and
    realised per component (with the cost per completer and per trained cooperative of each), per batch, per
    triwulan (by the batch's last day) and per kabupaten/kota of the participants (split by their share)."""
    closed = await _closed(session, scope)
    ids = [b.id for b in closed]
    programmes = (await session.scalars(scope.programmes())).all()
    components = await by_component(session, scope)
    spent = await budget(session, scope, allocation)
    completers, cooperatives = spent["completers_in_closed_batches"], spent["cooperatives_in_closed_batches"]
    for row in components["components"]:
        row["cost_per_completer"] = round(row["realised"] / completers) if completers else None
        row["cost_per_cooperative"] = round(row["realised"] / cooperatives) if cooperatives else None

    programmes = (await session.scalars(scope.programmes())).all()
    by_batch_completers = await _completers(session, ids, CompletionView.batch_id)
    batch_rows = []
    for b in closed:
        lines = {line["component"]: line for line in lines_of(b.components, b.planned_budget, b.realised_cost)}
        done, coops = by_batch_completers.get(b.id, (0, 0))
        q = quarter(b.end_date, b.closed_at)
        batch_rows.append({"batch_id": b.id, "code": b.code, "title": b.title, "end_date": b.end_date,
                           "quarter": QUARTERS[q - 1] if q else None,
                           "planned": sum(line["planned"] for line in lines.values()),
                           "realised": sum(line["realised"] for line in lines.values()),
                           "completers": done, "cooperatives_trained": coops,
                           "cost_per_completer": round(b.realised_cost / done) if done and b.realised_cost else None,
                           "components": {code: {"planned": line["planned"], "realised": line["realised"]}
                                          for code, line in lines.items()}})

    per_programme: dict = defaultdict(lambda: [0, 0])
    for b, r in zip(closed, batch_rows):
        per_programme[b.programme_id][0] += r["planned"]
        per_programme[b.programme_id][1] += r["realised"]
    programme_rows = [{"programme_id": p.id, "name": p.name, "funding_source": p.funding_source,
                       "allocation": p.allocation, "planned": per_programme[p.id][0],
                       "realised": per_programme[p.id][1], "absorption": rate(per_programme[p.id][1], p.allocation)}
                      for p in sorted(programmes, key=lambda p: p.name)]

    quarter_rows, cumulative = [], 0
    for i, name in enumerate(QUARTERS):
        in_quarter = [r for r in batch_rows if r["quarter"] == name]
        realised = sum(r["realised"] for r in in_quarter)
        cumulative += realised
        per_code: dict = defaultdict(int)
        for r in in_quarter:
            for code, line in r["components"].items():
                per_code[code] += line["realised"]
        quarter_rows.append({"quarter": name, "label": f"Triwulan {name}", "batches_closed": len(in_quarter),
                             "planned": sum(r["planned"] for r in in_quarter), "realised": realised,
                             "cumulative": cumulative, "absorption_cumulative": rate(cumulative, allocation),
                             "components": {code: per_code[code] for code in _codes(per_code) if per_code[code]}})

    shares = await _participants_by_district(session, ids)
    district_totals: dict = defaultdict(lambda: {"planned": 0, "realised": 0, "batches": 0})
    for r in batch_rows:
        weights = shares.get(r["batch_id"]) or {UNKNOWN: 1}
        for key, amount in (("planned", r["planned"]), ("realised", r["realised"])):
            for district, part in split(amount, weights).items():
                district_totals[district][key] += part
        for district in weights:
            district_totals[district]["batches"] += 1
    by_district_completers = await _completers(session, ids, CompletionView.district_code)
    district_rows = []
    for code in list(districts()) + sorted(set(district_totals) - set(districts())):
        held = district_totals.get(code, {"planned": 0, "realised": 0, "batches": 0})
        done, coops = by_district_completers.get(code, (0, 0))
        district_rows.append({"key": code, "label": district_name(code) if code != UNKNOWN else UNKNOWN, **held,
                              "absorption": rate(held["realised"], held["planned"]), "completers": done,
                              "cooperatives_trained": coops,
                              "cost_per_completer": round(held["realised"] / done) if done else None})
    return {**components, "allocation": allocation, "remaining": spent["remaining"],
            "absorption": rate(components["realised"], allocation),
            "cost_per_completer": spent["cost_per_completer"], "cost_per_cooperative": spent["cost_per_cooperative"],
            "completers_in_closed_batches": completers, "cooperatives_in_closed_batches": cooperatives,
            "quarter_rule": QUARTER_RULE, "district_rule": DISTRICT_RULE, "programmes": programme_rows,
            "batches": batch_rows, "quarters": quarter_rows, "districts": district_rows}
