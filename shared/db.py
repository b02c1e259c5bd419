"""Database helpers: engine per URL (SQLite embedded or PostgreSQL), Alembic on start, transient-error test."""
from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    # hide_parameters: an error (and its log line, and its traceback) shows the statement but never the bound
    # values: names, e-mail addresses, birth dates, password hashes.
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn, _record):
            # WAL lets the relay read while a request writes; foreign keys are off by default in SQLite.
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    # Disconnects are handled optimistically (SQLAlchemy's "Dealing with Disconnects"): no pre-ping, which cost a
    # round trip before every transaction (issue 19's profile). After a database restart the first use of a stale
    # pooled connection fails once, as a transient error (503 with Retry-After; the relay and consumers retry), and
    # SQLAlchemy then invalidates every connection older than that failure, so the next checkouts are fresh.
    # pool_recycle replaces a connection after 30 minutes, before an idle-cutting proxy or firewall can.
    return create_async_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800,
                               hide_parameters=True)


def session_factory(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


def insert_for(session):
    """The store's own INSERT, which has ON CONFLICT … DO UPDATE/NOTHING (PostgreSQL's or SQLite's ≥ 3.24): one upsert
    written once for both stores. `session`: an (Async)Session or a Connection."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def is_postgres(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"


def alembic_config(script_location: Path, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


async def migrate(script_location: Path, url: str) -> None:
    """Bring the database to the newest revisions (every head: features branch from one revision and are merged
    later); the env.py runs its own event loop, hence a thread."""
    await asyncio.to_thread(command.upgrade, alembic_config(script_location, url), "heads")


async def ping(engine: AsyncEngine, timeout: float = 2.0) -> bool:
    try:
        async with asyncio.timeout(timeout):
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


def sqlstate(exc: BaseException) -> str | None:
    """The PostgreSQL SQLSTATE behind a SQLAlchemy error, if any (SQLAlchemy wraps asyncpg's exception)."""
    orig = getattr(exc, "orig", None) or exc
    return getattr(orig, "sqlstate", None) or getattr(orig.__cause__, "sqlstate", None)


def is_transient(exc: BaseException) -> bool:
    """True for errors that go away by waiting: the database is down, restarting or locked."""
    if isinstance(exc, (OperationalError, ConnectionError, OSError, asyncio.TimeoutError)):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    orig = getattr(exc, "orig", None) or exc
    # SQLAlchemy wraps asyncpg's errors in its own Error class: the SQLSTATE tells what happened.
    # 08xxx connection errors, 57P01-57P03 shutdown / starting up / not yet accepting connections, 53300 too many.
    code = sqlstate(exc)
    if code and (code.startswith("08") or code in {"57P01", "57P02", "57P03", "53300", "40001", "40P01"}):
        return True
    name = type(orig.__cause__ if isinstance(orig.__cause__, Exception) else orig).__name__
    return name in {
        "CannotConnectNowError",
        "ConnectionDoesNotExistError",
        "InterfaceError",
        "AdminShutdownError",
        "TooManyConnectionsError",
        "SerializationError",
        "DeadlockDetectedError",
    }


def service_metadata():
    """A service's MetaData with the one naming convention, so migrations name constraints the same everywhere."""
    from sqlalchemy import MetaData

    return MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s", "pk": "pk_%(table_name)s",
    })
