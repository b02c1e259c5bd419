"""Published outbox rows stay for the retention (so `sipelkop kafka recover` can republish them), then go in
bounded deletes; unpublished rows are never pruned; the kept rows are a gauge."""
import uuid
from datetime import UTC, datetime, timedelta

from prometheus_client import CollectorRegistry
from sqlalchemy import func, select

from shared.messaging.relay import OUTBOX_RETENTION, OutboxRelay

NOW = datetime(2026, 12, 3, 4, 0, tzinfo=UTC)


def relay(rt, **kwargs) -> OutboxRelay:
    return OutboxRelay(engine=rt.engine, tables=rt.tables, bootstrap="127.0.0.1:1", service="registration",
                       registry=CollectorRegistry(), **kwargs)


async def add_rows(rt, published: list[datetime | None]) -> None:
    async with rt.engine.begin() as conn:
        for moment in published:
            await conn.execute(rt.tables.outbox.insert().values(
                event_id=str(uuid.uuid4()), event_type="t", topic="sipelkop.registration.enrollment", key="k",
                payload="{}", created_at=(moment or NOW) - timedelta(seconds=1), published_at=moment))


async def kept(rt) -> list[tuple]:
    outbox = rt.tables.outbox
    async with rt.engine.connect() as conn:
        rows = (await conn.execute(select(outbox.c.published_at).order_by(outbox.c.seq))).scalars().all()
    return [r.replace(tzinfo=UTC) if r else None for r in rows]


def test_the_default_retention_is_thirty_days():
    assert OUTBOX_RETENTION == timedelta(days=30)


async def test_rows_published_before_the_retention_go_the_rest_stay(runtime):
    old, recent = NOW - timedelta(days=31), NOW - timedelta(days=29)
    await add_rows(runtime, [old, old, recent, None])
    r = relay(runtime)
    assert await r.prune_once(now=NOW) == 2
    assert await kept(runtime) == [recent, None]  # the unpublished row waits for the relay, whatever its age
    await r.refresh_kept()
    assert r.metrics.kept._value.get() == 1
    assert r.metrics.oldest_kept._value.get() == recent.timestamp()
    assert r.metrics.pruned._value.get() == 2


async def test_pruning_is_bounded_and_a_shorter_retention_is_honoured(runtime):
    await add_rows(runtime, [NOW - timedelta(days=3)] * 7 + [NOW - timedelta(hours=1)])
    r = relay(runtime, retention=timedelta(days=2), prune_batch=3)
    assert [await r.prune_once(now=NOW) for _ in range(4)] == [3, 3, 1, 0]
    async with runtime.engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(runtime.tables.outbox)) == 1
    await r.refresh_kept()
    assert r.metrics.kept._value.get() == 1
