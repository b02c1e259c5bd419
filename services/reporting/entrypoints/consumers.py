"""Reporting applies every event that a figure depends on."""
from __future__ import annotations

from services.reporting.service_layer import projections as p
from shared.events import registration as r
from shared.events import training as t

HANDLERS = {
    t.ProgrammePlanned: p.on_programme,
    t.ProgrammeUpdated: p.on_programme,
    t.BatchScheduled: p.on_batch,
    t.BatchUpdated: p.on_batch,
    t.BatchCancelled: p.on_batch_cancelled,
    t.BatchClosed: p.on_batch_closed,
    r.CooperativeRegistered: p.on_cooperative,
    r.CooperativeUpdated: p.on_cooperative,
    r.ParticipantEnrolled: p.on_enrolled,
    r.EnrollmentWaitlisted: p.on_waitlisted,
    r.EnrollmentCancelled: p.on_enrollment_cancelled,
    t.SessionCompleted: p.on_session_completed,
    t.ParticipantCompleted: p.on_completion,
    t.ParticipantNotCompleted: p.on_completion,
}
