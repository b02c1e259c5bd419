"""Migration 0012 on real PostgreSQL: certificates issued before it keep their rows and read back with nothing
replaced; afterwards a participant may hold a revoked certificate beside a valid one, never two valid ones; and it
goes back down while no re-issue has happened."""
import asyncio
import uuid
from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine

from services.training.bootstrap import MIGRATIONS
from shared.db import alembic_config

INSERT = text(
    "INSERT INTO certificates (number, year, sequence, batch_id, participant_id, full_name, cooperative_name, "
    "batch_title, venue, start_date, end_date, signing_official, signing_title, issued_at, status) VALUES "
    "(:number, 2023, :sequence, :batch, :person, 'Siti Aminah', 'KSP Maju', 'Digitalisasi Usaha Koperasi', "
    "'Samarinda', :day, :day, 'Drs. Pejabat', 'Kepala UPTD', :at, :status)")


async def test_0012_allows_one_valid_certificate_per_participant_beside_revoked_ones(pg_url):
    config = alembic_config(MIGRATIONS, pg_url)
    await asyncio.to_thread(command.upgrade, config, "0010")
    batch, person = uuid.uuid4(), uuid.uuid4()
    row = {"batch": batch, "person": person, "day": date(2023, 7, 6), "at": datetime.now(UTC)}
    engine = create_async_engine(pg_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(INSERT, {**row, "number": "UPTD-KUKM/2023/0001", "sequence": 1, "status": "valid"})
        await asyncio.to_thread(command.upgrade, config, "0012")
        async with engine.begin() as conn:
            kept = (await conn.execute(text("SELECT full_name, status, replaces, replaced_by FROM certificates"))).all()
            assert kept == [("Siti Aminah", "valid", None, None)]
            await conn.execute(text("UPDATE certificates SET status = 'revoked', replaced_by = 'UPTD-KUKM/2023/0002'"))
            await conn.execute(INSERT, {**row, "number": "UPTD-KUKM/2023/0002", "sequence": 2, "status": "valid"})
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await conn.execute(INSERT, {**row, "number": "UPTD-KUKM/2023/0003", "sequence": 3, "status": "valid"})
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM certificates WHERE number = 'UPTD-KUKM/2023/0002'"))
        await asyncio.to_thread(command.downgrade, config, "0010")
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await conn.execute(INSERT, {**row, "number": "UPTD-KUKM/2023/0004", "sequence": 4, "status": "revoked"})
    finally:
        await engine.dispose()
