"""The year's training schedule as the ministry's programme asks for it early in the year: every batch in scope
with its dates, venue, title, JP, capacity, eligible kabupaten/kota and status."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from services.reporting.adapters.orm import BatchView, CompletionView, EnrollmentView, ProgrammeView, SessionView
from services.reporting.service_layer.scope import Scope
from shared.regions import district_name


def jp_of(decided: int | None, sessions: list[tuple[int, int | None]], session_count: int | None) -> int | None:
    """A batch's JP: as its completion decisions counted it, else the completed sessions' JP once every session is
    completed and carried one; unknown (None) before, rather than a part passed off as the whole."""
    if decided:
        return decided
    if session_count and len(sessions) == session_count and all(jp for _, jp in sessions):
        return sum(jp for _, jp in sessions)
    return None


async def schedule(session, scope: Scope) -> list[dict]:
    batches = (await session.scalars(scope.restrict(select(BatchView), BatchView.id)
                                     .where(BatchView.fiscal_year.is_not(None))
                                     .order_by(BatchView.start_date, BatchView.code))).all()
    ids = [b.id for b in batches]
    programmes = dict((await session.execute(select(ProgrammeView.id, ProgrammeView.name))).all())
    decided = dict((await session.execute(select(CompletionView.batch_id, func.max(CompletionView.jp_total))
                                          .where(CompletionView.batch_id.in_(ids))
                                          .group_by(CompletionView.batch_id))).all())
    sessions: dict = defaultdict(list)
    for batch_id, number, jp in await session.execute(select(SessionView.batch_id, SessionView.session_no,
                                                             SessionView.jp).where(SessionView.batch_id.in_(ids))):
        sessions[batch_id].append((number, jp))
    enrolled = dict((await session.execute(select(EnrollmentView.batch_id, func.count())
                                           .where(EnrollmentView.batch_id.in_(ids),
                                                  EnrollmentView.status == "enrolled")
                                           .group_by(EnrollmentView.batch_id))).all())
    rows = []
    for n, b in enumerate(batches, start=1):
        days = (b.end_date - b.start_date).days + 1 if b.start_date and b.end_date else None
        rows.append({"no": n, "code": b.code, "title": b.title, "programme": programmes.get(b.programme_id),
                     "start_date": b.start_date, "end_date": b.end_date, "days": days, "venue": b.venue,
                     "jp": jp_of(decided.get(b.id), sessions.get(b.id, []), b.session_count),
                     "capacity": b.capacity,
                     "eligible_districts": ", ".join(district_name(c) for c in b.eligible_districts or []),
                     "status": b.status, "participants_enrolled": enrolled.get(b.id, 0)})
    return rows
