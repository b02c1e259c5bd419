"""Reporting's app on an SQLite file, lifespan run, no Kafka: events are fed to its consumer directly."""
import httpx
import pytest

from services.reporting.bootstrap import create_reporting_app
from services.reporting.config import ReportingSettings
from bench.synthetic import EventLog
from tests.fixtures.tokens import test_token


@pytest.fixture
async def app(tmp_path):
    settings = ReportingSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/reporting.db",
                                 kafka_bootstrap="127.0.0.1:1")
    app = create_reporting_app(settings, background=False)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
def runtime(app):
    return app.state.runtime


@pytest.fixture
def feed(runtime):
    async def feed(records):
        await runtime.consumer.handle_records(list(records))
    return feed


@pytest.fixture
def log() -> EventLog:
    return EventLog()


@pytest.fixture
async def viewer(app):
    token = test_token(subject="kementerian", role="viewer")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reporting",
                                 headers={"Authorization": f"Bearer {token}"}) as client:
        yield client
