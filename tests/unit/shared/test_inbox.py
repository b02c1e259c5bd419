"""The inbox applies each event once, parks poison with its reason, and goes on."""
import json
import uuid
from datetime import date

from sqlalchemy import select

from services.registration.adapters.orm import BatchReplica
from services.registration.bootstrap import bootstrap
from services.registration.config import RegistrationSettings
from shared.db import migrate
from shared.events.envelope import Envelope
from shared.events.training import BatchScheduled, BatchUpdated
from shared.messaging.dead_letters import ReplayRecord


def batch_event(batch_id, version=1, cls=BatchScheduled, capacity=30):
    event = cls(batch_id=batch_id, code="DIG-01", title="Digitalisasi Usaha Koperasi", fiscal_year=2023,
                venue="Samarinda", start_date=date(2023, 7, 4), end_date=date(2023, 7, 6), capacity=capacity,
                eligible_districts=["64.02"], session_count=3)
    env = Envelope.wrap(event, source="/sipelkop/training", subject=str(batch_id), aggregate_version=version)
    return env.model_dump_json().encode()


def record(value: bytes, offset: int = 0) -> ReplayRecord:
    return ReplayRecord("sipelkop.training.batch", 0, offset, b"k", value)


async def capacities(rt):
    async with rt.sessions() as s:
        return [b.capacity for b in (await s.scalars(select(BatchReplica))).all()]


async def test_a_redelivered_event_is_applied_once(runtime):
    raw = batch_event(uuid.uuid4())
    await runtime.consumer.handle_records([record(raw, 0)])
    await runtime.consumer.handle_records([record(raw, 0), record(raw, 0)])
    assert await capacities(runtime) == [30]
    assert runtime.consumer.metrics.duplicates._value.get() == 2


async def test_a_stale_state_event_does_not_overwrite_a_newer_one(runtime):
    batch_id = uuid.uuid4()
    await runtime.consumer.handle_records([record(batch_event(batch_id, 2, BatchUpdated, capacity=40))])
    await runtime.consumer.handle_records([record(batch_event(batch_id, 1, BatchScheduled, capacity=30))])
    assert await capacities(runtime) == [40]


async def test_poison_is_parked_and_the_good_events_around_it_are_applied(runtime):
    good1, good2 = batch_event(uuid.uuid4()), batch_event(uuid.uuid4())
    await runtime.consumer.handle_records([record(good1, 1), record(b"{oops", 2), record(good2, 3)])
    assert sorted(await capacities(runtime)) == [30, 30]
    letters = await runtime.dead_letters.list()
    assert [(l["offset"], "JSON" in l["error"]) for l in letters] == [(2, True)]


async def test_a_handler_that_always_fails_parks_only_its_event(runtime):
    async def explode(uow, envelope, event):
        raise RuntimeError("bug in handler")

    runtime.consumer._handlers[BatchUpdated] = explode
    ok = batch_event(uuid.uuid4())
    bad = batch_event(uuid.uuid4(), 2, BatchUpdated)
    await runtime.consumer.handle_records([record(ok, 1), record(bad, 2)])
    assert await capacities(runtime) == [30]
    [letter] = await runtime.dead_letters.list()
    assert letter["event_type"] == BatchUpdated.type and "bug in handler" in letter["error"]


async def test_a_parked_event_is_applied_when_redriven_once_the_handler_is_fixed(runtime):
    """The usual story: a bug parks an event, the fix is deployed, the redrive applies it and nothing stays parked."""
    fixed = runtime.consumer._handlers[BatchScheduled]

    async def buggy(uow, envelope, event):
        raise RuntimeError("bug in handler")

    runtime.consumer._handlers[BatchScheduled] = buggy
    await runtime.consumer.handle_records([record(batch_event(uuid.uuid4()))])
    assert await capacities(runtime) == []
    [letter] = await runtime.dead_letters.list()

    runtime.consumer._handlers[BatchScheduled] = fixed
    assert await runtime.dead_letters.redrive(letter["id"], runtime.consumer)
    assert await capacities(runtime) == [30]
    assert [l["status"] for l in await runtime.dead_letters.list(status=None)] == ["redriven"]
    assert await runtime.dead_letters.list() == []


async def test_a_redriven_event_that_is_still_invalid_is_parked_anew(runtime):
    raw = json.loads(batch_event(uuid.uuid4()))
    raw["data"]["capacity"] = 0  # invalid: capacity >= 1
    await runtime.consumer.handle_records([record(json.dumps(raw).encode())])
    [letter] = await runtime.dead_letters.list()
    assert await runtime.dead_letters.redrive(letter["id"], runtime.consumer)
    assert await capacities(runtime) == []
    assert [l["status"] for l in await runtime.dead_letters.list(status=None)] == ["redriven", "parked"]


async def test_a_batch_handler_gets_the_new_events_once_in_one_transaction(runtime):
    """With a batch hook the whole batch goes to it at once: duplicates (in the inbox or in the batch) removed,
    arrival order kept, the inbox rows committed with what it wrote."""
    calls = []

    async def apply(uow, items):
        calls.append([(rec.offset, env.aggregate_version) for rec, env, _ in items])

    runtime.consumer.batch_handler = apply
    first, second = batch_event(uuid.uuid4()), batch_event(uuid.uuid4(), 2, BatchUpdated)
    await runtime.consumer.handle_records([record(first, 1)])
    await runtime.consumer.handle_records([record(first, 1), record(second, 2), record(second, 2),
                                           record(b"{oops", 3)])
    assert calls == [[(1, 1)], [(2, 2)]]
    assert runtime.consumer.metrics.duplicates._value.get() == 2
    assert await capacities(runtime) == []  # the per-event handlers were not called
    [letter] = await runtime.dead_letters.list()
    assert letter["offset"] == 3


