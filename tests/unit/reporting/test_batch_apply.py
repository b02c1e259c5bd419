"""The projection engine leaves the same tables whatever the order, the duplicates and the batch sizes: a shuffled,
duplicated stream in batches (several events of one aggregate in one batch collapse to the newest version) gives
exactly the rows and versions of the stream applied in order, one event at a time; a batch with an event that fails
is split so only the culprit is parked."""
import random
import uuid
from datetime import date

import pytest
from sqlalchemy import select

from services.reporting.adapters.orm import (AttendanceView, BatchView, CertificateView, CompletionView,
                                             CooperativeView, EnrollmentView, EvaluationView, Freshness,
                                             ProgrammeView, ScoreSheetView, SessionView)
from services.reporting.bootstrap import create_reporting_app, rebuild_consumer
from services.reporting.config import ReportingSettings
from services.reporting.entrypoints.consumers import HANDLERS
from services.reporting.domain import collapse
from services.reporting.service_layer import batch_apply
from bench.synthetic import EventLog, programme, seed_batch
from shared.events import registration as r
from shared.events.catalogue import decode
from shared.events import training as t
from tests.unit.reporting.test_budget_components import close_with_components
from tests.unit.reporting.test_learning_satisfaction import scenario as learning_scenario
from tests.unit.reporting.test_projections import with_later_changes

TABLES = (ProgrammeView, BatchView, CooperativeView, EnrollmentView, AttendanceView, SessionView, CompletionView,
          CertificateView, ScoreSheetView, EvaluationView, Freshness)


def scenario() -> list:
    log = EventLog()
    programme_id = programme(log)
    batch = seed_batch(log, programme_id=programme_id, absent_last_day=2)
    with_later_changes(log, batch)
    seed_batch(log, programme_id=programme_id, code="DIG-2023-02", close=False)
    coop = uuid.uuid4()
    state = dict(cooperative_id=coop, name="Koperasi Maju", registration_number="6400000001", district_code="64.08",
                 kind="produsen", sector="Perikanan", members_male=5, members_female=5)
    for version in range(1, 5):
        log.emit(r.CooperativeUpdated(**state, active=version % 2 == 0), coop, version)
    cancelled = uuid.uuid4()
    log.emit(t.BatchCancelled(batch_id=cancelled, reason="banjir"), cancelled, 3)
    log.emit(t.BatchScheduled(batch_id=cancelled, code="X-1", title="Dibatalkan", fiscal_year=2023, venue="Samarinda",
                              start_date=date(2023, 8, 1), end_date=date(2023, 8, 2), capacity=10,
                              eligible_districts=["64.02"], session_count=2), cancelled, 1)
    by_component = seed_batch(log, programme_id=programme_id, code="DIG-2023-03", close=False)
    close_with_components(log, by_component["batch_id"], {"honor_narasumber": (21_600_000, 21_600_000),
                                                          "konsumsi": (15_000_000, 14_250_000)})
    learning_scenario(log)  # score sheets and evaluation summaries, several versions of each
    return log.records


async def tables(app) -> dict:
    async with app.state.runtime.sessions() as session:
        out = {}
        for model in TABLES:
            columns = [c for c in model.__table__.columns]
            rows = (await session.execute(select(*columns))).all()
            out[model.__tablename__] = sorted(tuple(str(v) for v in row) for row in rows)
        return out


def rows(got: dict, model) -> list[dict]:
    names = [c.name for c in model.__table__.columns]
    return [dict(zip(names, row)) for row in got[model.__tablename__]]


@pytest.fixture
async def two_apps(tmp_path):
    """Two reporting stores, each with its own consumer: one to take a stream in order, one to take it otherwise."""
    apps = []
    for name in ("in_order", "otherwise"):
        settings = ReportingSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/{name}.db",
                                     kafka_bootstrap="127.0.0.1:1")
        app = create_reporting_app(settings, background=False)
        apps.append((app, app.router.lifespan_context(app)))
    for _, ctx in apps:
        await ctx.__aenter__()
    in_order, otherwise = (app for app, _ in apps)
    assert all(app.state.runtime.consumer.batch_handler is batch_apply.apply_batch for app in (in_order, otherwise))
    yield in_order, otherwise
    for _, ctx in apps:
        await ctx.__aexit__(None, None, None)


