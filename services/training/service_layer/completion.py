"""Closing a session and, after the last one, deciding each participant's completion and issuing certificates."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from services.training.adapters.orm import AttendanceMark, Batch, Certificate, CompletionResult, Session
from services.training.domain.completion import PRESENT, CompletionRule
from services.training.service_layer.attendance import close_session
from services.training.service_layer.batches import ensure_assigned, get_batch, sessions_of
from services.training.service_layer.certificates import CertificateSettings, issue_certificates
from services.training.service_layer.roster import active_roster
from services.training.service_layer.scores import post_tests, score_sheet
from shared.auth import Principal
from shared.events.training import ParticipantCompleted, ParticipantNotCompleted
from shared.unit_of_work import UnitOfWork


async def complete_session(uow: UnitOfWork, *, principal: Principal, batch_id: uuid.UUID, number: int,
                           certificates: CertificateSettings) -> dict:
    """Freeze a session; when it was the last open one, decide completion and issue every completer's certificate
    in the same transaction, so a batch is never left decided but without its certificates."""
    batch, roster, result = await close_session(uow, principal=principal, batch_id=batch_id, number=number)
    all_sessions = (await uow.session.scalars(select(Session).where(Session.batch_id == batch_id))).all()
    if all(s.status == "completed" for s in all_sessions):
        completers, decided = await _decide_completion(uow, batch, list(all_sessions), roster)
        issued = await issue_certificates(uow, batch=batch, completers=completers, settings=certificates)
        result.update(decided, batch_finished=True, certificates_issued=len(issued))
    await uow.commit()
    return result


async def _decide_completion(uow: UnitOfWork, batch: Batch, sessions: list[Session], roster):
    present, jp_present = await _attended(uow.session, sessions)
    rule = CompletionRule(batch.completion_min_percent, batch.completion_by, batch.completion_min_post_test)
    posts = await post_tests(uow.session, batch.id) if rule.min_post_test is not None else {}
    jp_total = sum(s.jp for s in sessions)
    completers, missed = [], 0
    now = datetime.now(UTC)
    for entry in roster:
        count, jp = present.get(entry.participant_id, 0), jp_present.get(entry.participant_id, 0)
        post = posts.get(entry.participant_id)
        completed, reason = (rule.decide(jp, jp_total, post) if rule.by == "jp"
                             else rule.decide(count, len(sessions), post))
        uow.session.add(CompletionResult(batch_id=batch.id, participant_id=entry.participant_id, completed=completed,
                                         sessions_present=count, sessions_total=len(sessions), jp_present=jp,
                                         jp_total=jp_total, reason=reason, decided_at=now))
        fields = dict(batch_id=batch.id, participant_id=entry.participant_id, cooperative_id=entry.cooperative_id,
                      district_code=entry.district_code, sector=entry.sector, gender=entry.gender,
                      sessions_present=count, sessions_total=len(sessions), jp_present=jp, jp_total=jp_total,
                      category=entry.category or "pengurus_koperasi")
        event = ParticipantCompleted(**fields) if completed else ParticipantNotCompleted(**fields, reason=reason)
        uow.emit(event, subject=f"{batch.id}:{entry.participant_id}", aggregate_version=1)
        if completed:
            completers.append(entry)
        else:
            missed += 1
    return completers, {"completed": len(completers), "not_completed": missed}


async def _attended(session, sessions: list[Session]) -> tuple[dict[uuid.UUID, int], dict[uuid.UUID, int]]:
    """Per participant: sessions and JP present (Hadir or Terlambat)."""
    jp_of = {s.id: s.jp for s in sessions}
    rows = (await session.execute(select(AttendanceMark.participant_id, AttendanceMark.session_id,
                                         AttendanceMark.status)
                                  .where(AttendanceMark.session_id.in_(list(jp_of))))).all()
    present: dict[uuid.UUID, int] = {}
    jp: dict[uuid.UUID, int] = {}
    for participant_id, session_id, status in rows:
        if status in PRESENT:
            present[participant_id] = present.get(participant_id, 0) + 1
            jp[participant_id] = jp.get(participant_id, 0) + jp_of[session_id]
    return present, jp


def describe_rule(min_percent: int, by: str = "sessions", min_post_test: int | None = None) -> str:
    if min_percent >= 100:
        text = "hadir (Hadir/Terlambat) di semua sesi"
    else:
        text = f"hadir (Hadir/Terlambat) minimal {min_percent}% {'JP' if by == 'jp' else 'sesi'}"
    return text + (f" dan nilai post-test minimal {min_post_test}" if min_post_test is not None else "")


async def completion_overview(session, *, principal: Principal, batch_id: uuid.UUID) -> dict:
    """Per participant: sessions present so far (closed sessions only), the decision once made, the certificate."""
    batch = await get_batch(session, batch_id)
    ensure_assigned(principal, batch)
    sessions = await sessions_of(session, batch_id)
    closed = [s for s in sessions if s.status == "completed"]
    present, jp_present = await _attended(session, closed) if closed else ({}, {})
    decisions = {c.participant_id: c for c in (await session.scalars(
        select(CompletionResult).where(CompletionResult.batch_id == batch_id))).all()}
    certificates = {c.participant_id: c for c in (await session.scalars(
        select(Certificate).where(Certificate.batch_id == batch_id))).all()}
    sheet = {r["participant_id"]: r for r in (await score_sheet(session, principal=principal,
                                                                 batch_id=batch_id))["scores"]}
    rows = []
    for entry in await active_roster(session, batch_id):
        decision, cert = decisions.get(entry.participant_id), certificates.get(entry.participant_id)
        rows.append({"participant_id": entry.participant_id, "full_name": entry.full_name,
                     "cooperative_name": entry.cooperative_name, "district_code": entry.district_code,
                     "sessions_present": decision.sessions_present if decision else present.get(entry.participant_id, 0),
                     "sessions_total": len(sessions),
                     "jp_present": decision.jp_present if decision and decision.jp_present is not None
                     else jp_present.get(entry.participant_id, 0),
                     "jp_total": sum(s.jp for s in sessions),
                     "completed": decision.completed if decision else None,
                     "reason": decision.reason if decision else None,
                     "certificate_number": cert.number if cert else None,
                     "certificate_status": cert.status if cert else None,
                     "pre_test": sheet[entry.participant_id]["pre_test"],
                     "post_test": sheet[entry.participant_id]["post_test"]})
    return {"batch_id": batch_id, "rule": describe_rule(batch.completion_min_percent, batch.completion_by,
                                                        batch.completion_min_post_test),
            "min_post_test": batch.completion_min_post_test,
            "sessions_total": len(sessions), "sessions_completed": len(closed), "decided": bool(decisions),
            "jp_total": sum(s.jp for s in sessions),
            "completed": sum(1 for d in decisions.values() if d.completed),
            "not_completed": sum(1 for d in decisions.values() if not d.completed), "participants": rows}
