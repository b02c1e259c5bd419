"""The set-based batch apply leaves exactly the tables the per-event handlers leave: same rows, same versions,
whatever the order, the duplicates and the batch sizes (several events of one aggregate in one batch collapse to
the newest version); a batch with an event that fails is split so only the culprit is parked."""
import random
import uuid
from datetime import date

import pytest
from sqlalchemy import select

from services.reporting.adapters.orm import (AttendanceView, BatchView, CertificateView, CompletionView,
                                             CooperativeView, EnrollmentView, EvaluationView, Freshness,
                                             ProgrammeView, ScoreSheetView, SessionView)
from services.reporting.bootstrap import create_reporting_app
from services.reporting.config import ReportingSettings
from services.reporting.service_layer import batch_apply
from services.reporting.synthetic import EventLog, programme, seed_batch
from shared.events import registration as r
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


@pytest.fixture
async def two_apps(tmp_path):
    apps = []
    for name in ("per_event", "set_based"):
        settings = ReportingSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/{name}.db",
                                     kafka_bootstrap="127.0.0.1:1")
        app = create_reporting_app(settings, background=False)
        apps.append((app, app.router.lifespan_context(app)))
    for _, ctx in apps:
        await ctx.__aenter__()
    per_event, set_based = (app for app, _ in apps)
    assert set_based.state.runtime.consumer.batch_handler is batch_apply.apply_batch
    per_event.state.runtime.consumer.batch_handler = None
    yield per_event, set_based
    for _, ctx in apps:
        await ctx.__aexit__(None, None, None)


@pytest.mark.parametrize("seed,size", [(1, 500), (2, 7), (3, 1), (4, 40)])
async def test_set_based_and_per_event_leave_the_same_tables(two_apps, seed, size):
    per_event, set_based = two_apps
    records = scenario()
    shuffled = records[:]
    random.Random(seed).shuffle(shuffled)
    stream = [rec for i, rec in enumerate(shuffled) for _ in range(2 if i % 3 == 0 else 1)] + records
    for app in (per_event, set_based):
        for start in range(0, len(stream), size):
            await app.state.runtime.consumer.handle_records(stream[start:start + size])
    expected, got = await tables(per_event), await tables(set_based)
    assert got == expected
    assert got["freshness"][0][2] == str(len(records))


async def test_a_failing_event_in_a_batch_is_parked_alone(two_apps, monkeypatch):
    _, app = two_apps
    records = scenario()
    culprit = next(rec for rec in records if b"cooperative.updated" in rec.value)
    failing = batch_apply.BatchApplier.cooperative

    def cooperative(self, v, e):
        if v == 1:
            raise ValueError("cannot apply")
        failing(self, v, e)
    monkeypatch.setattr(batch_apply.BatchApplier, "cooperative", cooperative)
    monkeypatch.setitem(batch_apply.APPLY, r.CooperativeUpdated, cooperative)
    await app.state.runtime.consumer.handle_records(records)
    consumer = app.state.runtime.consumer
    assert consumer.metrics.parked._value.get() == 1
    got = await tables(app)
    assert got["freshness"][0][2] == str(len(records) - 1)
    assert culprit is not None
