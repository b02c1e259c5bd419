"""What an operator sees when a service is started as the image starts it (`sipelkop serve`, SIPELKOP_ENV unset, so
production) with unsafe settings, and that `sipelkop up` says it runs in development mode."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAFE_KAFKA = {"SIPELKOP_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "SIPELKOP_KAFKA_SASL_USERNAME": "reporting",
              "SIPELKOP_KAFKA_SASL_PASSWORD": "p" * 32, "SIPELKOP_KAFKA_BOOTSTRAP": "192.0.2.1:9092"}


def sipelkop(*args: str, env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    # No SIPELKOP_* of the suite's own: the command sees only what the operator set.
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SIPELKOP_", "REPORTING_", "TRAINING_"))}
    return subprocess.run([sys.executable, "-m", "shared.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=base | env)


def test_a_production_start_on_an_unauthenticated_broker_is_refused_in_one_line(tmp_path):
    done = sipelkop("serve", "reporting", env={"SIPELKOP_DATA_DIR": str(tmp_path)})
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "Layanan reporting tidak dinyalakan (SIPELKOP_ENV=production): SIPELKOP_KAFKA_SECURITY_PROTOCOL=PLAINTEXT: "
        "Kafka tanpa autentikasi; pakai SASL_SSL dengan SIPELKOP_KAFKA_SASL_USERNAME dan "
        "SIPELKOP_KAFKA_SASL_PASSWORD."]
    assert not list(tmp_path.glob("*.db"))  # refused before anything was opened


def test_a_production_start_with_a_remote_database_without_tls_names_the_url(tmp_path):
    url = "postgresql+asyncpg://reporting:" + "d" * 40 + "@db.kaltim.example:5432/reporting"
    done = sipelkop("serve", "reporting", env={"SIPELKOP_DATA_DIR": str(tmp_path), "REPORTING_DATABASE_URL": url,
                                               **SAFE_KAFKA})
    assert done.returncode == 1 and len(done.stderr.splitlines()) == 1
    assert ("REPORTING_DATABASE_URL: basis data di db.kaltim.example tanpa TLS; tambahkan ?ssl=require"
            in done.stderr)


def test_a_production_start_with_the_published_development_key_is_refused(tmp_path):
    done = sipelkop("serve", "training", env={"SIPELKOP_DATA_DIR": str(tmp_path), "TRAINING_EVALUATION_KEY": "e" * 40,
                                              **SAFE_KAFKA})
    assert done.returncode == 1 and len(done.stderr.splitlines()) == 1, done.stderr
    assert "TRAINING_CERTIFICATE_KEY masih bernilai contoh yang diterbitkan di repositori" in done.stderr
    assert "Traceback" not in done.stderr


def test_sipelkop_up_says_it_runs_in_development_mode(tmp_path):
    # The broker's port is held, so `up` stops right after its first lines (nothing is started).
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        done = sipelkop("up", "--kafka-port", str(held.getsockname()[1]), env={"SIPELKOP_DATA_DIR": str(tmp_path)})
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Mode pengembangan: SIPELKOP_ENV=development"), done.stdout
    assert done.returncode == 1
