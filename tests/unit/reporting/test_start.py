"""Starting reporting migrates each database it opens once: the configured one (which holds the store pointer)
before the live generation is chosen, and that generation's own database when it is not the configured one."""
from collections import Counter

import pytest

from services.reporting.adapters import live_store
from services.reporting.adapters.store import write_generation
from services.reporting import bootstrap
from services.reporting.bootstrap import create_reporting_app
from services.reporting.config import ReportingSettings
from shared import runtime as shared_runtime
from shared.db import migrate


@pytest.fixture
def migrations(monkeypatch) -> Counter:
    """Every migration run, by database file, through whichever module calls it."""
    runs: Counter = Counter()

    async def counting(path, url):
        runs[url.rsplit("/", 1)[-1]] += 1
        await migrate(path, url)
    for module in (bootstrap, shared_runtime, live_store):
        monkeypatch.setattr(module, "migrate", counting)
    return runs


async def start_and_stop(settings) -> int:
    app = create_reporting_app(settings, background=False)
    async with app.router.lifespan_context(app):
        return app.state.store.generation


async def test_one_start_migrates_the_configured_database_once(tmp_path, migrations):
    settings = ReportingSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/reporting.db",
                                 kafka_bootstrap="127.0.0.1:1")
    assert await start_and_stop(settings) == 0
    assert migrations == {"reporting.db": 1}


async def test_a_start_on_a_rebuilt_store_migrates_each_database_once(tmp_path, migrations):
    settings = ReportingSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/reporting.db",
                                 kafka_bootstrap="127.0.0.1:1")
    app = create_reporting_app(settings, background=False)
    async with app.router.lifespan_context(app):
        await write_generation(app.state.runtime.sessions, 1)  # as a finished rebuild leaves it
    migrations.clear()
    assert await start_and_stop(settings) == 1
    assert migrations == {"reporting.db": 1, "reporting.g1.db": 1}
