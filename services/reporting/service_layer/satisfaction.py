"""How participants rated their training: the projected evaluation summaries, per batch and per narasumber."""
from __future__ import annotations

from sqlalchemy import select

from services.reporting.adapters.orm import BatchView, EvaluationView
from services.reporting.domain.satisfaction import (SECTIONS, Weighted, batch_sections, narasumber_across,
                                                    response_rate)
from services.reporting.service_layer.scope import Scope


async def satisfaction(session, scope: Scope) -> dict:
    evaluations = (await session.scalars(scope.restrict(select(EvaluationView), EvaluationView.batch_id))).all()
    batches = {b.id: b for b in (await session.scalars(
        select(BatchView).where(BatchView.id.in_([e.batch_id for e in evaluations])))).all()}
    overall = {name: Weighted() for name in SECTIONS}
    rows = []
    for e in evaluations:
        sections = batch_sections(e.items, e.narasumber)
        for name, weighted in sections.items():
            overall[name].total += weighted.total
            overall[name].answers += weighted.answers
        b = batches.get(e.batch_id)
        rows.append({"batch_id": e.batch_id, "code": b.code if b else None, "title": b.title if b else None,
                     "start_date": b.start_date if b else None, "respondents": e.respondents, "invited": e.invited,
                     "response_rate": response_rate(e.respondents, e.invited),
                     **{f"mean_{name}": sections[name].mean for name in SECTIONS},
                     "narasumber_count": len(e.narasumber)})
    rows.sort(key=lambda r: (str(r["start_date"] or "9999"), r["code"] or ""))
    respondents, invited = sum(e.respondents for e in evaluations), sum(e.invited for e in evaluations)
    people = narasumber_across([(e.batch_id, {"summarised_at": e.summarised_at}, e.narasumber) for e in evaluations])
    return {"batches_evaluated": len(evaluations), "respondents": respondents, "invited": invited,
            "response_rate": response_rate(respondents, invited),
            **{f"mean_{name}": overall[name].mean for name in SECTIONS},
            "batches": rows, "narasumber": people}
