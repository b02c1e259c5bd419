"""Identity's app on an SQLite file, lifespan run (migrations), no Kafka; cheap argon2 parameters so the tests stay
fast (the real ones are argon2-cffi's defaults)."""
from __future__ import annotations

import httpx
import pytest
from argon2 import PasswordHasher

from services.identity.bootstrap import create_identity_app
from services.identity.config import IdentitySettings
from services.identity.domain import passwords
from services.identity.service_layer import accounts

ISSUER = "http://identity.test"
ADMIN_PASSWORD = "kopi-durian-samarinda-7"
OFFICER_PASSWORD = "ladang-padi-kutai-31"
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch):
    monkeypatch.setattr(passwords, "hasher", lambda: CHEAP)


def identity_settings(tmp_path, **overrides) -> IdentitySettings:
    values = dict(data_dir=tmp_path, database_url=f"sqlite+aiosqlite:///{tmp_path}/identity.db",
                  kafka_bootstrap="127.0.0.1:1", identity_url=ISSUER, revocation_refresh_s=0)
    return IdentitySettings(**{**values, **overrides})


@pytest.fixture
def settings(tmp_path) -> IdentitySettings:
    return identity_settings(tmp_path)


@pytest.fixture
async def app(settings):
    app = create_identity_app(settings, start_background=False)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
def runtime(app):
    return app.state.runtime


def client_for(app, ip: str = "10.1.1.1", base_url: str = ISSUER) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(ip, 5000)), base_url=base_url)


@pytest.fixture
async def client(app):
    async with client_for(app) as c:
        yield c


@pytest.fixture
async def admin(runtime):
    account, _ = await accounts.create_account(runtime.uow(), accounts.SYSTEM, username="admin.prov",
                                               full_name="Admin Provinsi Kaltim", role="admin",
                                               password=ADMIN_PASSWORD)
    return account


@pytest.fixture
async def officer(runtime):
    account, _ = await accounts.create_account(runtime.uow(), accounts.SYSTEM, username="petugas.kukar",
                                               full_name="Siti Rahmawati", role="district_officer",
                                               district_code="64.02", password=OFFICER_PASSWORD)
    return account


async def login(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post("/api/v1/auth/login", json={"username": username, "password": password})


@pytest.fixture
async def admin_headers(app, admin) -> dict:
    async with client_for(app, "10.9.9.9") as c:
        response = await login(c, "admin.prov", ADMIN_PASSWORD)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def outbox(runtime) -> list[dict]:
    import json

    from sqlalchemy import select

    async with runtime.sessions() as session:
        rows = (await session.execute(select(runtime.tables.outbox.c.event_type, runtime.tables.outbox.c.payload)
                                      .order_by(runtime.tables.outbox.c.seq))).all()
    return [{"type": t, **json.loads(p)} for t, p in rows]
