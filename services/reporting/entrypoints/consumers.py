"""Which events reporting applies: every event a figure depends on (participant.registered carries nothing it
counts), each through the one projection engine (service_layer/batch_apply.py).

The consumer applies whole batches through its batch hook, `apply_batch` (bootstrap.py sets it); these handlers
say which event types count and which topics to read, and each applies its event alone through the same engine.
"""
from __future__ import annotations

from services.reporting.domain.collapse import COLLAPSE
from services.reporting.service_layer.batch_apply import apply_event
from shared.revocation import REVOCATION_HANDLERS

HANDLERS = {
    **REVOCATION_HANDLERS,  # identity's deactivations and sign-outs: older tokens are refused
    **dict.fromkeys(COLLAPSE, apply_event),  # the event types the engine projects (training's corrections included)
}
