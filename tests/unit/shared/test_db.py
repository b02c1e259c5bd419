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


async def test_one_upsert_written_once_runs_on_sqlite_and_keeps_the_newer_row(tmp_path):
    # insert_for gives the store's own INSERT with ON CONFLICT; PostgreSQL's is used by every integration test.
    from sqlalchemy import Column, Integer, MetaData, String, Table, select
    from sqlalchemy.dialects import postgresql, sqlite

    from shared.db import create_engine, insert_for, session_factory

    rows = Table("rows", MetaData(), Column("id", Integer, primary_key=True), Column("name", String(20)),
                 Column("version", Integer))
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/u.db")
    async with engine.begin() as conn:
        await conn.run_sync(rows.metadata.create_all)
    async with session_factory(engine)() as session:
        insert = insert_for(session)
        assert insert is sqlite.insert and insert is not postgresql.insert
        for name, version in (("baru", 2), ("lama", 1)):
            statement = insert(rows).values(id=1, name=name, version=version)
            await session.execute(statement.on_conflict_do_update(
                index_elements=[rows.c.id], set_={"name": statement.excluded.name, "version": statement.excluded.version},
                where=rows.c.version < statement.excluded.version))
        await session.commit()
        assert (await session.execute(select(rows.c.name, rows.c.version))).all() == [("baru", 2)]
    await engine.dispose()
