"""Collapsing a batch of events into rows, without I/O: per projection table and key, what applying the events
one by one in arrival order would leave. The state is that of the newest aggregate version (the first of equal
versions: an equal one is no newer); facts that never change for an entity (an enrolment's batch, cooperative,
district) come from the first event that carries them, whatever its version. `COLLAPSE` is the one registry of
the event types reporting projects; adapters/projection_writer.py writes the rows."""
from __future__ import annotations

from datetime import UTC

from services.reporting.domain.event_values import (PRESENT, budget_lines, cooperative_of, evaluation_values,
                                                    score_values)
from shared.events import evaluation as ev
from shared.events import registration as r
from shared.events import training as t


class Newest:
    """Per key: the values of the newest version seen (the first of equal versions wins: an equal one is no newer)."""

    def __init__(self) -> None:
        self.rows: dict = {}

    def offer(self, key, version: int, values: dict) -> None:
        held = self.rows.get(key)
        if held is None or version > held["version"]:
            self.rows[key] = {**values, "version": version}


class WithFacts:
    """Per key: status-like values of the newest version, and facts filled by the first event that has them."""

    def __init__(self, facts: tuple[str, ...]) -> None:
        self.facts = facts
        self.rows: dict = {}

    def offer(self, key, version: int, values: dict, facts: dict) -> None:
        held = self.rows.get(key)
        if held is None:
            self.rows[key] = {**{name: None for name in self.facts}, **facts, **values, "version": version}
            return
        for name, value in facts.items():
            if value is not None and held[name] is None:
                held[name] = value
        if version > held["version"]:
            held.update(values, version=version)


def _sector(value):
    return value.lower() if value is not None else None


