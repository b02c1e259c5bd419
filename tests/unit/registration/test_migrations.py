"""Registration's migrations build exactly the tables its models describe."""
import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from services.registration.adapters.orm import metadata
from services.registration.bootstrap import MIGRATIONS
from shared.db import migrate


def test_migrations_match_the_models(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'registration.db'}"

    async def diff():
        await migrate(MIGRATIONS, url)
        engine = create_async_engine(url)
        async with engine.connect() as conn:
            changes = await conn.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), metadata))
        await engine.dispose()
        return changes

    assert asyncio.run(diff()) == []


def test_the_registry_fields_migration_keeps_existing_cooperatives(tmp_path):
    """A cooperative registered before 0004 keeps every value and reads back with no NIB, no RAT year, not syariah,
    zero managers and employees; the upgrade then goes on to the newest revision."""
    import asyncio as aio

    from alembic import command
    from sqlalchemy import text

    from shared.db import alembic_config

    url = f"sqlite+aiosqlite:///{tmp_path / 'registration.db'}"
    config = alembic_config(MIGRATIONS, url)

    async def run():
        await aio.to_thread(command.upgrade, config, "0003")
        engine = create_async_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO cooperatives (id, name, registration_number, district_code, kind, sector, active, grade,"
                " members_male, members_female, version, created_at, created_by) VALUES ("
                "'0b3f2c1e9a8d4f7e8c6b5a4d3e2f1a0b', 'Koperasi Lama Tenggarong', '6402000001', '64.02', 'produsen',"
                " 'pertanian', 1, 'B', 31, 27, 3, '2025-01-02 03:04:05', 'dinas-kukar')"))
        await aio.to_thread(command.upgrade, config, "heads")
        async with engine.connect() as conn:
            row = (await conn.execute(text(
                "SELECT name, registration_number, grade, members_male, members_female, version, nib, last_rat_year,"
                " syariah, managers_count, employees_count FROM cooperatives"))).one()
        await engine.dispose()
        return tuple(row)

    assert asyncio.run(run()) == ("Koperasi Lama Tenggarong", "6402000001", "B", 31, 27, 3, None, None, 0, 0, 0)
