"""GET /api/v1/reports/budget: allocation per programme; closed batches' planned and realised per component (with
the cost per completer and per trained cooperative), per triwulan by the batch's last day, per kabupaten/kota of
the participants (a mixed batch split by their share, to the rupiah) and per batch; all equal a hand computation."""
from datetime import date

from services.reporting.domain.budget import split
from bench.synthetic import programme, seed_batch
from tests.unit.reporting.test_budget_components import close_with_components


def scenario(log) -> None:
    pid = programme(log)
    # July (triwulan III): 64.02 ×2 and 64.08 ×1, the first misses a day; an old closing, Rp 10 jt of Rp 12 jt.
    seed_batch(log, programme_id=pid, districts={"64.02": 2, "64.08": 1}, absent_last_day=1,
               planned_budget=12_000_000, realised_cost=10_000_000)
    # November (triwulan IV): Samarinda ×3, closed by component.
    nov = seed_batch(log, programme_id=pid, code="DIG-2023-02", districts={"64.72": 3}, absent_last_day=0,
                     start=date(2023, 11, 7), close=False)
    close_with_components(log, nov["batch_id"], {"honor_narasumber": (3_000_000, 3_000_000),
                                                 "konsumsi": (2_000_000, 1_000_000)})
    seed_batch(log, programme_id=pid, code="DIG-2023-03", start=date(2023, 12, 5), close=False)  # still open


async def budget(viewer, by):
    answer = await viewer.get("/api/v1/reports/budget", params={"fiscal_year": 2023, "by": by})
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_budget_by_component_quarter_district_and_batch(log, feed, viewer):
    scenario(log)
    await feed(log.records)
    body = await budget(viewer, "component")
    assert (body["allocation"], body["batches_closed"], body["planned"], body["realised"]) == (
        1_200_000_000, 2, 17_000_000, 14_000_000)
    assert (body["absorption"], body["remaining"], body["cost_per_completer"]) == (0.0117, 1_186_000_000, 2_800_000)
    assert body["programmes"] == [{"programme_id": body["programmes"][0]["programme_id"],
                                   "name": "Pelatihan Koperasi DAK 2023", "funding_source": "DAK",
                                   "allocation": 1_200_000_000, "planned": 17_000_000, "realised": 14_000_000,
                                   "absorption": 0.0117}]
    rows = {r["component"]: r for r in body["rows"]}
    assert (rows["honor_narasumber"]["cost_per_completer"], rows["konsumsi"]["cost_per_completer"],
            rows["lainnya"]["cost_per_completer"]) == (600_000, 200_000, 2_000_000)  # ÷ 5 completers
    assert rows["konsumsi"]["cost_per_cooperative"] == 200_000 and rows["konsumsi"]["absorption"] == 0.5
    assert "tanggal selesai" in body["quarter_rule"] and "sebanding jumlah peserta" in body["district_rule"]

    quarters = (await budget(viewer, "quarter"))["rows"]
    assert [(q["label"], q["planned"], q["realised"], q["cumulative"], q["absorption_cumulative"])
            for q in quarters] == [("Triwulan I", 0, 0, 0, 0.0), ("Triwulan II", 0, 0, 0, 0.0),
                                   ("Triwulan III", 12_000_000, 10_000_000, 10_000_000, 0.0083),
                                   ("Triwulan IV", 5_000_000, 4_000_000, 14_000_000, 0.0117)]
    assert quarters[3]["components"] == {"honor_narasumber": 3_000_000, "konsumsi": 1_000_000}

    districts = {r["key"]: r for r in (await budget(viewer, "district"))["rows"]}
    # July's Rp 10.000.000 over 2 : 1 → 6.666.667 and 3.333.333 (the odd rupiah to the larger fraction).
    assert (districts["64.02"]["planned"], districts["64.02"]["realised"]) == (8_000_000, 6_666_667)
    assert (districts["64.08"]["planned"], districts["64.08"]["realised"]) == (4_000_000, 3_333_333)
    assert (districts["64.72"]["realised"], districts["64.72"]["completers"],
            districts["64.72"]["cost_per_completer"]) == (4_000_000, 3, 1_333_333)
    assert districts["64.02"]["completers"] == 1 and districts["64.01"]["realised"] == 0
    assert sum(d["realised"] for d in districts.values()) == 14_000_000

    batches = {r["code"]: r for r in (await budget(viewer, "batch"))["rows"]}
    assert set(batches) == {"DIG-2023-01", "DIG-2023-02"}
    assert batches["DIG-2023-01"]["components"] == {"lainnya": {"planned": 12_000_000, "realised": 10_000_000}}
    assert (batches["DIG-2023-01"]["quarter"], batches["DIG-2023-01"]["completers"],
            batches["DIG-2023-01"]["cost_per_completer"]) == ("III", 2, 5_000_000)
    assert batches["DIG-2023-02"]["components"]["konsumsi"] == {"planned": 2_000_000, "realised": 1_000_000}


async def test_an_unknown_view_is_refused_in_the_shared_shape(viewer):
    answer = await viewer.get("/api/v1/reports/budget", params={"by": "sector"})
    assert answer.status_code == 422 and answer.json()["error"]["fields"][0]["field"].endswith("by")


def test_split_keeps_every_rupiah():
    assert split(10_000_000, {"64.02": 2, "64.08": 1}) == {"64.02": 6_666_667, "64.08": 3_333_333}
    assert split(100, {"a": 1, "b": 1, "c": 1}) == {"a": 34, "b": 33, "c": 33}
    assert sum(split(56_000_001, {"x": 12, "y": 10, "z": 8}).values()) == 56_000_001
    assert split(5, {}) == {}
