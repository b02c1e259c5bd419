"""Migration 0005 on real PostgreSQL: a batch stored before agendas keeps its one session per day (JP from its hours),
the spine's attendance endpoint keeps working on it, and its first added session replaces the generated days
that hold no attendance."""
import asyncio
import uuid
from datetime import UTC, datetime, time, timedelta

from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from services.training.bootstrap import MIGRATIONS, create_training_app
from services.training.config import TrainingSettings
from shared.db import alembic_config
from tests.fixtures.factories import business_today
from tests.integration.training.conftest import TrainingService, day_at


async def _old_batch(url: str) -> str:
    """A batch of three days as revision 0004 stored it; day 2 was edited to 09:00-15:30."""
    batch_id, start = uuid.uuid4(), business_today()
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text(
            "INSERT INTO batches (id, code, title, fiscal_year, venue, start_date, end_date, capacity, "
            "eligible_districts, district_quotas, planned_budget, completion_min_percent, trainers, status, version, "
            "created_at, created_by) VALUES (:id, 'LAMA-01', 'Digitalisasi Usaha Koperasi', :year, 'Samarinda', "
            ":start, :end, 30, '[\"64.02\"]', '{}', 0, 100, '[\"pelatih-1\"]', 'scheduled', 1, :now, 'admin')"),
            {"id": batch_id, "year": start.year, "start": start, "end": start + timedelta(days=2),
             "now": datetime.now(UTC)})
        for n in (1, 2, 3):
            await conn.execute(text(
                "INSERT INTO sessions (id, batch_id, number, date, topic, start_time, end_time, status, version) "
                "VALUES (:id, :batch, :n, :day, :topic, :start, :end, 'open', 1)"),
                {"id": uuid.uuid4(), "batch": batch_id, "n": n, "day": start + timedelta(days=n - 1),
                 "topic": f"Hari {n}", "start": time(9, 0) if n == 2 else time(8, 0),
                 "end": time(15, 30) if n == 2 else time(16, 0)})
    await engine.dispose()
    return str(batch_id)


async def test_a_batch_from_before_agendas_keeps_working_after_the_migration(pg_url):
    await asyncio.to_thread(command.upgrade, alembic_config(MIGRATIONS, pg_url), "0004")
    batch_id = await _old_batch(pg_url)
    app = create_training_app(TrainingSettings(database_url=pg_url, env="test"), start_background=False,
                              handlers={})
    await app.state.runtime.start(run_relay=False, run_consumers=False)  # applies 0005
    try:
        training = TrainingService(app)
        admin = training.client()
        batch = (await admin.get(f"/api/v1/batches/{batch_id}")).json()
        assert (batch["agenda"], batch["total_jp"]) == ("daily", 28)
        assert [(s["no"], s["jp"], s["jp_set"]) for s in batch["sessions"]] == [(1, 10, False), (2, 8, False),
                                                                              (3, 10, False)]
        people = await training.enrol(batch_id, 1)
        marks = {"marks": [{"participant_id": people[0]["participant_id"], "status": "hadir"}],
                 "recorded_at": day_at(batch, 1)}
        trainer = training.client("trainer", "pelatih-1")
        assert (await trainer.put(f"/api/v1/batches/{batch_id}/sessions/1/attendance", json=marks)).status_code == 200
        added = await admin.post(f"/api/v1/batches/{batch_id}/sessions", json={
            "date": batch["sessions"][1]["date"], "start_time": "08:00", "end_time": "09:30", "topic": "Pembukaan"})
        assert added.status_code == 201, added.text
        assert [s["no"] for s in (await admin.get(f"/api/v1/batches/{batch_id}/sessions")).json()] == [1, 2]
    finally:
        await app.state.runtime.stop()
