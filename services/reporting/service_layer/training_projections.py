"""Projection handlers for training's events: programmes, batches, attendance, completion, certificates."""
from __future__ import annotations

from sqlalchemy import select

from services.reporting.adapters.orm import (AttendanceView, BatchView, CertificateView, CompletionView,
                                             EvaluationView, ProgrammeView, ScoreSheetView, SessionView)
from services.reporting.service_layer.projections import (add, cooperative_of, fill_missing, find, held, remember,
                                                         touch, upsert_state)
from shared.events.envelope import Envelope
from shared.events.evaluation import EvaluationSummarised, ScoresRecorded
from shared.events.training import (BatchCancelled, BatchClosed, BatchState, CertificateIssued,
                                    CertificateRevoked, CompletionDecision, ParticipantCompleted, ProgrammeState,
                                    SessionCompleted)
from shared.unit_of_work import UnitOfWork

PRESENT = {"hadir", "terlambat"}  # the default completion rule's "present"


async def on_programme(uow: UnitOfWork, envelope: Envelope, event: ProgrammeState) -> None:
    await upsert_state(uow, ProgrammeView, event.programme_id, envelope.aggregate_version, name=event.name,
                       fiscal_year=event.fiscal_year, funding_source=event.funding_source,
                       allocation=event.allocation, target_cooperatives=event.target_cooperatives,
                       district_targets=dict(event.district_targets))
    await touch(uow, envelope)


async def on_batch(uow: UnitOfWork, envelope: Envelope, event: BatchState) -> None:
    values = dict(code=event.code, title=event.title, venue=event.venue, programme_id=event.programme_id,
                  fiscal_year=event.fiscal_year, start_date=event.start_date, end_date=event.end_date,
                  capacity=event.capacity, session_count=event.session_count,
                  eligible_districts=list(event.eligible_districts), planned_budget=event.planned_budget)
    row = await find(uow, BatchView, event.batch_id)
    if row is None:
        add(uow, BatchView, event.batch_id, BatchView(id=event.batch_id, status="scheduled", status_version=0,
                                                      version=envelope.aggregate_version, **values))
    elif envelope.aggregate_version > row.version:
        for name, value in values.items():
            setattr(row, name, value)
        row.version = envelope.aggregate_version
    await touch(uow, envelope)


async def _batch_lifecycle(uow: UnitOfWork, envelope: Envelope, batch_id, status: str, **values) -> None:
    row = await find(uow, BatchView, batch_id)
    if row is None:  # the close overtook the schedule: keep it, the schedule fills the description later
        add(uow, BatchView, batch_id, BatchView(id=batch_id, status=status, status_version=envelope.aggregate_version,
                                                version=0, planned_budget=0, **values))
    elif envelope.aggregate_version > row.status_version:
        row.status, row.status_version = status, envelope.aggregate_version
        for name, value in values.items():
            setattr(row, name, value)
    await touch(uow, envelope)


async def on_batch_cancelled(uow: UnitOfWork, envelope: Envelope, event: BatchCancelled) -> None:
    await _batch_lifecycle(uow, envelope, event.batch_id, "cancelled")


async def on_batch_closed(uow: UnitOfWork, envelope: Envelope, event: BatchClosed) -> None:
    await _batch_lifecycle(uow, envelope, event.batch_id, "closed", realised_cost=event.realised_cost,
                           closed_at=event.closed_at, components=budget_lines(event))


def budget_lines(event: BatchClosed) -> list[dict] | None:
    """The closing's lines as stored: None when the event carries none (an older producer)."""
    lines = getattr(event, "components", None)
    return None if lines is None else [line.model_dump() for line in lines]


async def _marks(uow: UnitOfWork, version: int, batch_id, session_no: int, statuses: dict) -> None:
    """Apply a session's marks {participant_id: status}; one query for the whole sheet, not one per person.

    Marks travel as deltas (only what changed), so each mark keeps the version that last set it."""
    rows, unknown = {}, []
    for participant_id in statuses:
        known, row = held(uow, AttendanceView, (batch_id, session_no, participant_id))
        if known:
            rows[participant_id] = row
        else:
            unknown.append(participant_id)
    if unknown:
        with uow.session.no_autoflush:
            found = {row.participant_id: row for row in (await uow.session.scalars(select(AttendanceView).where(
                AttendanceView.batch_id == batch_id, AttendanceView.session_no == session_no,
                AttendanceView.participant_id.in_(unknown)))).all()}
        for participant_id in unknown:
            rows[participant_id] = found.get(participant_id)
            remember(uow, AttendanceView, (batch_id, session_no, participant_id), rows[participant_id])
    for participant_id, status in statuses.items():
        row = rows[participant_id]
        if row is None:
            add(uow, AttendanceView, (batch_id, session_no, participant_id), AttendanceView(
                batch_id=batch_id, session_no=session_no, participant_id=participant_id, status=status,
                present=status in PRESENT, version=version))
        elif version > row.version:
            row.status, row.present, row.version = status, status in PRESENT, version


