"""Reporting's projection engine: events applied to the projection tables a batch at a time, with a few
statements per table (one event is a batch of one).

Each event changes a row only when its aggregate version is newer than what the row holds, so duplicates and
late, older events change nothing. Facts that never change for an entity (an enrolment's batch, cooperative,
district) are filled in by whichever event carries them, whatever order the events arrive in:

1. the batch's events collapse per table and key to what applying them one by one in arrival order would leave
   (domain/collapse.py);
2. those rows are written with one upsert per table that keeps a stored newer version, and one freshness update
   per batch (adapters/projection_writer.py).

The inbox (shared/messaging/inbox.py) has already dropped events it has seen, and when a batch fails it applies
the events one by one, so a culprit is still parked alone.
"""
from __future__ import annotations

from services.reporting.adapters.projection_writer import write_rows
from services.reporting.domain.collapse import ProjectionRows
from shared.events.envelope import Envelope
from shared.events.identity import AccountRevocation
from shared.revocation import apply_revocation
from shared.unit_of_work import UnitOfWork


async def apply_batch(uow: UnitOfWork, items: list) -> None:
    """The consumer's batch hook: items are (record, envelope, event), new to the inbox, in arrival order.
    Identity's revocations are not figures: kept by the shared handler, not counted in freshness."""
    rows = ProjectionRows()
    for _, envelope, event in items:
        if isinstance(event, AccountRevocation):
            await apply_revocation(uow, envelope, event)
        else:
            rows.add(envelope, event)
    await write_rows(uow.session, rows)


async def apply_event(uow: UnitOfWork, envelope: Envelope, event) -> None:
    """One event alone, through the same engine (a batch of one)."""
    await apply_batch(uow, [(None, envelope, event)])
