"""Drill 2 (lost broker): the seed scenario over SQLite stores as `sipelkop up` keeps them (and over PostgreSQL)
and the real broker; `sipelkop backup`; 50 more enrolments, all published by registration's relay (so they are on
the broker only, and in the outbox rows it keeps); the services stopped and every topic of the installation
deleted with its data (the suite's broker is shared: deleting the installation's topics is what losing the
cluster's data is to it); `sipelkop kafka recover --from ARCHIVE`; the services started again: registration's
relay republishes what was published since the backup, reporting counts every enrolment exactly once, training's
roster has them all, and `sipelkop reporting rebuild` from the recovered topics gives the same figures."""
import re

import pytest

from tests.e2e.reporting.test_seed_scenario import run_seed_scenario
from tests.fixtures import factories
from tests.fixtures.services import start_stack, wait_for
from tests.ops.test_backup_restore import NAMES, cli, enrolments, operator_env, roster, summary, wipe_topics

MORE = 50


def metric(stack, on: str, name: str, **labels) -> float | None:
    text = stack.client(on, "viewer").get("/metrics").text
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    found = re.search(rf"^{name}\{{{re.escape(wanted)}\}} (\S+)$", text, re.M) if labels else \
        re.search(rf"^{name} (\S+)$", text, re.M)
    return float(found.group(1)) if found else None


def figures_of(stack, year) -> dict:
    """The summary and the per-district and per-batch reports, without the store's bookkeeping (events applied,
    newest event time)."""
    viewer = stack.client("reporting", "viewer")
    reports = {}
    for name in ("summary", "districts", "batches"):
        answer = viewer.get(f"/api/v1/reports/{name}", params={"fiscal_year": year})
        assert answer.status_code == 200, answer.text
        reports[name] = {k: v for k, v in answer.json().items() if k not in ("events_applied", "data_as_of")}
    return reports


# On PostgreSQL only (the production store): SQLite's copy and outbox paths are the backup drill's, run on both stores
# in tests/ops/test_backup_restore.py, and the republishing of kept outbox rows is the same SQLAlchemy statement on
# both; a second recover run on SQLite cost 44 s of the suite.
@pytest.mark.parametrize("store", ["postgresql"])
def test_lost_broker_recovered_from_the_backup_and_the_outboxes(store, request, kafka, topic_prefix, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    postgres = request.getfixturevalue("postgres") if store == "postgresql" else None
    urls = ({n: f"sqlite+aiosqlite:///{data / (n + '.db')}" for n in NAMES} if store == "sqlite"
            else {n: postgres.new_database(n[:3]) for n in NAMES})
    stack = start_stack(kafka_bootstrap=kafka.bootstrap, database_urls=urls, topic_prefix=topic_prefix, log_dir=data)
    try:
        seed = run_seed_scenario(stack)
        year = seed["year"]
        opened = stack.client("training", "admin").post("/api/v1/batches", json=factories.batch(
            fiscal_year=year, capacity=1000, eligible_districts=["64.09"])).json()
        wait_for(lambda: stack.client("registration", "district_officer", "64.09").get(
            f"/api/v1/batches/{opened['id']}").status_code == 200, message="open batch in registration")
        env = operator_env(stack, data, kafka, topic_prefix, urls)
        done = cli(env, "backup", "--to", str(tmp_path / "cadangan"))
        assert done.returncode == 0, done.stdout + done.stderr
        archive = done.stdout.strip().splitlines()[-1]

        officer = stack.client("registration", "district_officer", "64.09")
        added = []
        for _ in range(MORE):
            coop = officer.post("/api/v1/cooperatives", json=factories.cooperative("64.09")).json()
            person = officer.post("/api/v1/participants", json=factories.participant(coop["id"], "64.09")).json()
            enrol = officer.post("/api/v1/enrollments", json={"batch_id": opened["id"], "participant_id": person["id"]})
            assert enrol.status_code == 201, enrol.text
            added.append(person["id"])
        # Published: after the backup they exist only on the broker about to be lost, and in the kept outbox rows.
        wait_for(lambda: metric(stack, "registration", "sipelkop_outbox_backlog", service="registration") == 0
                 and metric(stack, "registration", "sipelkop_outbox_published_total", service="registration"),
                 message="registration's relay published the new enrolments", timeout=60)
        assert enrolments(stack, opened["id"]) == MORE
    finally:
        stack.stop()

    wipe_topics(kafka, topic_prefix)  # the broker's data for this installation: gone

    recovered = cli(env, "kafka", "recover", "--from", archive)
    assert recovered.returncode == 0, recovered.stdout + recovered.stderr
    marked = re.search(r"Outbox registration: (\d+) event", recovered.stdout)
    assert marked and int(marked.group(1)) >= MORE, recovered.stdout  # at least the 50 enrolments' events
    again = cli(env, "kafka", "recover", "--from", archive)
    assert again.returncode == 1 and "tidak kosong" in again.stderr, again.stdout + again.stderr

    stack = start_stack(kafka_bootstrap=kafka.bootstrap, database_urls=urls, topic_prefix=topic_prefix, log_dir=data)
    try:
        figures = wait_for(lambda: (s := summary(stack, year))["participants_enrolled"] == 30 + MORE and s,
                           timeout=180, message="reporting counts the enrolments published after the backup")
        wait_for(lambda: sorted(added) == sorted(set(roster(stack, opened["id"])) & set(added)),
                 timeout=120, message="training's roster has the enrolments published after the backup")
        # Everything republished has gone out and reporting is caught up: still each enrolment once.
        wait_for(lambda: metric(stack, "registration", "sipelkop_outbox_backlog", service="registration") == 0
                 and metric(stack, "reporting", "sipelkop_reporting_projection_lag_seconds") == 0,
                 timeout=120, message="relay and reporting caught up")
        assert summary(stack, year)["participants_enrolled"] == 30 + MORE
        assert figures["participants_completed"] == 28 and figures["certificates_issued"] == 28
        assert len(roster(stack, opened["id"])) == MORE
        assert metric(stack, "reporting", "sipelkop_consumer_duplicates_total", consumer="reporting") > 0
        live = figures_of(stack, year)

        rebuilt = cli(stack["reporting"].env, "reporting", "rebuild")
        assert rebuilt.returncode == 0 and "generasi 1 aktif" in rebuilt.stdout, rebuilt.stdout + rebuilt.stderr
        wait_for(lambda: metric(stack, "reporting", "sipelkop_reporting_store_generation") == 1,
                 message="reporting on the rebuilt generation", timeout=30)
        assert figures_of(stack, year) == live
        assert live["summary"]["participants_enrolled"] == 30 + MORE
    finally:
        stack.stop()
