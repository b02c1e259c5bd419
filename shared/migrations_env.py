"""The body of every service's Alembic env.py: async engine, one transaction per migration run."""
from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import MetaData, pool
from sqlalchemy.ext.asyncio import async_engine_from_config


def run(target_metadata: MetaData) -> None:
    config = context.config
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                          literal_binds=True, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return

    def do_run(connection):
        # render_as_batch: SQLite cannot ALTER most things in place.
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Replicas starting together: one migrates, the others wait here, then find nothing to do.
                # Taken inside Alembic's transaction, so it commits with the migrations and then lets go.
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7301190001)")
            context.run_migrations()

    async def run_async():
        engine = async_engine_from_config(
            config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool,
            hide_parameters=True,  # a failed migration's log shows the statement, never the rows' values
        )
        async with engine.connect() as connection:
            await connection.run_sync(do_run)
        await engine.dispose()

    asyncio.run(run_async())
