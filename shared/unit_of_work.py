"""Unit of work: one transaction holding the domain change and the events it produced (the outbox)."""
from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.events.base import DomainEvent
from shared.events.envelope import Envelope
from shared.messaging.tables import MessagingTables
from shared.observability import current_causation_id, current_correlation_id


class UnitOfWork:
    """Rolls back unless committed; events emitted inside it are written to the outbox on commit."""

    def __init__(self, sessions: async_sessionmaker, tables: MessagingTables, source: str, topic_prefix: str = ""):
        self._sessions = sessions
        self._topic_prefix = topic_prefix
        self._tables = tables
        self._source = source
        self.session: AsyncSession | None = None
        self._pending: list[Envelope] = []

    @property
    def tables(self) -> MessagingTables:
        return self._tables

    async def __aenter__(self) -> "UnitOfWork":
        self.session = self._sessions()
        self._pending = []
        return self

    async def __aexit__(self, *exc) -> None:
        await self.session.rollback()
        await self.session.close()

    def emit(self, event: DomainEvent, *, subject: str, aggregate_version: int) -> Envelope:
        envelope = Envelope.wrap(
            event, source=self._source, subject=subject, aggregate_version=aggregate_version,
            correlation_id=current_correlation_id(), causation_id=current_causation_id(),
        )
        self._pending.append(envelope)
        return envelope

    async def commit(self) -> None:
        if self._pending:
            now = datetime.now(UTC)
            await self.session.execute(
                self._tables.outbox.insert(),
                [
                    {"event_id": str(e.id), "event_type": e.type, "topic": self._topic_prefix + _topic_of(e.type), "key": e.subject,
                     "payload": json.dumps(e.model_dump(mode="json"), separators=(",", ":")), "created_at": now}
                    for e in self._pending
                ],
            )
            self._pending = []
        await self.session.commit()


def _topic_of(event_type: str) -> str:
    from shared.events.base import EVENT_TYPES

    return EVENT_TYPES[event_type].topic
