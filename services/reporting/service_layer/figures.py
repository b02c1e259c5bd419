"""The ministry's figures, computed from the projections only: summary and one breakdown per dimension."""
from __future__ import annotations

from datetime import UTC

from sqlalchemy import func, select

from services.reporting.adapters.orm import (BatchView, CertificateView, CompletionView, EnrollmentView, Freshness,
                                             ProgrammeView, SessionView)
from services.reporting.domain.tallies import Tally
from services.reporting.service_layer.budget import absorption_timeline, budget, programme_totals
from services.reporting.service_layer.learning import learning
from services.reporting.service_layer.scope import UNKNOWN, Scope, rate
from services.reporting.service_layer.tallies import active_cooperatives, tally
from shared.events.registration import UMK_CATEGORY
from shared.regions import district_name, districts

SEXES = {"L": "Laki-laki", "P": "Perempuan"}


async def freshness(session) -> dict:
    fresh = await session.get(Freshness, 1)
    as_of = fresh.data_as_of if fresh else None
    if as_of is not None and as_of.tzinfo is None:  # SQLite hands back naive UTC
        as_of = as_of.replace(tzinfo=UTC)
    return {"data_as_of": as_of,
            "events_applied": int(fresh.events_applied or 0) if fresh else 0}


async def latest_fiscal_year(session) -> int | None:
    years = [await session.scalar(select(func.max(BatchView.fiscal_year))),
             await session.scalar(select(func.max(ProgrammeView.fiscal_year)))]
    return max((y for y in years if y is not None), default=None)


def _figures(t: Tally) -> dict:
    decided = t.completed + t.not_completed
    return {
        "participants_enrolled": t.enrolled, "participants_enrolled_men": t.enrolled_men,
        "participants_enrolled_women": t.enrolled_women, "participants_waitlisted": t.waitlisted,
        "participants_attending": t.attending, "participants_completed": t.completed,
        "participants_completed_men": t.completed_men, "participants_completed_women": t.completed_women,
        "participants_not_completed": t.not_completed,
        "completion_rate": rate(t.completed, decided),
        "attendance_rate": rate(t.present_marks, t.marks),
        "cooperatives_trained": t.cooperatives_trained,
        "cooperatives_real_sector": t.cooperatives_real_sector,
        "real_sector_share": rate(t.cooperatives_real_sector, t.cooperatives_trained),
    }


async def umk_participants(session, scope: Scope) -> dict:
    """Owners of micro/small enterprises without a cooperative, apart: they are among the participants but never
    among the cooperatives trained (nor the target of 600)."""
    enrolled = await session.scalar(scope.restrict(
        select(func.count()).select_from(EnrollmentView).where(EnrollmentView.status == "enrolled",
                                                               EnrollmentView.category == UMK_CATEGORY),
        EnrollmentView.batch_id))
    completed = await session.scalar(scope.restrict(
        select(func.count()).select_from(CompletionView).where(CompletionView.completed.is_(True),
                                                               CompletionView.category == UMK_CATEGORY),
        CompletionView.batch_id))
    return {"umk_participants_enrolled": enrolled or 0, "umk_participants_completed": completed or 0}


async def summary(session, scope: Scope, *, default_target: int) -> dict:
    overall = (await tally(session, scope, None)).get(None, Tally())
    programmes = await programme_totals(session, scope, default_target)
    sessions = await session.scalar(scope.restrict(select(func.count()).select_from(SessionView),
                                                   SessionView.batch_id))
    certificates = await session.scalar(scope.restrict(
        select(func.count()).select_from(CertificateView).where(CertificateView.revoked.is_(False)),
        CertificateView.batch_id))
    statuses = dict((await session.execute(scope.restrict(
        select(BatchView.status, func.count()).group_by(BatchView.status), BatchView.id))).all())
    target = programmes["target"]
    learned = await learning(session, scope)
    return {
        "fiscal_year": scope.fiscal_year, "programme_id": scope.programme_id,
        **_figures(overall),
        "sessions_completed": sessions, "certificates_issued": certificates,
        "batches_scheduled": statuses.get("scheduled", 0), "batches_closed": statuses.get("closed", 0),
        "batches_cancelled": statuses.get("cancelled", 0),
        "target_cooperatives": target, "progress": rate(overall.cooperatives_trained, target),
        "budget": await budget(session, scope, programmes["allocation"]),
        "absorption": await absorption_timeline(session, scope),
        "by_sex": await by_sex(session, scope),
        "by_cooperative_type": await by_cooperative_type(session, scope),
        "average_gain": learned["average_gain"], "improved_share": learned["improved_share"],
        **await umk_participants(session, scope),
        **await freshness(session),
    }


def _coverage_rows(tallies: dict, active: dict, label) -> list[dict]:
    rows = []
    for key in sorted(set(tallies) | set(active), key=str):
        t = tallies.get(key, Tally())
        rows.append({"key": key, "label": label(key), **_figures(t),
                     "active_cooperatives": active.get(key, 0),
                     "coverage": rate(t.cooperatives_trained, active.get(key, 0))})
    return rows


async def by_district(session, scope: Scope, *, default_target: int) -> list[dict]:
    """All ten regencies and cities, trained or not, with their share of the target where one is set."""
    tallies = await tally(session, scope, "district")
    active = await active_cooperatives(session, "district")
    known = {code: 0 for code in districts()}
    rows = _coverage_rows(tallies, {**known, **active}, district_name)
    targets = (await programme_totals(session, scope, default_target))["district_targets"]
    for row in rows:
        row["target_cooperatives"] = targets.get(row["key"])
        row["progress"] = rate(row["cooperatives_trained"], targets.get(row["key"]) or 0)
    return rows


async def by_sector(session, scope: Scope) -> list[dict]:
    return _coverage_rows(await tally(session, scope, "sector"), await active_cooperatives(session, "sector"),
                          lambda key: key)


async def by_cooperative_type(session, scope: Scope) -> list[dict]:
    return _coverage_rows(await tally(session, scope, "kind"), await active_cooperatives(session, "kind"),
                          lambda key: key)


async def by_sex(session, scope: Scope) -> list[dict]:
    tallies = await tally(session, scope, "sex")
    return [{"key": key, "label": SEXES.get(key, UNKNOWN), **_figures(tallies.get(key, Tally()))}
            for key in sorted(set(tallies) | set(SEXES), key=str)]


async def by_batch(session, scope: Scope) -> list[dict]:
    """Every batch in scope with its figures and its cost; batches cancelled are listed but cost nothing."""
    tallies = await tally(session, scope, "batch")
    batches = (await session.scalars(scope.restrict(select(BatchView), BatchView.id)
                                     .order_by(BatchView.start_date, BatchView.code))).all()
    rows = []
    for b in batches:
        t = tallies.get(b.id, Tally())
        rows.append({"batch_id": b.id, "code": b.code, "title": b.title, "fiscal_year": b.fiscal_year,
                     "programme_id": b.programme_id, "start_date": b.start_date, "end_date": b.end_date,
                     "status": b.status, "capacity": b.capacity, **_figures(t),
                     "planned_budget": b.planned_budget, "realised_cost": b.realised_cost,
                     "cost_per_completer": round(b.realised_cost / t.completed)
                     if b.realised_cost is not None and t.completed else None})
    return rows