class ProjectionRows:
    """The rows a batch of events leaves, per projection table and key, with the batch's count and newest time."""

    def __init__(self) -> None:
        self.programmes = Newest()
        self.cooperatives = Newest()
        self.sessions = Newest()
        self.completions = Newest()
        self.attendance = Newest()
        self.score_sheets = Newest()
        self.evaluations = Newest()
        self.batch_descriptions = Newest()
        self.batch_lifecycles = Newest()  # version here is the status version
        self.enrollments = WithFacts(("batch_id", "participant_id", "cooperative_id", "district_code", "sector",
                                      "gender", "category"))
        self.certificates = WithFacts(("batch_id", "participant_id"))
        self.count = 0
        self.newest = None

    def add(self, envelope, event) -> None:
        v = envelope.aggregate_version
        collapse = COLLAPSE.get(type(event))
        if collapse is None:
            raise LookupError(f"no set-based projection for {type(event).__name__}")
        collapse(self, v, event)
        self.count += 1
        time = envelope.time if envelope.time.tzinfo is not None else envelope.time.replace(tzinfo=UTC)
        time = time.astimezone(UTC)
        self.newest = time if self.newest is None else max(self.newest, time)

    def programme(self, v, e) -> None:
        self.programmes.offer(e.programme_id, v, dict(
            id=e.programme_id, name=e.name, fiscal_year=e.fiscal_year, funding_source=e.funding_source,
            allocation=e.allocation, target_cooperatives=e.target_cooperatives,
            district_targets=dict(e.district_targets)))

    def batch(self, v, e) -> None:
        self.batch_descriptions.offer(e.batch_id, v, dict(
            id=e.batch_id, code=e.code, title=e.title, venue=e.venue, programme_id=e.programme_id,
            fiscal_year=e.fiscal_year, start_date=e.start_date, end_date=e.end_date, capacity=e.capacity,
            session_count=e.session_count, eligible_districts=list(e.eligible_districts),
            planned_budget=e.planned_budget))

    def batch_cancelled(self, v, e) -> None:
        self.batch_lifecycles.offer(e.batch_id, v, dict(id=e.batch_id, status="cancelled"))

    def batch_closed(self, v, e) -> None:
        self.batch_lifecycles.offer(e.batch_id, v, dict(id=e.batch_id, status="closed",
                                                        realised_cost=e.realised_cost, closed_at=e.closed_at,
                                                        components=budget_lines(e)))

    def cooperative(self, v, e) -> None:
        self.cooperatives.offer(e.cooperative_id, v, dict(
            id=e.cooperative_id, district_code=e.district_code, kind=e.kind, sector=e.sector.lower(),
            active=e.active, grade=e.grade, members_male=e.members_male, members_female=e.members_female))

    def _enrollment(self, v, enrollment_id, status, **facts) -> None:
        self.enrollments.offer(enrollment_id, v, dict(id=enrollment_id, status=status), facts)

    def enrolled(self, v, e) -> None:
        self._enrollment(v, e.enrollment_id, "enrolled", batch_id=e.batch_id, participant_id=e.participant_id,
                         cooperative_id=cooperative_of(e), district_code=e.district_code,
                         sector=_sector(e.sector), gender=e.gender, category=e.category)

    def waitlisted(self, v, e) -> None:
        self._enrollment(v, e.enrollment_id, "waitlisted", batch_id=e.batch_id, participant_id=e.participant_id,
                         cooperative_id=cooperative_of(e), district_code=e.district_code, category=e.category)

    def enrollment_cancelled(self, v, e) -> None:
        self._enrollment(v, e.enrollment_id, "cancelled", batch_id=e.batch_id, participant_id=e.participant_id)

    def _marks(self, v, batch_id, session_no, statuses: dict) -> None:
        for participant_id, status in statuses.items():
            self.attendance.offer((batch_id, session_no, participant_id), v, dict(
                batch_id=batch_id, session_no=session_no, participant_id=participant_id, status=status,
                present=status in PRESENT))

    def attendance_recorded(self, v, e) -> None:
        self._marks(v, e.batch_id, e.session_no, {m.participant_id: m.status for m in e.marks})

    def attendance_corrected(self, v, e) -> None:
        self._marks(v, e.batch_id, e.session_no, {c.participant_id: c.status for c in e.changes})

    def session_completed(self, v, e) -> None:
        self.sessions.offer((e.batch_id, e.session_no), v, dict(
            batch_id=e.batch_id, session_no=e.session_no, session_date=e.session_date, roster_size=e.roster_size,
            present=len(e.present_participant_ids), tallies=e.tallies.model_dump(), jp=e.jp))

    def completion(self, v, e) -> None:
        self.completions.offer((e.batch_id, e.participant_id), v, dict(
            batch_id=e.batch_id, participant_id=e.participant_id, cooperative_id=cooperative_of(e),
            district_code=e.district_code, sector=e.sector.lower(), gender=e.gender, category=e.category,
            completed=isinstance(e, t.ParticipantCompleted), jp_total=e.jp_total))

    def scores(self, v, e) -> None:
        self.score_sheets.offer(e.batch_id, v, dict(batch_id=e.batch_id, **score_values(e)))

    def evaluation(self, v, e) -> None:
        self.evaluations.offer(e.batch_id, v, dict(batch_id=e.batch_id, **evaluation_values(e)))

    def _certificate(self, v, number, revoked, **facts) -> None:
        self.certificates.offer(number, v, dict(number=number, revoked=revoked), facts)

    def certificate_issued(self, v, e) -> None:
        self._certificate(v, e.certificate_number, False, batch_id=e.batch_id, participant_id=e.participant_id)

    def certificate_revoked(self, v, e) -> None:
        self._certificate(v, e.certificate_number, True, batch_id=e.batch_id,
                          participant_id=getattr(e, "participant_id", None))


# The event types reporting projects (entrypoints/consumers.py subscribes to exactly these, and identity's
# revocations), each with how it collapses.
COLLAPSE = {
    t.ProgrammePlanned: ProjectionRows.programme,
    t.ProgrammeUpdated: ProjectionRows.programme,
    t.BatchScheduled: ProjectionRows.batch,
    t.BatchUpdated: ProjectionRows.batch,
    t.BatchCancelled: ProjectionRows.batch_cancelled,
    t.BatchClosed: ProjectionRows.batch_closed,
    r.CooperativeRegistered: ProjectionRows.cooperative,
    r.CooperativeUpdated: ProjectionRows.cooperative,
    r.ParticipantEnrolled: ProjectionRows.enrolled,
    r.EnrollmentWaitlisted: ProjectionRows.waitlisted,
    r.EnrollmentCancelled: ProjectionRows.enrollment_cancelled,
    t.AttendanceRecorded: ProjectionRows.attendance_recorded,
    t.AttendanceCorrected: ProjectionRows.attendance_corrected,
    t.SessionCompleted: ProjectionRows.session_completed,
    t.ParticipantCompleted: ProjectionRows.completion,
    t.ParticipantNotCompleted: ProjectionRows.completion,
    t.CertificateIssued: ProjectionRows.certificate_issued,
    t.CertificateRevoked: ProjectionRows.certificate_revoked,
    ev.ScoresRecorded: ProjectionRows.scores,
    ev.EvaluationSummarised: ProjectionRows.evaluation,
}
