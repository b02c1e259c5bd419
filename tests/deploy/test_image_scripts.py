"""The two scripts the image carries: the HEALTHCHECK probe and the migration Job's entrypoint."""
from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from tests.deploy.deploy_files import DEPLOY, ROOT, is_setting_like


def run(script: str, *args: str, env: dict) -> subprocess.CompletedProcess:
    # A clean environment apart from PATH and friends; PYTHONPATH: this checkout's code, as the image has its own.
    base = {k: v for k, v in os.environ.items() if not is_setting_like(k)}
    return subprocess.run([sys.executable, str(DEPLOY / script), *args], cwd=ROOT, capture_output=True, text=True,
                          env={**base, "PYTHONPATH": str(ROOT), **env}, timeout=120)


class Healthz(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/healthz" else 404)
        self.end_headers()
        self.wfile.write(b'{"status": "ok"}')

    def log_message(self, *args):
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthcheck_passes_when_healthz_answers_and_fails_when_nothing_listens():
    server = HTTPServer(("127.0.0.1", 0), Healthz)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        up = run("healthcheck.py", env={"SERVICE": "reporting", "REPORTING_PORT": str(server.server_port)})
    finally:
        server.shutdown()
    assert up.returncode == 0, up.stderr
    down = run("healthcheck.py", env={"SERVICE": "reporting", "REPORTING_PORT": str(free_port())})
    assert down.returncode == 1
    assert run("healthcheck.py", env={"SERVICE": ""}).returncode == 1


def test_migrate_brings_a_database_to_the_newest_revision_and_can_run_again(tmp_path):
    service = "registration"
    development = {"SIPELKOP_ENV": "development", "SIPELKOP_DATA_DIR": str(tmp_path)}  # the default is production
    result = run("migrate.py", service, env=development)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / f"{service}.db") as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone()
    again = run("migrate.py", service, env=development)
    assert again.returncode == 0, again.stderr


def test_migrate_refuses_an_unknown_service_and_a_missing_database_url_in_production(tmp_path):
    assert run("migrate.py", "billing", env={}).returncode == 2
    service = "registration"
    production = {"SIPELKOP_ENV": "production", "SIPELKOP_DATA_DIR": str(tmp_path)}
    # Without its database URL the Job would migrate a throw-away SQLite file in the pod and report success.
    refused = run("migrate.py", service, env=production)
    assert refused.returncode == 3 and "REGISTRATION_DATABASE_URL" in refused.stderr
    assert not (tmp_path / f"{service}.db").exists()
    unset = run("migrate.py", service, env={"SIPELKOP_DATA_DIR": str(tmp_path)})  # no SIPELKOP_ENV: production
    assert unset.returncode == 3 and "REGISTRATION_DATABASE_URL" in unset.stderr
    # Given the URL, production migrates: the refusal is about the URL, not about production.
    url = f"sqlite+aiosqlite:///{tmp_path / 'given.db'}"
    accepted = run("migrate.py", service, env={**production, "REGISTRATION_DATABASE_URL": url})
    assert accepted.returncode == 0, accepted.stderr
    with sqlite3.connect(tmp_path / "given.db") as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone()


def test_the_shared_hs256_secret_is_gone_from_the_image_scripts():
    for script in ("migrate.py", "healthcheck.py", "Dockerfile"):
        assert "SIPELKOP_SECRET_KEY" not in (DEPLOY / script).read_text(), script
