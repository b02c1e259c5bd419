"""What participants learned: the projected score sheets joined to each participant's enrolment (district, sector)
and batch (programme), grouped by the pure rules in domain/learning.py. No names: participants are ids."""
from __future__ import annotations

import uuid

from sqlalchemy import select

from services.reporting.adapters.orm import BatchView, EnrollmentView, ProgrammeView, ScoreSheetView
from services.reporting.domain.learning import LearningTally, group_scores
from services.reporting.service_layer.scope import UNKNOWN, Scope
from shared.regions import district_name, districts


async def _facts(session, scope: Scope):
    sheets = (await session.scalars(scope.restrict(select(ScoreSheetView), ScoreSheetView.batch_id))).all()
    batch_ids = [s.batch_id for s in sheets]
    batches = {b.id: b for b in (await session.scalars(select(BatchView).where(BatchView.id.in_(batch_ids)))).all()}
    people: dict = {}
    rows = await session.execute(select(EnrollmentView.batch_id, EnrollmentView.participant_id,
                                        EnrollmentView.district_code, EnrollmentView.sector, EnrollmentView.status)
                                 .where(EnrollmentView.batch_id.in_(batch_ids)))
    for batch_id, participant_id, district, sector, status in rows:
        held = people.get((batch_id, participant_id))
        if held is None or (status == "enrolled" and held[2] != "enrolled"):  # a re-enrolment's facts win
            people[(batch_id, participant_id)] = (district, sector, status)
    scores = [(s.batch_id, score) for s in sheets for score in s.scores]
    return sheets, batches, people, scores


def _person(people: dict, batch_id, score: dict):
    return people.get((batch_id, uuid.UUID(str(score["participant_id"]))), (None, None, None))


async def learning(session, scope: Scope) -> dict:
    """Average pre, post, gain and share improved: overall, per batch, kabupaten/kota, sector and programme."""
    sheets, batches, people, scores = await _facts(session, scope)
    overall = group_scores(scores, lambda b, s: "all").get("all", LearningTally()).figures()
    by_batch = group_scores(scores, lambda b, s: b)
    by_district = group_scores(scores, lambda b, s: _person(people, b, s)[0] or UNKNOWN)
    by_sector = group_scores(scores, lambda b, s: _person(people, b, s)[1] or UNKNOWN)
    by_programme = group_scores(scores, lambda b, s: batches[b].programme_id if b in batches else None)
    names = {p.id: p.name for p in (await session.scalars(
        select(ProgrammeView).where(ProgrammeView.id.in_([k for k in by_programme])))).all()}

    def ordered_batch(batch_id):
        b = batches.get(batch_id)
        return (str(b.start_date) if b and b.start_date else "9999", (b.code or "") if b else "")
    batch_rows = [{"batch_id": batch_id, "code": batches[batch_id].code if batch_id in batches else None,
                   "title": batches[batch_id].title if batch_id in batches else None,
                   "label": (batches[batch_id].code if batch_id in batches else None) or str(batch_id)[:8],
                   **tally.figures()}
                  for batch_id, tally in sorted(by_batch.items(), key=lambda kv: ordered_batch(kv[0]))]
    district_keys = list(districts()) + sorted(set(by_district) - set(districts()))
    district_rows = [{"key": code, "label": district_name(code) if code != UNKNOWN else UNKNOWN,
                      **by_district.get(code, LearningTally()).figures()} for code in district_keys]
    sector_rows = [{"key": key, "label": key, **tally.figures()} for key, tally in sorted(by_sector.items())]
    programme_rows = [{"key": str(pid), "label": names.get(pid, UNKNOWN), **tally.figures()}
                      for pid, tally in sorted(by_programme.items(), key=lambda kv: names.get(kv[0], ""))]
    return {**overall, "batches_scored": len(sheets), "batches": batch_rows, "districts": district_rows,
            "sectors": sector_rows, "programmes": programme_rows}
