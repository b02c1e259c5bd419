"""Sign-in attempts limited per client address: a sliding window kept in memory (per replica)."""
from __future__ import annotations

import time
from collections import defaultdict, deque

from fastapi import Request

from shared.errors import DomainError


class TooManyAttempts(DomainError):
    status, code = 429, "too_many_attempts"


class SlidingWindow:
    def __init__(self, limit: int, window_s: float, clock=time.monotonic):
        self.limit, self.window_s, self._clock = limit, window_s, clock
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    def hit(self, key: str) -> float | None:
        """Count an attempt; None if allowed, else seconds until the next one is."""
        now = self._clock()
        hits = self._hits[key]
        while hits and now - hits[0] > self.window_s:
            hits.popleft()
        if len(hits) >= self.limit:
            return self.window_s - (now - hits[0])
        hits.append(now)
        return None


# Ten tries in five minutes is plenty for a person and useless for guessing a secret.
SIGN_IN = SlidingWindow(limit=10, window_s=300)


def limit_sign_in(request: Request) -> None:
    """FastAPI dependency for sign-in endpoints: 429 with Retry-After past the limit."""
    client = request.client.host if request.client else "unknown"
    wait = SIGN_IN.hit(client)
    if wait is not None:
        raise TooManyAttempts(f"Terlalu banyak percobaan masuk; coba lagi dalam {int(wait) + 1} detik.")
