"""Migration 0010 on real PostgreSQL: narasumber registered before it get the codes NS-01, NS-02 in the order they
were registered and no consent to be named; a narasumber registered afterwards takes the next number."""
import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from services.training.bootstrap import MIGRATIONS, create_training_app
from services.training.config import TrainingSettings
from shared.db import alembic_config
from tests.integration.training.conftest import TrainingService


async def test_existing_narasumber_are_numbered_in_the_order_they_were_registered(pg_url):
    config = alembic_config(MIGRATIONS, pg_url)
    await asyncio.to_thread(command.upgrade, config, "0009")
    await asyncio.to_thread(command.upgrade, config, "0011")
    engine = create_async_engine(pg_url)
    first = datetime.now(UTC) - timedelta(days=30)
    async with engine.begin() as conn:
        for n, name in enumerate(("Dr. Kedua", "Dr. Pertama")):
            await conn.execute(text(
                "INSERT INTO trainers (id, name, institution, nik, rate_per_jp, version, created_at, created_by) "
                "VALUES (:id, :name, '', :nik, 0, 1, :at, 'admin')"),
                {"id": uuid.uuid4(), "name": name, "nik": f"640201150780000{n}", "at": first - timedelta(days=n)})
    await engine.dispose()
    app = create_training_app(TrainingSettings(database_url=pg_url, env="test"), start_background=False,
                              handlers={})
    await app.state.runtime.start(run_relay=False, run_consumers=False)  # applies 0010, the merge
    try:
        admin = TrainingService(app).client()
        listed = {t["name"]: (t["code"], t["named_in_reports"]) for t in (await admin.get("/api/v1/trainers")).json()}
        assert listed == {"Dr. Pertama": ("NS-01", False), "Dr. Kedua": ("NS-02", False)}
        made = await admin.post("/api/v1/trainers", json={"name": "Dr. Ketiga", "nik": "6402011507800009"})
        assert made.status_code == 201 and made.json()["code"] == "NS-03"
        taken = await admin.post("/api/v1/trainers", json={"name": "Dr. Keempat", "nik": "6402011507800008",
                                                           "code": "NS-01"})
        assert taken.status_code == 409 and taken.json()["error"]["fields"] == [
            {"field": "code", "message": "sudah dipakai narasumber lain"}]
    finally:
        await app.state.runtime.stop()
