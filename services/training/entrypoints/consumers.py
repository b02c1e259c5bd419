"""Which events training applies, and with which use case (ParticipantRegistered, on the same topic, is not one)."""
from __future__ import annotations

from services.training.service_layer import roster
from shared.events.registration import EnrollmentCancelled, ParticipantEnrolled, ParticipantUpdated

HANDLERS = {
    ParticipantEnrolled: roster.apply_enrolled,
    EnrollmentCancelled: roster.apply_cancelled,
    ParticipantUpdated: roster.apply_participant_updated,
}
