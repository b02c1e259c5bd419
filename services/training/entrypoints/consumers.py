"""Which events training applies, and with which use case (ParticipantRegistered, on the same topic, is not one)."""
from __future__ import annotations

from services.training.service_layer import roster, trainer_accounts
from shared.events.identity import AccountRegistered, AccountUpdated
from shared.events.registration import EnrollmentCancelled, ParticipantEnrolled, ParticipantUpdated
from shared.revocation import REVOCATION_HANDLERS

HANDLERS = {
    **REVOCATION_HANDLERS,  # identity's deactivations and sign-outs: older tokens are refused
    AccountRegistered: trainer_accounts.apply_profile,  # its trainer accounts, for the narasumber form
    AccountUpdated: trainer_accounts.apply_profile,
    ParticipantEnrolled: roster.apply_enrolled,
    EnrollmentCancelled: roster.apply_cancelled,
    ParticipantUpdated: roster.apply_participant_updated,
}
