"""`sipelkop kafka recover --from ARSIP` sits under `sipelkop kafka` (which alone still runs the local broker), and
marks unpublished exactly the outbox rows published since the given time, leaving older ones as they are."""
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from services.registration.bootstrap import bootstrap
from services.registration.config import RegistrationSettings
from shared.backup_parts import Database
from shared.backup_recover import cmd_recover, republish_since
from shared.cli import build_parser, cmd_kafka, main
from shared.db import migrate

BACKUP = datetime(2026, 12, 2, 17, 30, tzinfo=UTC)  # 01:30 WITA


def test_recover_is_an_action_of_the_kafka_command():
    assert build_parser().parse_args(["kafka"]).func is cmd_kafka
    args = build_parser().parse_args(["kafka", "recover", "--from", "cadangan.tar.gz"])
    assert args.func is cmd_recover and args.archive == Path("cadangan.tar.gz") and not args.force


def test_a_missing_archive_is_named(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("shared.backup_restore._running_services", lambda: [])
    assert main(["kafka", "recover", "--from", str(tmp_path / "tidak-ada.tar.gz")]) == 1
    assert "tidak-ada.tar.gz tidak ada" in capsys.readouterr().err


@pytest.fixture
async def registration(tmp_path):
    settings = RegistrationSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/r.db")
    rt = bootstrap(settings)
    await migrate(rt.migrations, settings.database_url)
    yield rt
    await rt.engine.dispose()


async def test_rows_published_since_the_backup_go_back_to_the_relay(registration):
    moments = [BACKUP - timedelta(days=2), BACKUP + timedelta(minutes=5), BACKUP + timedelta(hours=6), None]
    async with registration.engine.begin() as conn:
        for moment in moments:
            await conn.execute(registration.tables.outbox.insert().values(
                event_id=str(uuid.uuid4()), event_type="t", topic="sipelkop.registration.enrollment", key="k",
                payload="{}", created_at=BACKUP, published_at=moment))
    db = Database("registration", "registration", registration.settings.database_url)
    marked, oldest = await republish_since(db, BACKUP)
    assert marked == 2 and oldest == moments[0]
    outbox = registration.tables.outbox
    async with registration.engine.connect() as conn:
        left = (await conn.execute(select(outbox.c.published_at).order_by(outbox.c.seq))).scalars().all()
    assert [m.replace(tzinfo=UTC) if m else None for m in left] == [moments[0], None, None, None]
