"""`sipelkop reporting rebuild` over the real broker and PostgreSQL with UMK owners in the stream: the fresh store
gives the same figures, the owners still counted apart and never among the cooperatives trained."""
import asyncio

from services.reporting.bootstrap import rebuild_projections
from bench.synthetic import EventLog, programme, seed_batch
from tests.integration.reporting.conftest import eventually
from tests.integration.reporting.test_rebuild import all_reports
from tests.unit.reporting.test_umk_participants import with_umk_owners


async def test_a_rebuild_counts_umk_owners_apart_as_the_live_store_did(app, viewer, publish, settings):
    log = EventLog(prefix=settings.topic_prefix)
    batch = seed_batch(log, programme_id=programme(log))  # 30 managers, 28 completing
    with_umk_owners(log, batch["batch_id"], owners=4, completing=3)
    await publish(log.records)

    async def settled():
        s = (await viewer.get("/api/v1/reports/summary", params={"fiscal_year": 2023})).json()
        return s["participants_completed"] == 31 and s["umk_participants_completed"] == 3 and s
    live = await eventually(settled, message="scenario with UMK owners applied")
    assert (live["umk_participants_enrolled"], live["participants_enrolled"], live["cooperatives_trained"]) == (
        4, 34, 28)
    before = await all_reports(viewer)

    result = await rebuild_projections(settings, grace_s=1.5)
    assert (result.generation, result.parked) == (1, 0)
    await eventually(lambda: asyncio.sleep(0, app.state.store.generation == 1), message="switch to generation 1")
    assert await all_reports(viewer) == before
