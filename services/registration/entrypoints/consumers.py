"""Which events registration applies, and with which use case."""
from __future__ import annotations

from services.registration.service_layer import batches, invitations, planning
from shared.events.training import (BatchCancelled, BatchClosed, BatchScheduled, BatchUpdated, ParticipantCompleted,
                                    ProgrammePlanned, ProgrammeUpdated)
from shared.revocation import REVOCATION_HANDLERS

HANDLERS = {
    **REVOCATION_HANDLERS,  # identity's deactivations and sign-outs: older tokens are refused
    BatchScheduled: batches.apply_batch_state,
    BatchUpdated: batches.apply_batch_state,
    BatchCancelled: batches.apply_batch_cancelled,
    BatchClosed: batches.apply_batch_closed,
    # The planning list: who completed (trained cooperatives) and the programmes' targets per district.
    # ... and the participant's certificate-ready e-mail.
    ParticipantCompleted: invitations.apply_completion,
    ProgrammePlanned: planning.apply_programme,
    ProgrammeUpdated: planning.apply_programme,
}