async def test_a_failing_batch_is_split_and_only_the_culprit_is_parked(runtime):
    applied = []

    async def apply(uow, items):
        if any(env.aggregate_version == 2 for _, env, _ in items):
            raise RuntimeError("bug in batch handler")
        applied.extend(rec.offset for rec, _, _ in items)

    runtime.consumer.batch_handler = apply
    events = [batch_event(uuid.uuid4()), batch_event(uuid.uuid4(), 2, BatchUpdated), batch_event(uuid.uuid4())]
    await runtime.consumer.handle_records([record(raw, i) for i, raw in enumerate(events)])
    assert applied == [0, 2]
    [letter] = await runtime.dead_letters.list()
    assert letter["offset"] == 1 and "bug in batch handler" in letter["error"]
    # The culprit is not in the inbox, the others are: a redelivery applies nothing twice.
    applied.clear()
    await runtime.consumer.handle_records([record(events[0], 0), record(events[2], 2)])
    assert applied == []


async def test_a_batch_handler_waits_out_a_database_that_is_away(runtime, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from shared.messaging import inbox

    failures = [OperationalError("SELECT 1", {}, ConnectionRefusedError("database away"))]
    applied = []

    async def apply(uow, items):
        if failures:
            raise failures.pop()
        applied.extend(rec.offset for rec, _, _ in items)

    monkeypatch.setattr(inbox, "is_transient", lambda exc: isinstance(exc, OperationalError))
    runtime.consumer.batch_handler = apply
    await runtime.consumer.handle_records([record(batch_event(uuid.uuid4()), 5)])
    assert applied == [5] and runtime.consumer.metrics.transient._value.get() == 1
    assert await runtime.dead_letters.list() == []


def forged(batch_id, *, version=1, source="/sipelkop/training", cls=BatchUpdated, capacity=999):
    raw = json.loads(batch_event(batch_id, version, cls, capacity=capacity))
    raw["source"] = source
    return json.dumps(raw).encode()


async def test_an_event_from_a_service_that_does_not_own_the_topic_is_parked(runtime):
    batch_id = uuid.uuid4()
    await runtime.consumer.handle_records([record(forged(batch_id, source="/sipelkop/registration", cls=BatchScheduled))])
    assert await capacities(runtime) == []
    [letter] = await runtime.dead_letters.list()
    assert "sumber event" in letter["error"] and "/sipelkop/training" in letter["error"]
    assert letter["event_type"] == BatchScheduled.type


async def test_an_event_whose_type_belongs_to_another_topic_is_parked(runtime):
    raw = batch_event(uuid.uuid4())
    await runtime.consumer.handle_records([ReplayRecord("sipelkop.training.session", 0, 1, b"k", raw)])
    assert await capacities(runtime) == []
    [letter] = await runtime.dead_letters.list()
    assert "bukan milik topik sipelkop.training.session" in letter["error"]


async def test_a_version_far_ahead_is_parked_and_the_next_real_update_applies(runtime):
    batch_id = uuid.uuid4()
    await runtime.consumer.handle_records([record(batch_event(batch_id, 1), 1)])
    await runtime.consumer.handle_records([record(forged(batch_id, version=2147483647), 2)])
    assert await capacities(runtime) == [30]
    [letter] = await runtime.dead_letters.list()
    assert "versi agregat 2147483647 terlalu jauh" in letter["error"] and "(1)" in letter["error"]
    await runtime.consumer.handle_records([record(batch_event(batch_id, 2, BatchUpdated, capacity=35), 3)])
    assert await capacities(runtime) == [35]


async def test_the_margin_counts_from_what_the_consumer_holds(runtime):
    runtime.consumer.version_margin = 10
    batch_id = uuid.uuid4()
    # A first event may start anywhere within the margin; later ones within the margin of the highest applied.
    await runtime.consumer.handle_records([record(batch_event(batch_id, 10), 1)])
    await runtime.consumer.handle_records([record(batch_event(batch_id, 20, BatchUpdated, capacity=31), 2),
                                           record(batch_event(batch_id, 31, BatchUpdated, capacity=32), 3)])
    assert await capacities(runtime) == [31]
    [letter] = await runtime.dead_letters.list()
    assert letter["offset"] == 3 and "(20)" in letter["error"]


async def test_the_margin_is_a_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("SIPELKOP_EVENT_VERSION_MARGIN", "7")
    settings = RegistrationSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/r.db")
    rt = bootstrap(settings)
    await migrate(rt.migrations, settings.database_url)
    try:
        batch_id = uuid.uuid4()
        await rt.consumer.handle_records([record(batch_event(batch_id, 1), 1)])
        await rt.consumer.handle_records([record(batch_event(batch_id, 9, BatchUpdated, capacity=31), 2)])
        assert await capacities(rt) == [30]  # 9 is more than 7 ahead of 1: parked
        [letter] = await rt.dead_letters.list()
        assert "batasnya 7" in letter["error"]
    finally:
        await rt.engine.dispose()
