"""The bench harness runs end to end in its quick mode and prints every row with its figures, three runs each, both
baselines where built, each process's own peak memory and the freshness misses (no timing asserted)."""
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
    for setting in ("loop uvloop", "HTTP parser httptools"):
        assert setting in table
    assert "| path | our figure | fair baseline | ratio (fair) | limit | ratio (limit) | goal | met? |" in table
    value = r"[\d,.]+ [^|(]+ \([\d,.]+–[\d,.]+\)"  # a median with the min–max of its three runs
    for rows in ROWS_OF.values():
        for name, _goal in rows:
            assert re.search(rf"^\| {re.escape(name)} \| {value} \| (?:{value}|–) \| (?:[\d.]+|–) \| {value} \| "
                             rf"[\d.]+ \|", table, re.M), f"{name} has no figure:\n{table}"
    for name in ("outbox relay", "enrolment write", "attendance marking"):  # the fair baselines built so far
        assert re.search(rf"^\| {re.escape(name)} \| {value} \| {value} \| [\d.]+ \|", table, re.M), name
    # Peak memory is each process's own: the rebuild (the whole service) and the raw drain no longer show one figure.
    rebuild = re.search(r"peak RSS of the rebuild's own process ([\d,]+) .*?MiB \(raw drain's ([\d,]+) ", table)
    assert rebuild, table
    ours, drain = (int(x.replace(",", "")) for x in rebuild.groups())
    assert drain < ours < 512, (ours, drain)
    # Freshness accounts for every enrolment: none was missed in a healthy run (a miss would fail it, exit 1).
    assert "never visible: 0**" in table
