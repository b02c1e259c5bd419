"""A registration runtime on a fresh SQLite store, migrated: the shared messaging parts (inbox, relay, gauges) as a
service wires them. Its Kafka is an address nobody listens on: these tests never reach a broker."""
import pytest

from services.registration.bootstrap import bootstrap
from services.registration.config import RegistrationSettings
from shared.db import migrate


@pytest.fixture
async def runtime(tmp_path):
    settings = RegistrationSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/r.db", kafka_bootstrap="127.0.0.1:1")
    rt = bootstrap(settings)
    await migrate(rt.migrations, settings.database_url)
    yield rt
    await rt.engine.dispose()
