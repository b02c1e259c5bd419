"""Identity's migrations build exactly the tables its models describe."""
import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from services.identity.adapters.orm import metadata
from services.identity.bootstrap import MIGRATIONS
from shared.db import migrate


def test_migrations_match_the_models(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'identity.db'}"

    async def diff():
        await migrate(MIGRATIONS, url)
        engine = create_async_engine(url)
        async with engine.connect() as conn:
            changes = await conn.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), metadata))
        await engine.dispose()
        return changes

    assert asyncio.run(diff()) == []
