"""Which events training applies, and with which use case."""
from __future__ import annotations

from services.training.service_layer import roster
from shared.events.registration import EnrollmentCancelled, ParticipantEnrolled

HANDLERS = {
    ParticipantEnrolled: roster.apply_enrolled,
    EnrollmentCancelled: roster.apply_cancelled,
}
