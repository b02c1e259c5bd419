"""Generations of the projection store: where each lives, creating and dropping them, and the live pointer.

Generation 0 is the configured database itself (which also holds the pointer); a rebuild builds generation
N+1 in a database of its own and then moves the pointer, so readers never see a half-built store.
"""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from services.reporting.adapters.orm import StorePointer

def store_url(database_url: str, generation: int, template: str = "") -> str:
    """The URL of a generation's store; generation 0 is the configured database."""
    if generation == 0:
        return database_url
    if template:
        return template.replace("{generation}", str(generation))
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database)
        return url.set(database=str(path.with_name(f"{path.stem}.g{generation}{path.suffix}"))).render_as_string()
    return url.set(database=f"{url.database}_g{generation}").render_as_string(hide_password=False)


def _server_dsn(url) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def create_store_database(url_text: str) -> None:
    """A fresh, empty database for a generation (dropping what a failed rebuild may have left)."""
    await drop_store_database(url_text)
    url = make_url(url_text)
    if url.get_backend_name() == "sqlite":
        return
    import asyncpg

    conn = await asyncpg.connect(_server_dsn(url.set(database="postgres")))
    try:
        await conn.execute(f'CREATE DATABASE "{url.database}"')
    finally:
        await conn.close()


async def drop_store_database(url_text: str) -> None:
    url = make_url(url_text)
    if url.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(url.database + suffix).unlink(missing_ok=True)
        return
    import asyncpg

    conn = await asyncpg.connect(_server_dsn(url.set(database="postgres")))
    try:
        # FORCE: an instance that was slow to let go of an old generation must not block the drop.
        await conn.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
    finally:
        await conn.close()


async def read_generation(control_sessions) -> int:
    async with control_sessions() as session:
        pointer = await session.get(StorePointer, 1)
        return pointer.generation if pointer else 0


async def write_generation(control_sessions, generation: int) -> None:
    async with control_sessions() as session:
        pointer = await session.get(StorePointer, 1)
        if pointer is None:
            session.add(StorePointer(id=1, generation=generation, switched_at=datetime.now(UTC)))
        else:
            pointer.generation, pointer.switched_at = generation, datetime.now(UTC)
        await session.commit()


async def pointer_row(control_sessions) -> dict:
    async with control_sessions() as session:
        pointer = (await session.scalars(select(StorePointer))).first()
        return {"generation": pointer.generation if pointer else 0,
                "switched_at": pointer.switched_at if pointer else None}

