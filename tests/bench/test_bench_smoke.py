"""The bench harness runs end to end in its quick mode and prints every row with a number (no timing asserted)."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.cli import ROWS_OF

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


def test_a_quick_bench_run_prints_every_row_with_a_number(own_kafka, postgres, tmp_path):
    # A plain-text broker of its own: the bench measures the messaging path without SASL (the suite's shared broker
    # requires it, and the bench's load generators and workers do not sign in).
    output = tmp_path / "latest.md"
    run = subprocess.run([sys.executable, "-m", "shared.cli", "bench", "--quick", "--kafka-bootstrap", own_kafka.bootstrap,
                          "--pg-admin-url", postgres.admin_url, "--output", str(output)],
                         cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-5000:]
    table = output.read_text()
    assert table in run.stdout
    assert re.search(r"\*\*\d+ cores\*\*", table)
    for setting in ("acks=all", "synchronous_commit=", "partitions", "max_records=", "relay batch"):
        assert setting in table
    for rows in ROWS_OF.values():
        for name, _goal in rows:
            assert re.search(rf"^\| {re.escape(name)} \| [\d,.]+ [^|]+ \| [\d,.]+ [^|]+ \| [\d.]+ \|", table, re.M), \
                f"{name} has no figure:\n{table}"
