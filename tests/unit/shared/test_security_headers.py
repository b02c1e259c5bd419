"""Every answer of every service carries the security headers; HSTS only over HTTPS, and X-Forwarded-Proto only
from a trusted proxy (uvicorn's proxy headers as `sipelkop` starts them)."""
from __future__ import annotations

import httpx
import pytest
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from services.registration.bootstrap import create_registration_app
from services.registration.config import RegistrationSettings
from shared.http import CONTENT_SECURITY_POLICY


@pytest.fixture
async def app(tmp_path):
    settings = RegistrationSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/r.db", env="test",
                                    kafka_bootstrap="127.0.0.1:1", trusted_proxies="10.0.0.0/8")
    app = create_registration_app(settings, handlers={}, start_background=False)
    await app.state.runtime.start(run_relay=False, run_consumers=False)
    yield app
    await app.state.runtime.stop()


def client(app, peer: str = "127.0.0.1", base_url: str = "http://registration") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(peer, 40000)), base_url=base_url)


@pytest.mark.parametrize("path,accept", [("/healthz", "application/json"), ("/api/v1/cooperatives", "application/json"),
                                         ("/koperasi", "text/html"), ("/aset/sipelkop.css", "text/css"),
                                         ("/tidak-ada", "text/html")])
async def test_pages_api_answers_and_errors_carry_the_headers(app, path, accept):
    async with client(app) as c:
        answer = await c.get(path, headers={"Accept": accept})
    headers = answer.headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src 'self';" in headers["content-security-policy"]  # no inline script
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    assert "strict-transport-security" not in headers  # plain HTTP: never pinned


async def test_hsts_only_over_https(app):
    async with client(app, base_url="https://registration") as c:
        assert "max-age=" in (await c.get("/healthz")).headers["strict-transport-security"]


async def test_forwarded_proto_counts_only_from_a_trusted_proxy(app):
    behind = ProxyHeadersMiddleware(app, trusted_hosts=app.state.settings.trusted_proxies)
    async with client(behind, peer="10.1.2.3") as front_door:
        trusted = await front_door.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    async with client(behind, peer="203.0.113.5") as stranger:
        forged = await stranger.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" in trusted.headers
    assert "strict-transport-security" not in forged.headers


async def test_production_publishes_neither_docs_nor_openapi_unless_enabled(tmp_path):
    async def status(**overrides) -> tuple[int, int]:
        settings = RegistrationSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/p.db",
                                        kafka_bootstrap="127.0.0.1:1", **overrides)
        app = create_registration_app(settings, handlers={}, start_background=False)
        async with client(app) as c:
            return (await c.get("/openapi.json")).status_code, (await c.get("/docs")).status_code

    assert await status(env="production", identity_url="https://sso.example") == (404, 404)
    assert await status(env="production", identity_url="https://sso.example", api_docs=True) == (200, 200)
    assert await status(env="test") == (200, 200)
