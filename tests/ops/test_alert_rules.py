"""The alert rules of deploy/prometheus/ as Prometheus reads them: `promtool check` accepts the configuration and
the rules, and `promtool test rules` runs tests/ops/alerts_test.yml (every alert at its real duration: pending,
firing, and quiet when it must be). promtool comes from Debian's `prometheus` package (.ci/install-deps)."""
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
ALERTS = ["SipelkopServiceNotReady", "SipelkopOutboxBacklogOld", "SipelkopDeadLetter", "SipelkopDeadLettersWaiting",
          "SipelkopConsumerLagGrowing",
          "SipelkopReportingStale", "SipelkopManyFailedSignIns", "SipelkopBackupTooOld", "SipelkopBackupNeverRecorded"]


def promtool(*args: str) -> subprocess.CompletedProcess:
    tool = shutil.which("promtool")
    assert tool, "promtool is missing: install Debian's prometheus package (.ci/install-deps)"
    # `test rules` needs about 45 s of CPU (every case at its real duration, 26 h for the backup's); on the shared
    # 2-core machine at load 30 that was 6.5 minutes of wall time. The timeout only catches a promtool that hangs.
    return subprocess.run([tool, *args], cwd=ROOT, capture_output=True, text=True, timeout=900)


def test_the_scrape_configuration_and_its_rules_are_valid():
    done = promtool("check", "config", "deploy/prometheus/prometheus.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "9 rules found" in done.stdout + done.stderr


def test_every_alert_behaves_as_its_runbook_says():
    done = promtool("test", "rules", "tests/ops/alerts_test.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    tested = (ROOT / "tests" / "ops" / "alerts_test.yml").read_text()
    for name in ALERTS:
        assert f"alertname: {name}" in tested, f"{name} has no promtool case"


def test_every_alert_has_a_runbook_entry():
    runbook = (ROOT / "docs" / "OPERATIONS.md").read_text()
    for name in ALERTS:
        assert f"alert: {name}" in RULES.read_text()
        assert name in runbook, f"docs/OPERATIONS.md says nothing about {name}"