@pytest.mark.parametrize("seed,size", [(1, 500), (2, 7), (3, 1), (4, 40)])
async def test_order_duplicates_and_batch_sizes_leave_the_same_tables(two_apps, seed, size):
    in_order, otherwise = two_apps
    records = scenario()
    for record in records:  # the reference: each event alone, in the order it was published
        await in_order.state.runtime.consumer.handle_records([record])
    shuffled = records[:]
    random.Random(seed).shuffle(shuffled)
    stream = [rec for i, rec in enumerate(shuffled) for _ in range(2 if i % 3 == 0 else 1)] + records
    for start in range(0, len(stream), size):
        await otherwise.state.runtime.consumer.handle_records(stream[start:start + size])
    expected, got = await tables(in_order), await tables(otherwise)
    assert got == expected
    assert got["freshness"][0][2] == str(len(records))
    # What the reference itself holds: the newest of four versions; a cancel that overtook the schedule, described
    # by the late schedule and still cancelled.
    [maju] = [row for row in rows(got, CooperativeView) if row["version"] == "4"]
    assert (maju["active"], maju["sector"]) == ("True", "perikanan")
    [cancelled] = [row for row in rows(got, BatchView) if row["code"] == "X-1"]
    assert (cancelled["status"], cancelled["status_version"], cancelled["title"], cancelled["version"]) == (
        "cancelled", "3", "Dibatalkan", "1")


async def test_a_failing_event_in_a_batch_is_parked_alone(two_apps, monkeypatch):
    _, app = two_apps
    records = scenario()
    culprit = next(rec for rec in records if b"cooperative.updated" in rec.value)
    failing = collapse.ProjectionRows.cooperative

    def cooperative(self, v, e):
        if v == 1:
            raise ValueError("cannot apply")
        failing(self, v, e)
    monkeypatch.setattr(collapse.ProjectionRows, "cooperative", cooperative)
    monkeypatch.setitem(collapse.COLLAPSE, r.CooperativeUpdated, cooperative)
    await app.state.runtime.consumer.handle_records(records)
    consumer = app.state.runtime.consumer
    assert consumer.metrics.parked._value.get() == 1
    got = await tables(app)
    assert got["freshness"][0][2] == str(len(records) - 1)
    assert culprit is not None


async def test_a_handler_applies_its_one_event_through_the_same_engine(two_apps):
    app, _ = two_apps
    runtime = app.state.runtime
    log = EventLog()
    coop = uuid.uuid4()
    record = log.emit(r.CooperativeRegistered(cooperative_id=coop, name="Koperasi Maju", registration_number="640001",
                                              district_code="64.08", kind="produsen", sector="Perikanan", active=True,
                                              members_male=5, members_female=5), coop)
    envelope, event = decode(record.value)
    assert HANDLERS[type(event)] is batch_apply.apply_event
    async with runtime.uow() as uow:
        await HANDLERS[type(event)](uow, envelope, event)
        await uow.commit()
    got = await tables(app)
    assert [(row["district_code"], row["sector"], row["version"]) for row in rows(got, CooperativeView)] == [
        ("64.08", "perikanan", "1")]
    assert got["freshness"][0][2] == "1"


async def test_a_rebuild_consumer_applies_like_the_live_one(two_apps):
    live, new_store = two_apps
    records = scenario()
    await live.state.runtime.consumer.handle_records(records)
    rebuilding = rebuild_consumer(live.state.runtime.settings, new_store.state.runtime.sessions)
    assert rebuilding.topics == live.state.runtime.consumer.topics
    for start in range(0, len(records), 50):  # a replay's batches
        await rebuilding.handle_records(records[start:start + 50])
    assert await tables(new_store) == await tables(live)
