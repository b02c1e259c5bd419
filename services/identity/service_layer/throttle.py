"""Failed sign-ins counted in the database, per "account:<username>" and per "ip:<address>", so the limit holds
across replicas and restarts. An attempt is counted before its password is checked (a burst of parallel guesses
cannot slip past the limit) and forgiven when it succeeds. Unknown usernames are counted exactly like real ones.
Rows whose window is over and that lock nothing are deleted as attempts come, so the table holds only the keys
of the last window (a scan of many addresses or usernames does not stay in it for ever)."""
from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.identity.adapters.orm import SignInFailure
from services.identity.config import IdentitySettings
from shared.errors import DomainError
from shared.db import insert_for


class TooManyAttempts(DomainError):
    status, code = 429, "too_many_attempts"

    def __init__(self, retry_after: int):
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(f"Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {minutes} menit.")
        self.retry_after = retry_after


def account_key(username: str) -> str:
    return "account:" + (username or "").strip().lower()[:100]


def ip_key(address: str | None) -> str:
    return "ip:" + (address or "unknown")[:100]


def _aware(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


async def count_attempt(session: AsyncSession, settings: IdentitySettings, keys: dict[str, int],
                        now: datetime | None = None) -> None:
    """Count one attempt against every key (key -> limit), or raise TooManyAttempts when any key is locked."""
    now = now or datetime.now(UTC)
    window = timedelta(minutes=settings.throttle_window_minutes)
    wait = timedelta(minutes=settings.throttle_wait_minutes)
    insert = insert_for(session)
    await forget_ended(session, settings, now)
    for key in sorted(keys):  # one order everywhere: two replicas never wait on each other's rows in a cycle
        await session.execute(insert(SignInFailure).values(key=key, count=0, window_started_at=now)
                              .on_conflict_do_nothing(index_elements=["key"]))
    rows = {row.key: row for row in (await session.execute(
        select(SignInFailure).where(SignInFailure.key.in_(sorted(keys))).order_by(SignInFailure.key)
        .with_for_update())).scalars()}
    locked = [_aware(r.locked_until) for r in rows.values() if r.locked_until and _aware(r.locked_until) > now]
    if locked:
        raise TooManyAttempts(max(1, math.ceil((max(locked) - now).total_seconds())))
    for key, limit in keys.items():
        row = rows[key]
        if now - _aware(row.window_started_at) > window:
            row.count, row.window_started_at = 0, now
        row.count += 1
        row.locked_until = now + wait if row.count >= limit else None


async def forget_ended(session: AsyncSession, settings: IdentitySettings, now: datetime) -> None:
    """Delete the keys whose window ended and which lock nothing: they would count from zero anyway."""
    ended = now - timedelta(minutes=settings.throttle_window_minutes)
    await session.execute(delete(SignInFailure).where(
        SignInFailure.window_started_at < ended,
        (SignInFailure.locked_until.is_(None)) | (SignInFailure.locked_until < now)))


async def forgive(session: AsyncSession, *, account: str, ip: str) -> None:
    """A successful sign-in: the account's failures are forgotten, and this attempt no longer counts for the
    address (an office behind one address signs in many people)."""
    await session.execute(delete(SignInFailure).where(SignInFailure.key == account))
    await session.execute(update(SignInFailure).where(SignInFailure.key == ip, SignInFailure.count > 0)
                          .values(count=SignInFailure.count - 1, locked_until=None))
