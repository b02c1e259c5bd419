"""Per-client request limits for public pages and APIs: bounded, expiring counters, keyed by the client's address.

The address is the one uvicorn gives (`request.client.host`): `sipelkop` starts uvicorn with `proxy_headers=True`
and `forwarded_allow_ips=SIPELKOP_TRUSTED_PROXIES` (shared/cli.py), and uvicorn (0.30+) believes `X-Forwarded-For`
only when the direct peer is in that list of addresses or CIDR networks, taking the right-most address no trusted
proxy added. A forged header from anywhere else is ignored, so nothing here reads the header itself.

The counters are one replica's (a fixed window per key in a `cachetools.TTLCache`): an entry expires when its
window ends and the cache never holds more than `max_clients` keys (the least recently seen goes first), so a
flood of addresses costs bounded memory. Limits that must hold across replicas (identity's sign-in) count in the
database instead.
"""
from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections.abc import Callable

from cachetools import TTLCache
from starlette.exceptions import HTTPException
from starlette.requests import Request

DEFAULT_MAX_CLIENTS = 10_000


class RateLimit:
    """At most `limit` requests per key in each window of `window_s` seconds."""

    def __init__(self, *, limit: int, window_s: float, max_clients: int = DEFAULT_MAX_CLIENTS,
                 timer: Callable[[], float] = time.monotonic):
        if limit < 1 or window_s <= 0 or max_clients < 1:
            raise ValueError("limit, window_s and max_clients must be positive")
        self.limit, self.window_s, self._timer = limit, window_s, timer
        # key -> [count, window start]; mutated in place so the entry still expires when its window ends
        self._counters: TTLCache = TTLCache(maxsize=max_clients, ttl=window_s, timer=timer)
        self._lock = threading.Lock()  # the cache is not thread-safe; sync routes run in a thread pool

    def hit(self, key: str) -> int | None:
        """Count one request; None when allowed, else the seconds to wait (for Retry-After)."""
        with self._lock:
            now = self._timer()
            entry = self._counters.get(key)
            if entry is None:
                self._counters[key] = [1, now]
                return None
            if entry[0] >= self.limit:
                return max(1, math.ceil(entry[1] + self.window_s - now))
            entry[0] += 1
            return None

    def __len__(self) -> int:
        with self._lock:
            self._counters.expire()
            return len(self._counters)


def client_key(request: Request) -> str:
    """The client's address as uvicorn resolved it; an IPv6 client counts by its /64 (one subscriber's prefix:
    otherwise one home line could rotate through 2^64 keys)."""
    host = request.client.host if request.client else "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host[:100]
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class TooManyRequests(HTTPException):
    """429 in Bahasa with Retry-After; rendered by shared/http_errors.py as JSON or as a page for a browser."""

    def __init__(self, retry_after: int):
        minutes = math.ceil(retry_after / 60)
        wait = f"{retry_after} detik" if retry_after < 60 else f"{minutes} menit"
        super().__init__(429, f"Terlalu banyak permintaan dari alamat Anda. Coba lagi dalam {wait}.",
                         headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


def app_rate_limited(scope: str, *, limit: int, window_s: float) -> Callable:
    """A FastAPI dependency, `Depends(app_rate_limited("verifikasi", limit=30, window_s=60))`, with the counters
    kept on the app (`app.state.rate_limits`): each app, and so each test's app, counts on its own; the page and
    the API of one scope share them."""

    async def check(request: Request) -> None:  # on the event loop: no thread pool, no race
        limits = getattr(request.app.state, "rate_limits", None)
        if limits is None:
            limits = request.app.state.rate_limits = {}
        counter = limits.get(scope)
        if counter is None:
            counter = limits[scope] = RateLimit(limit=limit, window_s=window_s)
        wait = counter.hit(f"{scope}:{client_key(request)}")
        if wait is not None:
            raise TooManyRequests(wait)

    return check

