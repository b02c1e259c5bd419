"""The budget by DAK component: closings with components keep each line, older closings (no components) count as
"lainnya", realised goes to the triwulan of the batch's last day; the same through the per-event handlers, the
set-based apply and a replay."""
from datetime import UTC, date, datetime

from services.reporting.service_layer.budget import quarter
from bench.synthetic import programme, seed_batch
from shared.events import training as t


def close_with_components(log, batch_id, lines: dict[str, tuple[int, int]], version: int = 2):
    log.emit(t.BatchClosed(batch_id=batch_id, realised_cost=sum(r for _, r in lines.values()),
                           closed_at=datetime(2026, 12, 2, 9, tzinfo=UTC),  # recorded long after the batch
                           components=[t.BudgetLine(component=code, planned=p, realised=r)
                                       for code, (p, r) in lines.items()]), batch_id, version)


def scenario(log) -> None:
    programme(log)
    # An old closing: realised_cost only (Rp 56.000.000 of a Rp 60.000.000 plan), batch in July (triwulan III).
    seed_batch(log, absent_last_day=0)
    # A closing by component in November (triwulan IV).
    new = seed_batch(log, absent_last_day=0, code="DIG-2023-02", start=date(2023, 11, 7), close=False)
    close_with_components(log, new["batch_id"], {"honor_narasumber": (21_600_000, 21_600_000),
                                                 "konsumsi": (15_000_000, 14_250_000),
                                                 "lainnya": (23_400_000, 21_600_000)})
    # Still open: not in the budget by component.
    seed_batch(log, absent_last_day=0, code="DIG-2023-03", start=date(2023, 12, 5), close=False)


async def by_component(viewer, **params):
    answer = await viewer.get("/api/v1/reports/budget-components", params={"fiscal_year": 2023, **params})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return body, {row["component"]: row for row in body["components"]}


async def test_components_old_closings_as_lainnya_and_triwulan(log, feed, viewer):
    scenario(log)
    await feed(log.records)
    body, rows = await by_component(viewer)
    assert (body["allocation"], body["batches_closed"]) == (1_200_000_000, 2)
    assert (body["planned"], body["realised"]) == (120_000_000, 56_000_000 + 57_450_000)
    assert body["realised_by_quarter"] == [0, 0, 56_000_000, 57_450_000]
    assert rows["honor_narasumber"] == {"component": "honor_narasumber", "label": "Honor narasumber",
                                        "planned": 21_600_000, "realised": 21_600_000, "absorption": 1.0,
                                        "realised_by_quarter": [0, 0, 0, 21_600_000]}
    assert (rows["lainnya"]["planned"], rows["lainnya"]["realised"]) == (60_000_000 + 23_400_000,
                                                                        56_000_000 + 21_600_000)
    assert rows["lainnya"]["realised_by_quarter"] == [0, 0, 56_000_000, 21_600_000]
    assert rows["konsumsi"]["label"] == "Konsumsi" and rows["konsumsi"]["absorption"] == 0.95
    assert rows["sewa_tempat"]["planned"] == rows["sewa_tempat"]["realised"] == 0  # every component listed
    # The summary's realised agrees with the components' total.
    summary = (await viewer.get("/api/v1/reports/summary", params={"fiscal_year": 2023})).json()
    assert summary["budget"]["realised"] == body["realised"]
    await feed(log.records)  # a replay changes nothing
    assert (await by_component(viewer))[0]["components"] == body["components"]
    assert (await by_component(viewer, fiscal_year=2022))[0]["batches_closed"] == 0


async def test_one_event_at_a_time_gives_the_same_lines(log, feed, viewer):
    scenario(log)
    for record in log.records:  # batches of one: the per-event path where the set-based one would collapse
        await feed([record])
    body, rows = await by_component(viewer)
    assert body["realised_by_quarter"] == [0, 0, 56_000_000, 57_450_000]
    assert rows["konsumsi"]["realised"] == 14_250_000


async def test_a_close_with_components_that_overtakes_the_schedule_keeps_its_lines(log, feed, viewer):
    batch = seed_batch(log, absent_last_day=0, close=False)
    close_with_components(log, batch["batch_id"], {"akomodasi": (10_000_000, 9_000_000)})
    await feed([log.records[-1]])
    await feed(log.records[:-1])
    body, rows = await by_component(viewer)
    assert body["batches_closed"] == 1 and rows["akomodasi"]["realised_by_quarter"] == [0, 0, 9_000_000, 0]


def test_the_triwulan_is_the_batch_s_last_day_s():
    assert [quarter(date(2023, m, 1), None) for m in (1, 3, 4, 6, 7, 9, 10, 12)] == [1, 1, 2, 2, 3, 3, 4, 4]
    assert quarter(None, datetime(2023, 5, 2, tzinfo=UTC)) == 2
    assert quarter(None, None) is None
