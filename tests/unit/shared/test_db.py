"""Which database errors are waited out (transient) and which are not."""
import asyncpg
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_dbapi
from sqlalchemy.exc import DBAPIError, IntegrityError

from shared.db import is_transient


def wrapped(asyncpg_error: Exception) -> DBAPIError:
    """What SQLAlchemy hands us: asyncpg's error inside the adapter's Error inside DBAPIError."""
    try:
        raise AsyncAdapt_asyncpg_dbapi.Error(str(asyncpg_error)) from asyncpg_error
    except Exception as adapted:
        adapted.sqlstate = getattr(asyncpg_error, "sqlstate", None)
        return DBAPIError("SELECT 1", {}, adapted)


def test_a_database_starting_up_is_transient():
    assert is_transient(wrapped(asyncpg.exceptions.CannotConnectNowError("starting up")))


def test_an_administrator_shutdown_is_transient():
    assert is_transient(wrapped(asyncpg.exceptions.AdminShutdownError("terminating")))


def test_a_deadlock_is_transient():
    assert is_transient(wrapped(asyncpg.exceptions.DeadlockDetectedError("deadlock")))


def test_a_broken_constraint_is_not():
    error = asyncpg.exceptions.UniqueViolationError("duplicate key")
    assert not is_transient(IntegrityError("INSERT", {}, error))


def test_a_plain_bug_is_not():
    assert not is_transient(ValueError("bug"))


def test_the_sqlstate_is_read_through_the_wrappers():
    from shared.db import sqlstate

    assert sqlstate(wrapped(asyncpg.exceptions.CharacterNotInRepertoireError("0x00"))) == "22021"
    assert sqlstate(ValueError("x")) is None


async def test_a_database_error_shows_the_statement_but_never_the_values(tmp_path):
    """Engines hide bound parameters: a failed insert's message (what reaches a log) names no person's data."""
    import pytest
    from sqlalchemy import text

    from shared.db import create_engine

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/x.db")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE people (email TEXT UNIQUE)"))
            await conn.execute(text("INSERT INTO people VALUES (:email)"), {"email": "siti.rahma@example.id"})
        with pytest.raises(IntegrityError) as caught:
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO people VALUES (:email)"), {"email": "siti.rahma@example.id"})
    finally:
        await engine.dispose()
    message = str(caught.value)
    assert "INSERT INTO people" in message and "siti.rahma" not in message
    assert "hidden" in message
