"""Reporting applies every event that a figure depends on (participant.registered carries nothing it counts)."""
from __future__ import annotations

from services.reporting.service_layer import projections as p
from services.reporting.service_layer import training_projections as tp
from shared.events import evaluation as ev
from shared.events import registration as r
from shared.events import training as t
from shared.revocation import REVOCATION_HANDLERS

HANDLERS = {
    **REVOCATION_HANDLERS,  # identity's deactivations and sign-outs: older tokens are refused
    t.ProgrammePlanned: tp.on_programme,
    t.ProgrammeUpdated: tp.on_programme,
    t.BatchScheduled: tp.on_batch,
    t.BatchUpdated: tp.on_batch,
    t.BatchCancelled: tp.on_batch_cancelled,
    t.BatchClosed: tp.on_batch_closed,
    r.CooperativeRegistered: p.on_cooperative,
    r.CooperativeUpdated: p.on_cooperative,
    r.ParticipantEnrolled: p.on_enrolled,
    r.EnrollmentWaitlisted: p.on_waitlisted,
    r.EnrollmentCancelled: p.on_enrollment_cancelled,
    t.AttendanceRecorded: tp.on_attendance_recorded,
    t.SessionCompleted: tp.on_session_completed,
    t.ParticipantCompleted: tp.on_completion,
    t.ParticipantNotCompleted: tp.on_completion,
    t.CertificateIssued: tp.on_certificate_issued,
    t.CertificateRevoked: tp.on_certificate_revoked,
    ev.ScoresRecorded: tp.on_scores,
    ev.EvaluationSummarised: tp.on_evaluation,
}
# Corrections arrive with training's newer contract; applied as soon as the catalogue has them.
if (corrected := getattr(t, "AttendanceCorrected", None)) is not None:
    HANDLERS[corrected] = tp.on_attendance_corrected
