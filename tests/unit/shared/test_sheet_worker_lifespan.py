"""The sheet worker lives with the service: started and warm when the lifespan has started (the first upload is read
by it, no worker started for it), and no process of it left once the service has stopped."""
from __future__ import annotations

import csv
import io

import httpx
import psutil
import pytest

from services.registration.bootstrap import create_registration_app
from services.registration.config import RegistrationSettings
from services.training.bootstrap import create_training_app
from services.training.config import TrainingSettings
from tests.fixtures import factories
from tests.fixtures.tokens import test_token


def registration(tmp_path):
    return create_registration_app(RegistrationSettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/r.db", kafka_bootstrap="127.0.0.1:9",
        identity_url="http://identity.test"), handlers={}, start_background=False)


def training(tmp_path):
    return create_training_app(TrainingSettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/t.db", kafka_bootstrap="127.0.0.1:9",
        identity_url="http://identity.test"), handlers={}, start_background=False)


def sheet_workers() -> list[psutil.Process]:
    """The live processes forked by this process's fork server (the worker is its child, not ours)."""
    servers = [p for p in psutil.Process().children()
               if "multiprocessing.forkserver" in " ".join(p.cmdline())]
    return [w for s in servers for w in s.children() if w.status() != psutil.STATUS_ZOMBIE]


@pytest.mark.parametrize("make_app", [registration, training], ids=["registration", "training"])
async def test_the_worker_is_live_once_the_service_has_started_and_gone_once_it_has_stopped(make_app, tmp_path):
    app = make_app(tmp_path)
    async with app.router.lifespan_context(app):
        workers = sheet_workers()
        assert len(workers) == 1 and workers[0].is_running(), workers
        worker = workers[0]
    assert not worker.is_running() and sheet_workers() == []


async def test_the_first_upload_is_read_by_the_worker_started_with_the_service(tmp_path):
    app = registration(tmp_path)
    rows = [factories.cooperative_row("64.02")]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    token = test_token(subject="officer-64.02", role="district_officer", district="64.02")
    async with app.router.lifespan_context(app):
        started = {w.pid for w in sheet_workers()}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://registration",
                                     headers={"Authorization": f"Bearer {token}"}) as officer:
            answer = await officer.post("/api/v1/imports/cooperatives",
                                        files={"file": ("koperasi.csv", out.getvalue().encode())})
        assert answer.status_code == 200, answer.text
        assert answer.json()["created"] == 1
        # the same single worker read it: the upload started none of its own
        assert {w.pid for w in sheet_workers()} == started and len(started) == 1
