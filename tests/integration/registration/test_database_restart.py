"""PostgreSQL restarts while registration's pool holds connections (issue 19: no pre-ping before each transaction).
An officer sees at most one 503 with Retry-After per request, and the request repeated goes through."""
from __future__ import annotations

import asyncio

import httpx
import pytest

from services.registration.bootstrap import create_registration_app
from services.registration.config import RegistrationSettings
from tests.fixtures import factories
from tests.fixtures.tokens import test_token


@pytest.fixture
async def officer(own_postgres):
    own_postgres.create_database("reg_restart")
    settings = RegistrationSettings(database_url=own_postgres.url("reg_restart"), kafka_bootstrap="127.0.0.1:9",
                                    env="test")
    app = create_registration_app(settings, handlers={}, start_background=False)
    await app.state.runtime.start(run_relay=False, run_consumers=False)
    token = test_token(subject="officer-64.02", role="district_officer", district="64.02")
    # raise_app_exceptions off: the 503 is answered by the catch-all handler, which Starlette re-raises after sending
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://registration",
                                 headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        yield client
    await app.state.runtime.stop()


async def _restart(postgres) -> None:
    await asyncio.to_thread(postgres.kill)
    await asyncio.to_thread(postgres.start)


async def test_after_a_restart_a_request_fails_at_most_once_and_its_repeat_succeeds(officer, own_postgres):
    created = await officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02"))
    assert created.status_code == 201, created.text
    listed = await asyncio.gather(*(officer.get("/api/v1/cooperatives") for _ in range(6)))  # fills the pool
    assert {a.status_code for a in listed} == {200}

    await _restart(own_postgres)
    answers = [(await officer.get("/api/v1/cooperatives")).status_code for _ in range(6)]
    assert answers in ([200] * 6, [503] + [200] * 5), answers  # one stale connection, then the pool is fresh

    await _restart(own_postgres)
    # Officers at work at once: each may be told to wait once (several stale connections in use together) ...
    first = await asyncio.gather(*(officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02"))
                                   for _ in range(6)))
    for answer in first:
        assert answer.status_code in (201, 503), answer.text
        if answer.status_code == 503:
            assert answer.headers["retry-after"] == "5" and "Basis data" in answer.json()["error"]["message"]
    # ... and repeating does it; nothing refused was half written.
    repeats = [await officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02"))
               for a in first if a.status_code == 503]
    assert all(r.status_code == 201 for r in repeats), [r.text for r in repeats]
    total = (await officer.get("/api/v1/cooperatives")).json()
    assert len(total["items"] if isinstance(total, dict) else total) == 1 + 6


async def test_the_pool_pays_for_a_restart_once_not_once_per_connection(own_postgres):
    """What every user of shared.db's engine gets (requests, consumers, the relay): three connections pooled before
    the restart, at most one failure after it (transient: the 503 or a consumer's retry), then fresh connections."""
    from sqlalchemy import text

    from shared.db import create_engine, is_transient

    own_postgres.create_database("pool")
    engine = create_engine(own_postgres.url("pool"), pool_size=3)

    async def one() -> int:
        async with engine.connect() as conn:
            await asyncio.sleep(0.05)  # held together, so the pool opens three connections
            return await conn.scalar(text("SELECT 1"))

    try:
        assert await asyncio.gather(one(), one(), one()) == [1, 1, 1]
        assert engine.pool.checkedin() == 3
        await _restart(own_postgres)
        failures = []
        for _ in range(6):
            try:
                assert await one() == 1
            except Exception as exc:  # noqa: BLE001 - what a caller of the engine would be handed
                failures.append(exc)
        assert len(failures) <= 1 and all(is_transient(f) for f in failures), failures
        assert await asyncio.gather(one(), one(), one()) == [1, 1, 1]
    finally:
        await engine.dispose()
