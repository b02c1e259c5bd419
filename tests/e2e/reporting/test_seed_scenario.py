"""The seed scenario through the real services: 30 enrolled from three regencies, 28 complete, the batch is
closed; reporting shows 28/600, reconcile finds no difference, a rebuild gives identical figures, and a figure
that drifts afterwards makes reconcile name it and exit 1."""
import asyncio
import json
import subprocess
import sys

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from services.reporting.adapters.store import store_url
from shared.clock import business_today
from tests.fixtures import factories
from tests.fixtures.services import ROOT, wait_for

DISTRICTS = {"64.02": 12, "64.08": 10, "64.09": 8}
REPORTS = ("summary", "districts", "sectors", "cooperative-types", "sexes", "batches", "budget-components")


def reconcile_account(stack) -> dict:
    """Reporting's service account at identity: role reconciler, its password the client secret."""
    import secrets

    secret = f"rk-{secrets.token_urlsafe(24)}"
    made = stack.client("identity", "admin").post("/api/v1/accounts", json={
        "username": "reporting-reconcile", "full_name": "Rekonsiliasi Pelaporan", "role": "reconciler",
        "password": secret})
    assert made.status_code == 201, made.text
    return {"REPORTING_RECONCILE_CLIENT_ID": "reporting-reconcile", "REPORTING_RECONCILE_CLIENT_SECRET": secret}


