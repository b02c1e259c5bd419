"""The seed scenario's figures, exactly: 30 enrolled, 28 completed, 28 cooperatives trained of 600."""

from bench.synthetic import programme, seed_batch


async def seed(log, feed, **kwargs):
    pid = programme(log, district_targets={"64.02": 100, "64.08": 80})
    batch = seed_batch(log, programme_id=pid, **kwargs)
    await feed(log.records)
    return pid, batch


async def test_the_seed_scenario_gives_the_ministry_its_figures(log, feed, viewer):
    await seed(log, feed)
    s = (await viewer.get("/api/v1/reports/summary", params={"fiscal_year": 2023})).json()
    assert (s["participants_enrolled"], s["participants_completed"], s["participants_not_completed"]) == (30, 28, 2)
    assert (s["participants_enrolled_women"], s["participants_enrolled_men"]) == (15, 15)
    assert (s["participants_completed_women"], s["participants_completed_men"]) == (14, 14)
    assert s["participants_attending"] == 30
    assert s["cooperatives_trained"] == 28 and s["target_cooperatives"] == 600
    assert s["progress"] == round(28 / 600, 4)
    assert s["completion_rate"] == round(28 / 30, 4)
    assert s["attendance_rate"] == round(88 / 90, 4)  # two participants missed one day of three
    # Every fifth cooperative saves and lends; of the 28 trained, 6 do.
    assert (s["cooperatives_real_sector"], s["real_sector_share"]) == (22, round(22 / 28, 4))
    assert s["budget"] == {"allocation": 1_200_000_000, "planned": 60_000_000, "realised": 56_000_000,
                           "remaining": 1_144_000_000, "absorption": round(56 / 1200, 4),
                           "cost_per_completer": 2_000_000, "cost_per_cooperative": 2_000_000,
                           "completers_in_closed_batches": 28, "cooperatives_in_closed_batches": 28}
    assert s["absorption"] == [{"month": "2023-07", "realised": 56_000_000, "cumulative": 56_000_000}]
    assert (s["sessions_completed"], s["certificates_issued"], s["batches_closed"]) == (3, 28, 1)
    assert s["data_as_of"] == log.clock.isoformat().replace("+00:00", "Z")


async def test_districts_split_the_figures_and_list_all_ten(log, feed, viewer):
    await seed(log, feed)
    report = (await viewer.get("/api/v1/reports/districts", params={"fiscal_year": 2023})).json()
    rows = {r["key"]: r for r in report["rows"]}
    assert len(rows) == 10 and report["data_as_of"]
    assert {k: (r["participants_enrolled"], r["participants_completed"], r["cooperatives_trained"])
            for k, r in rows.items() if r["participants_enrolled"]} == {
        "64.02": (12, 10, 10), "64.08": (10, 10, 10), "64.09": (8, 8, 8)}
    assert rows["64.02"]["label"] == "Kabupaten Kutai Kartanegara"
    assert (rows["64.02"]["active_cooperatives"], rows["64.02"]["coverage"]) == (12, round(10 / 12, 4))
    assert (rows["64.02"]["target_cooperatives"], rows["64.02"]["progress"]) == (100, 0.1)
    assert rows["64.72"]["participants_enrolled"] == 0 and rows["64.72"]["coverage"] is None


async def test_sectors_types_sexes_and_batches(log, feed, viewer):
    _, batch = await seed(log, feed)
    sectors = {r["key"]: r for r in (await viewer.get("/api/v1/reports/sectors")).json()["rows"]}
    assert {k: r["cooperatives_trained"] for k, r in sectors.items()} == {
        "pertanian": 5, "perikanan": 5, "simpan pinjam": 6, "peternakan": 6, "kerajinan": 6}
    assert sectors["simpan pinjam"]["real_sector_share"] == 0.0
    kinds = {r["key"]: r["cooperatives_trained"]
             for r in (await viewer.get("/api/v1/reports/cooperative-types")).json()["rows"]}
    assert kinds == {"produsen": 22, "simpan pinjam": 6}
    sexes = {r["label"]: r["participants_completed"] for r in (await viewer.get("/api/v1/reports/sexes")).json()["rows"]}
    assert sexes == {"Laki-laki": 14, "Perempuan": 14}
    [row] = (await viewer.get("/api/v1/reports/batches", params={"fiscal_year": 2023})).json()["rows"]
    assert row["batch_id"] == str(batch["batch_id"]) and row["status"] == "closed"
    assert (row["participants_enrolled"], row["participants_completed"], row["cost_per_completer"]) == (30, 28, 2_000_000)


async def test_another_fiscal_year_is_empty_and_out_of_range_is_refused(log, feed, viewer):
    await seed(log, feed)
    other = (await viewer.get("/api/v1/reports/summary", params={"fiscal_year": 2024})).json()
    assert (other["participants_enrolled"], other["cooperatives_trained"], other["target_cooperatives"]) == (0, 0, 600)
    for path, params in (("/api/v1/reports/summary", {"fiscal_year": 1999}),
                         ("/api/v1/reports/districts", {"fiscal_year": "dua ribu"}),
                         ("/api/v1/reports/batches", {"programme_id": "bukan-uuid"})):
        refused = await viewer.get(path, params=params)
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["code"] == "validation_failed"
    unknown = await viewer.get("/api/v1/reports/sectors", params={"programme_id": "8d9f5f55-8d1c-4c39-9c56-1b5b6d0a0a0a"})
    assert unknown.status_code == 404 and unknown.json()["error"]["fields"][0]["field"] == "programme_id"


async def test_a_programme_scopes_to_its_batches(log, feed, viewer):
    pid, _ = await seed(log, feed)
    log.records.clear()
    seed_batch(log, code="LAIN-01", districts={"64.72": 5}, absent_last_day=0)  # a batch of no programme
    await feed(log.records)
    everything = (await viewer.get("/api/v1/reports/summary")).json()
    mine = (await viewer.get("/api/v1/reports/summary", params={"programme_id": str(pid)})).json()
    assert (everything["participants_enrolled"], mine["participants_enrolled"]) == (35, 30)
    assert (everything["cooperatives_trained"], mine["cooperatives_trained"]) == (33, 28)


async def test_the_api_needs_a_token(app, viewer):
    viewer.headers.pop("Authorization")
    refused = await viewer.get("/api/v1/reports/districts")
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
