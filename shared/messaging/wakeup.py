"""Wakes the outbox relay as soon as PostgreSQL commits outbox rows (LISTEN/NOTIFY), instead of its next poll.

Each service's migration gives its `outbox` an AFTER INSERT trigger, FOR EACH STATEMENT, that calls
`pg_notify(OUTBOX_CHANNEL, '')`: PostgreSQL delivers the notification when (and only if) the inserting transaction
commits, so the relay never wakes for rows it cannot see yet, and one transaction's rows wake it once. The trigger
rather than a NOTIFY in the outbox writer: no extra statement per write, and every writer (the unit of work, a
COPY, a hand-written INSERT while repairing) wakes the relay without knowing about it.

The listener holds a connection of its own, outside the engine's pool (the pool would hand it to others and
reset it), and opens a new one when the database goes away. The relay's poll stays as the safety net: for rows
written while the listener was down (it wakes the relay once whenever it starts listening) or by a database
without the trigger (SQLite, or tables made by `create_all`).
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger("sipelkop.relay")

# The channel the migrations' trigger notifies (services/*/migrations/versions/*_outbox_notify.py).
OUTBOX_CHANNEL = "sipelkop_outbox"
# A connection that is gone without a word (a cut network, no FIN) is noticed by a query this often.
CHECK_EVERY_S = 30.0
RECONNECT_MAX_S = 5.0


async def listener_connection(engine: AsyncEngine) -> asyncpg.Connection:
    """A plain asyncpg connection to the engine's database, with the arguments the engine's own dialect would use
    (host, credentials, TLS from the URL's query), but none of SQLAlchemy's driver options."""
    _, params = engine.dialect.create_connect_args(engine.url)
    for option in ("prepared_statement_cache_size", "prepared_statement_name_func", "async_creator_fn"):
        params.pop(option, None)
    params.setdefault("timeout", 10)
    return await asyncpg.connect(**params)


class OutboxListener:
    """Calls `wake` on every notification of OUTBOX_CHANNEL and once each time it (re)starts listening."""

    def __init__(self, engine: AsyncEngine, wake: Callable[[], None], *,
                 on_state: Callable[[bool], None] = lambda listening: None):
        self._engine, self._wake, self._on_state = engine, wake, on_state

    async def run(self) -> None:
        backoff = 0.5
        while True:
            conn = None
            try:
                conn = await listener_connection(self._engine)
                lost = asyncio.Event()
                conn.add_termination_listener(lambda _conn: lost.set())
                await conn.add_listener(OUTBOX_CHANNEL, lambda *_notification: self._wake())
                self._on_state(True)
                self._wake()  # rows committed while nobody listened
                backoff = 0.5
                await self._until_lost(conn, lost)
                log.warning("outbox listener lost its connection; listening again")
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database is away: the relay polls meanwhile
                log.warning("outbox listener cannot listen (%s: %s); retrying in %.1fs", type(exc).__name__, exc,
                            backoff)
            finally:
                self._on_state(False)
                if conn is not None:
                    conn.terminate()  # never waits on a dead socket
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, RECONNECT_MAX_S)

    @staticmethod
    async def _until_lost(conn: asyncpg.Connection, lost: asyncio.Event) -> None:
        while not lost.is_set():
            try:
                await asyncio.wait_for(lost.wait(), CHECK_EVERY_S)
            except TimeoutError:
                await asyncio.wait_for(conn.fetchval("SELECT 1"), 10)
