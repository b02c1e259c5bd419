"""Bring a service's database to its newest schema before the bench starts the service, and check it did."""
from __future__ import annotations

import importlib

import asyncpg

from bench.infra import sa_url
from shared.db import migrate


async def prepare_database(service: str, url: str) -> None:
    """Run the service's Alembic migrations on `url` (plain postgresql://); fail loudly if they left no tables
    (it happened once: a lock taken outside Alembic's transaction had every migration rolled back)."""
    bootstrap = importlib.import_module(f"services.{service}.bootstrap")
    await migrate(bootstrap.MIGRATIONS, sa_url(url))
    conn = await asyncpg.connect(url)
    try:
        if not await conn.fetchval("SELECT to_regclass('public.outbox') IS NOT NULL"):
            raise RuntimeError(f"{service}'s migrations left no outbox table in {url.rsplit('/', 1)[1]}")
    finally:
        await conn.close()
