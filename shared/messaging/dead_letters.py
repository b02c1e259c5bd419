"""Dead-letter parking: events that can never be applied, kept with the reason, listed, redriven or discarded."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from shared.messaging.tables import MessagingTables


@dataclass(frozen=True)
class ReplayRecord:
    """A parked event handed back to the consumer on redrive, shaped like a Kafka record."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


class DeadLetterStore:
    def __init__(self, sessions: async_sessionmaker, tables: MessagingTables):
        self._sessions = sessions
        self.tables = tables

    async def park(self, *, consumer: str, record: Any, error: str, event_type: str | None) -> None:
        key = record.key.decode("utf-8", "replace") if isinstance(record.key, bytes) else record.key
        async with self._sessions() as session:
            await session.execute(self.tables.dead_letters.insert().values(
                consumer=consumer, topic=record.topic, partition=record.partition, offset=record.offset,
                key=key, payload=record.value, event_type=event_type, error=error[:4000],
                parked_at=datetime.now(UTC), status="parked"))
            await session.commit()

    async def list(self, *, status: str | None = "parked", limit: int = 100) -> list[dict]:
        dl = self.tables.dead_letters
        query = select(dl.c.id, dl.c.consumer, dl.c.topic, dl.c.partition, dl.c.offset, dl.c.event_type,
                       dl.c.error, dl.c.parked_at, dl.c.status).order_by(dl.c.id).limit(limit)
        if status:
            query = query.where(dl.c.status == status)
        async with self._sessions() as session:
            return [dict(r._mapping) for r in await session.execute(query)]

    async def count(self, status: str = "parked") -> int:
        dl = self.tables.dead_letters
        async with self._sessions() as session:
            return await session.scalar(select(func.count()).where(dl.c.status == status))

    async def get(self, letter_id: int) -> dict | None:
        dl = self.tables.dead_letters
        async with self._sessions() as session:
            row = (await session.execute(select(dl).where(dl.c.id == letter_id))).first()
            return dict(row._mapping) if row else None

    async def mark(self, letter_id: int, status: str) -> None:
        dl = self.tables.dead_letters
        async with self._sessions() as session:
            await session.execute(dl.update().where(dl.c.id == letter_id).values(status=status))
            await session.commit()

    async def redrive(self, letter_id: int, consumer) -> bool:
        """Hand a parked event to the consumer again; it is parked anew if it still fails."""
        letter = await self.get(letter_id)
        if letter is None or letter["status"] != "parked":
            return False
        await self.mark(letter_id, "redriven")
        key = letter["key"].encode() if letter["key"] is not None else None
        await consumer.handle_records([ReplayRecord(letter["topic"], letter["partition"], letter["offset"],
                                                    key, letter["payload"])])
        return True
