"""The API reads the live generation of the store at every request: a switch (a finished rebuild) is seen by the
next request without a restart."""
from bench.synthetic import programme, seed_batch


async def enrolled(viewer) -> int:
    answer = await viewer.get("/api/v1/reports/summary", params={"fiscal_year": 2023})
    assert answer.status_code == 200, answer.text
    return answer.json()["participants_enrolled"]


async def test_the_next_request_reads_the_generation_switched_to(app, feed, log, viewer):
    seed_batch(log, programme_id=programme(log))
    await feed(log.records)
    assert await enrolled(viewer) == 30
    store = app.state.store
    assert await store.activate(1)  # an empty generation 1 (SQLite: reporting.g1.db beside the file)
    assert await enrolled(viewer) == 0
    assert (await viewer.get("/api/v1/reports/export.xlsx")).status_code == 200
    await store.activate(0)
    assert await enrolled(viewer) == 30