async def on_attendance_recorded(uow: UnitOfWork, envelope: Envelope, event) -> None:
    await _marks(uow, envelope.aggregate_version, event.batch_id, event.session_no,
                 {m.participant_id: m.status for m in event.marks})
    await touch(uow, envelope)


async def on_attendance_corrected(uow: UnitOfWork, envelope: Envelope, event) -> None:
    await _marks(uow, envelope.aggregate_version, event.batch_id, event.session_no,
                 {c.participant_id: c.status for c in event.changes})
    await touch(uow, envelope)


async def on_session_completed(uow: UnitOfWork, envelope: Envelope, event: SessionCompleted) -> None:
    await upsert_state(uow, SessionView, (event.batch_id, event.session_no), envelope.aggregate_version,
                       session_date=event.session_date, roster_size=event.roster_size,
                       present=len(event.present_participant_ids), tallies=event.tallies.model_dump(),
                       jp=event.jp)
    await touch(uow, envelope)


async def on_completion(uow: UnitOfWork, envelope: Envelope, event: CompletionDecision) -> None:
    await upsert_state(uow, CompletionView, (event.batch_id, event.participant_id), envelope.aggregate_version,
                       cooperative_id=cooperative_of(event), district_code=event.district_code,
                       sector=event.sector.lower(), gender=event.gender, category=event.category,
                       completed=isinstance(event, ParticipantCompleted), jp_total=event.jp_total)
    await touch(uow, envelope)


def score_values(event: ScoresRecorded) -> dict:
    """The sheet as stored: by participant id, nothing else about the person."""
    return {"scores": [s.model_dump(mode="json") for s in event.scores], "recorded_at": event.recorded_at}


def evaluation_values(event: EvaluationSummarised) -> dict:
    return {"respondents": event.respondents, "invited": event.invited,
            "items": [i.model_dump(mode="json") for i in event.items],
            "narasumber": [n.model_dump(mode="json") for n in event.narasumber],
            "summarised_at": event.summarised_at}


async def on_scores(uow: UnitOfWork, envelope: Envelope, event: ScoresRecorded) -> None:
    # The aggregate is the batch's sheet: a newer version replaces it whole.
    await upsert_state(uow, ScoreSheetView, event.batch_id, envelope.aggregate_version, **score_values(event))
    await touch(uow, envelope)


async def on_evaluation(uow: UnitOfWork, envelope: Envelope, event: EvaluationSummarised) -> None:
    await upsert_state(uow, EvaluationView, event.batch_id, envelope.aggregate_version, **evaluation_values(event))
    await touch(uow, envelope)


async def _certificate(uow: UnitOfWork, envelope: Envelope, number: str, revoked: bool, **facts) -> None:
    row = await find(uow, CertificateView, number)
    if row is None:
        add(uow, CertificateView, number, CertificateView(number=number, revoked=revoked,
                                                          version=envelope.aggregate_version,
                                                          **{"participant_id": None, **facts}))
    else:
        fill_missing(row, facts)
        if envelope.aggregate_version > row.version:
            row.revoked, row.version = revoked, envelope.aggregate_version
    await touch(uow, envelope)


async def on_certificate_issued(uow: UnitOfWork, envelope: Envelope, event: CertificateIssued) -> None:
    await _certificate(uow, envelope, event.certificate_number, False, batch_id=event.batch_id,
                       participant_id=event.participant_id)


async def on_certificate_revoked(uow: UnitOfWork, envelope: Envelope, event: CertificateRevoked) -> None:
    await _certificate(uow, envelope, event.certificate_number, True, batch_id=event.batch_id,
                       participant_id=getattr(event, "participant_id", None))
