"""Revoked accounts, as every service learns them from identity's account events (through its inbox).

Each replica keeps the table in memory and re-reads it every few seconds, so a deactivation reaches every
replica within seconds of the event being applied by any of them (they share the service's database)."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from shared.events.envelope import Envelope
from shared.events.identity import AccountDeactivated, AccountRevocation, SessionsRevoked
from shared.messaging.tables import MessagingTables
from shared.unit_of_work import UnitOfWork
from shared.db import insert_for


class RevocationList:
    def __init__(self, sessions: Callable[[], async_sessionmaker], tables: MessagingTables, *,
                 refresh_s: float = 5.0):
        # A callable: reporting points its sessions at a new store generation after a rebuild.
        self._sessions, self._table, self.refresh_s = sessions, tables.revocations, refresh_s
        self._not_before: dict[str, datetime] = {}
        self._loaded_at = 0.0
        self._lock = asyncio.Lock()

    async def _reload(self) -> None:
        async with self._sessions()() as session:
            rows = (await session.execute(select(self._table.c.account_id, self._table.c.not_before))).all()
        self._not_before = {account: _aware(moment) for account, moment in rows}
        self._loaded_at = time.monotonic()

    async def revoked(self, account_id: str, issued_at: datetime | None) -> bool:
        if time.monotonic() - self._loaded_at >= self.refresh_s:
            async with self._lock:
                if time.monotonic() - self._loaded_at >= self.refresh_s:
                    await self._reload()
        not_before = self._not_before.get(account_id)
        return not_before is not None and (issued_at is None or issued_at < not_before)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def apply_revocation(uow: UnitOfWork, envelope: Envelope, event: AccountRevocation) -> None:
    """Keep the latest not-before per account (events may arrive twice or out of order)."""
    table = uow.tables.revocations
    insert = insert_for(uow.session)
    values = {"account_id": str(event.account_id), "not_before": event.not_before, "updated_at": datetime.now(UTC)}
    statement = insert(table).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.account_id],
        set_={"not_before": statement.excluded.not_before, "updated_at": statement.excluded.updated_at},
        where=table.c.not_before < statement.excluded.not_before)
    await uow.session.execute(statement)


REVOCATION_HANDLERS = {AccountDeactivated: apply_revocation, SessionsRevoked: apply_revocation}
