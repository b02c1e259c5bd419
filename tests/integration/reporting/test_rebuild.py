"""Rebuild over the real broker and PostgreSQL: the same figures from a fresh store, switched to while the
API keeps answering, and new events land in the new store afterwards."""
import asyncio

from services.reporting.bootstrap import rebuild_projections, refresh_metrics
from bench.synthetic import EventLog, programme, seed_batch
from tests.integration.reporting.conftest import eventually

REPORTS = ("summary", "districts", "sectors", "cooperative-types", "sexes", "batches", "budget-components")


async def all_reports(viewer) -> dict:
    return {name: (await viewer.get(f"/api/v1/reports/{name}", params={"fiscal_year": 2023})).json()
            for name in REPORTS}


async def test_rebuild_gives_identical_figures_without_a_gap_and_keeps_following(app, viewer, publish, settings):
    log = EventLog(prefix=settings.topic_prefix)
    pid = programme(log)
    seed_batch(log, programme_id=pid)
    await publish(log.records + log.records[:20])  # and some published twice

    async def settled():
        s = (await viewer.get("/api/v1/reports/summary", params={"fiscal_year": 2023})).json()
        return s["participants_completed"] == 28 and s["batches_closed"] == 1 and s
    await eventually(settled, message="seed scenario applied")
    before = await all_reports(viewer)
    assert (before["summary"]["participants_enrolled"], before["summary"]["cooperatives_trained"]) == (30, 28)

    # Readers keep asking while the rebuild runs; every answer must be the whole picture, never a partial one.
    answers, rebuilding = [], asyncio.Event()

    async def keep_reading():
        while not rebuilding.is_set():
            answers.append((await viewer.get("/api/v1/reports/summary")).json()["participants_enrolled"])
            await asyncio.sleep(0.05)

    reader = asyncio.create_task(keep_reading())
    try:
        result = await rebuild_projections(settings, grace_s=1.5)
    finally:
        rebuilding.set()
        await reader
    assert (result.generation, result.previous_generation, result.parked) == (1, 0, 0)
    assert result.events_read == len(log.records) + 20
    assert answers and set(answers) == {30}
    await eventually(lambda: asyncio.sleep(0, app.state.store.generation == 1), message="switch to generation 1")

    after = await all_reports(viewer)
    assert after == before  # same figures, same data_as_of, same count of events applied

    # The live consumer now writes into generation 1.
    log.records.clear()
    seed_batch(log, programme_id=pid, code="DIG-2023-02", districts={"64.72": 4}, absent_last_day=0)
    await publish(log.records)

    async def grown():
        s = (await viewer.get("/api/v1/reports/summary", params={"fiscal_year": 2023})).json()
        return s["participants_completed"] == 32 and s
    summary = await eventually(grown, message="new batch applied after the switch")
    assert summary["cooperatives_trained"] == 32

    async def caught_up():
        await refresh_metrics(app.state.runtime, app.state.metrics)
        registry = app.state.runtime.registry
        behind = sum(s.value for m in registry.collect() if m.name == "sipelkop_reporting_projection_events_behind"
                     for s in m.samples)
        return behind == 0 and registry.get_sample_value("sipelkop_reporting_projection_lag_seconds") == 0
    await eventually(caught_up, message="no events behind")
