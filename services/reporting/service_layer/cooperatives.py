"""The cooperative indicators the ministry tracks, from registration's cooperative events: active and inactive,
members by sex, ODS grade, per kabupaten/kota; beside them the cooperatives trained in scope and the active ones
not trained yet (where the next batches should look)."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import distinct, func, select

from services.reporting.adapters.orm import CompletionView, CooperativeView
from services.reporting.service_layer.scope import UNKNOWN, Scope, rate
from shared.regions import district_name, districts

GRADES = ("A", "B", "C1", "C2", "D")
# registration's cooperative events carry the ODS grade (which the RAT years decide), not the year of the last RAT.
RAT_NOTE = ("Tahun RAT terakhir belum dikirim dalam event registrasi, sehingga koperasi dengan RAT terbaru belum "
            "dapat dihitung; nilai ODS (A = RAT tiap tahun dalam 3 tahun terakhir) ditampilkan.")


def _empty() -> dict:
    return {"registered": 0, "active": 0, "inactive": 0, "members_men": 0, "members_women": 0, "members_total": 0,
            **{f"grade_{g.lower()}": 0 for g in GRADES}, "grade_none": 0, "trained": 0, "active_not_trained": 0}


async def indicators(session, scope: Scope) -> dict:
    per: dict = defaultdict(_empty)
    query = select(CooperativeView.district_code, CooperativeView.active, CooperativeView.grade,
                   func.count(), func.sum(CooperativeView.members_male), func.sum(CooperativeView.members_female))
    for district, active, grade, n, men, women in await session.execute(query.group_by(
            CooperativeView.district_code, CooperativeView.active, CooperativeView.grade)):
        row = per[district or UNKNOWN]
        row["registered"] += n
        row["active" if active else "inactive"] += n
        row["members_men"] += int(men or 0)
        row["members_women"] += int(women or 0)
        row["members_total"] += int(men or 0) + int(women or 0)
        row[f"grade_{grade.lower()}" if grade in GRADES else "grade_none"] += n
    trained = select(CompletionView.cooperative_id).where(CompletionView.completed.is_(True))
    trained = scope.restrict(trained, CompletionView.batch_id)
    for district, n in await session.execute(select(CooperativeView.district_code, func.count(distinct(
            CooperativeView.id))).where(CooperativeView.id.in_(trained)).group_by(CooperativeView.district_code)):
        per[district or UNKNOWN]["trained"] = n
    for district, n in await session.execute(select(CooperativeView.district_code, func.count()).where(
            CooperativeView.active.is_(True), CooperativeView.id.not_in(trained))
            .group_by(CooperativeView.district_code)):
        per[district or UNKNOWN]["active_not_trained"] = n
    rows = []
    for code in list(districts()) + sorted(set(per) - set(districts())):
        row = per.get(code) or _empty()
        rows.append({"key": code, "label": district_name(code) if code != UNKNOWN else UNKNOWN, **row,
                     "active_share": rate(row["active"], row["registered"])})
    total = _empty()
    for row in rows:
        for key in total:
            total[key] += row[key]
    return {**total, "active_share": rate(total["active"], total["registered"]), "rat_note": RAT_NOTE,
            "rows": rows}