def sipelkop(stack, *args, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**stack["reporting"].env, "REPORTING_REGISTRATION_URL": stack["registration"].url,
           "REPORTING_TRAINING_URL": stack["training"].url, **(env or {})}
    return subprocess.run([sys.executable, "-m", "shared.cli", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def run_seed_scenario(stack) -> dict:
    admin = stack.client("training", "admin")
    trainer = stack.client("training", "trainer", subject="pelatih-1")
    year = business_today().year
    programme = admin.post("/api/v1/programmes", json=factories.programme(year, district_targets={"64.02": 100}))
    assert programme.status_code == 201, programme.text
    batch = admin.post("/api/v1/batches", json=factories.batch(
        trainers=["pelatih-1"], days=3, fiscal_year=year, programme_id=programme.json()["id"],
        eligible_districts=sorted(DISTRICTS)))
    assert batch.status_code == 201, batch.text
    batch = batch.json()
    people = []
    for district, count in DISTRICTS.items():
        officer = stack.client("registration", "district_officer", district)
        wait_for(lambda: any(b["id"] == batch["id"] for b in officer.get("/api/v1/batches").json()),
                 message="batch in registration")
        for _ in range(count):
            coop = officer.post("/api/v1/cooperatives", json=factories.cooperative(district))
            assert coop.status_code == 201, coop.text
            person = officer.post("/api/v1/participants",
                                  json=factories.participant(coop.json()["id"], district))
            assert person.status_code == 201, person.text
            enrol = officer.post("/api/v1/enrollments", json={"batch_id": batch["id"],
                                                              "participant_id": person.json()["id"]})
            assert enrol.status_code == 201 and enrol.json()["status"] == "enrolled", enrol.text
            people.append(person.json()["id"])
    wait_for(lambda: len(trainer.get(f"/api/v1/batches/{batch['id']}/roster").json()) == 30, message="roster of 30")
    absent = set(people[:2])  # two from Kutai Kartanegara miss the last day
    for no in (1, 2, 3):
        day = batch["sessions"][no - 1]["date"]
        marks = [{"participant_id": p, "status": "alpa" if no == 3 and p in absent else "hadir"} for p in people]
        marked = trainer.put(f"/api/v1/batches/{batch['id']}/sessions/{no}/attendance",
                             json={"marks": marks, "recorded_at": f"{day}T09:00:00+08:00"})
        assert marked.status_code == 200, marked.text
        done = trainer.post(f"/api/v1/batches/{batch['id']}/sessions/{no}/complete")
        assert done.status_code == 200, done.text
    assert done.json()["completed"] == 28
    closed = admin.post(f"/api/v1/batches/{batch['id']}/close", json={"components": [  # Rp 56.000.000 in all
        {"component": "konsumsi", "planned": 15_000_000, "realised": 14_000_000},
        {"component": "akomodasi", "planned": 25_000_000, "realised": 24_000_000},
        {"component": "lainnya", "planned": 20_000_000, "realised": 18_000_000}]})
    assert closed.status_code == 200, closed.text
    return {"year": year, "batch": batch}


def test_seed_scenario_figures_reconcile_and_rebuild(full_stack):
    stack = full_stack
    seeded = run_seed_scenario(stack)
    viewer = stack.client("reporting", "viewer")
    params = {"fiscal_year": seeded["year"]}
    summary = wait_for(lambda: (s := viewer.get("/api/v1/reports/summary", params=params).json())
                       ["participants_completed"] == 28 and s["batches_closed"] == 1 and s,
                       message="seed scenario in reporting")
    assert (summary["participants_enrolled"], summary["participants_not_completed"]) == (30, 2)
    assert (summary["cooperatives_trained"], summary["target_cooperatives"]) == (28, 600)
    assert summary["progress"] == round(28 / 600, 4) and summary["data_as_of"]
    assert summary["budget"]["allocation"] == 1_200_000_000 and summary["budget"]["realised"] == 56_000_000
    assert summary["budget"]["cost_per_cooperative"] == 2_000_000
    budget = viewer.get("/api/v1/reports/budget-components", params=params).json()
    lines = {r["component"]: (r["planned"], r["realised"]) for r in budget["components"] if r["planned"]}
    assert lines == {"konsumsi": (15_000_000, 14_000_000), "akomodasi": (25_000_000, 24_000_000),
                     "lainnya": (20_000_000, 18_000_000)}
    assert budget["realised"] == 56_000_000 and sum(budget["realised_by_quarter"]) == 56_000_000
    districts = {r["key"]: r for r in viewer.get("/api/v1/reports/districts", params=params).json()["rows"]}
    assert {k: (r["participants_enrolled"], r["participants_completed"], r["cooperatives_trained"])
            for k, r in districts.items() if r["participants_enrolled"]} == {
        "64.02": (12, 10, 10), "64.08": (10, 10, 10), "64.09": (8, 8, 8)}
    assert districts["64.02"]["progress"] == 0.1

    account = reconcile_account(stack)
    reconciled = sipelkop(stack, "reporting", "reconcile", "--json", env=account)
    result = json.loads(reconciled.stdout)
    assert reconciled.returncode == 0 and result["differences"] == [] and result["not_checked"] == [], \
        reconciled.stdout + reconciled.stderr
    assert result["checked"] >= 20

    before = {name: viewer.get(f"/api/v1/reports/{name}", params=params).json() for name in REPORTS}
    rebuilt = sipelkop(stack, "reporting", "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "generasi 1 aktif" in rebuilt.stdout
    # The running service has switched to generation 1 (it polls the pointer) and answers the same.
    wait_for(lambda: viewer.get("/metrics").text.count("sipelkop_reporting_store_generation 1.0") == 1,
             message="service on generation 1", timeout=30)
    after = {name: viewer.get(f"/api/v1/reports/{name}", params=params).json() for name in REPORTS}
    assert after == before

    # A projection that has drifted from its source (here: the batch's status edited in reporting's active store, as
    # a lost event would leave it): reconcile names the figure and exits 1, in words and as JSON.
    async def drift() -> None:
        engine = create_async_engine(store_url(stack["reporting"].env["REPORTING_DATABASE_URL"], 1))
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE batches SET status = 'scheduled' WHERE id = :id"),
                                     {"id": seeded["batch"]["id"]})
        await engine.dispose()

    asyncio.run(drift())
    drifted = sipelkop(stack, "reporting", "reconcile", "--json", env=account)
    assert drifted.returncode == 1, drifted.stdout + drifted.stderr
    assert json.loads(drifted.stdout)["differences"] == [{
        "what": "status angkatan", "key": seeded["batch"]["id"], "reporting": "scheduled", "source": "training",
        "source_value": "closed"}]
    in_words = sipelkop(stack, "reporting", "reconcile", env=account)
    assert in_words.returncode == 1 and "BEDA  status angkatan" in in_words.stdout, in_words.stdout
    assert in_words.stdout.strip().endswith("1 berbeda"), in_words.stdout
