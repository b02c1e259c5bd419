"""The public limiter: counts per client address, forgets at the end of a window, never grows past its bound, and
believes X-Forwarded-For only from the configured proxy networks (uvicorn's handling, as `sipelkop` starts it)."""
from __future__ import annotations

import httpx
import pytest
from fastapi import Depends, FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from shared.http_errors import install_error_handlers
from shared.rate_limit import RateLimit, app_rate_limited


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_client_is_refused_past_its_limit_with_the_seconds_to_wait():
    clock = Clock()
    limit = RateLimit(limit=3, window_s=60, timer=clock)
    assert [limit.hit("a") for _ in range(3)] == [None, None, None]
    clock.now += 20
    assert limit.hit("a") == 40
    assert limit.hit("b") is None  # another client is not affected


def test_a_window_ends_and_its_entry_is_forgotten():
    clock = Clock()
    limit = RateLimit(limit=1, window_s=60, timer=clock)
    limit.hit("a")
    assert limit.hit("a") is not None
    clock.now += 61
    assert len(limit) == 0
    assert limit.hit("a") is None


def test_a_flood_of_addresses_keeps_the_state_bounded():
    limit = RateLimit(limit=5, window_s=300, max_clients=100, timer=Clock())
    for n in range(20_000):
        limit.hit(f"198.51.{n // 256}.{n % 256}")
    assert len(limit) == 100


def app_behind(trusted_proxies: str, *, limit: int = 2) -> ProxyHeadersMiddleware:
    """An app limited as the public pages are (two requests a minute here), as `sipelkop` serves it: uvicorn with
    proxy_headers and forwarded_allow_ips = SIPELKOP_TRUSTED_PROXIES."""
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/verifikasi", dependencies=[Depends(app_rate_limited("verifikasi", limit=limit, window_s=60))])
    async def page() -> dict:
        return {"ok": True}

    return ProxyHeadersMiddleware(app, trusted_hosts=trusted_proxies)


def client_of(app, peer: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(peer, 40000)), base_url="http://test")


@pytest.mark.asyncio
async def test_a_forged_forwarded_for_from_an_untrusted_peer_is_ignored():
    async with client_of(app_behind("10.0.0.0/8"), "203.0.113.7") as client:
        answers = [await client.get("/verifikasi", headers={"X-Forwarded-For": f"192.0.2.{n}"}) for n in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    refused = answers[2]
    assert int(refused.headers["Retry-After"]) > 0
    assert "Terlalu banyak permintaan" in refused.json()["error"]["message"]


@pytest.mark.asyncio
async def test_behind_a_trusted_proxy_network_each_client_is_counted_on_its_own():
    async with client_of(app_behind("10.0.0.0/8"), "10.2.3.4") as client:
        others = [await client.get("/verifikasi", headers={"X-Forwarded-For": f"192.0.2.{n}"}) for n in range(5)]
        same = [await client.get("/verifikasi", headers={"X-Forwarded-For": "192.0.2.200"}) for _ in range(3)]
        # The client cannot hide behind an address it prepends itself: the proxy appends the real one.
        forged = [await client.get("/verifikasi", headers={"X-Forwarded-For": f"1.1.1.{n}, 192.0.2.200"})
                  for n in range(2)]
    assert {a.status_code for a in others} == {200}
    assert [a.status_code for a in same] == [200, 200, 429]
    assert [a.status_code for a in forged] == [429, 429]


@pytest.mark.asyncio
async def test_an_ipv6_client_counts_by_its_prefix():
    app = app_behind("127.0.0.1")
    answers = []
    for n in range(3):
        async with client_of(app, f"2001:db8:1:2::{n + 1}") as client:
            answers.append((await client.get("/verifikasi")).status_code)
    assert answers == [200, 200, 429]
