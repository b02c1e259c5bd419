"""Which events training applies, and with which use case (ParticipantRegistered, on the same topic, is not one)."""
from __future__ import annotations

from services.training.service_layer import roster
from shared.events.registration import EnrollmentCancelled, ParticipantEnrolled, ParticipantUpdated
from shared.revocation import REVOCATION_HANDLERS

HANDLERS = {
    **REVOCATION_HANDLERS,  # identity's deactivations and sign-outs: older tokens are refused
    ParticipantEnrolled: roster.apply_enrolled,
    EnrollmentCancelled: roster.apply_cancelled,
    ParticipantUpdated: roster.apply_participant_updated,
}
