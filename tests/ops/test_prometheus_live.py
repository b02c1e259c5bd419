"""A real Prometheus (Debian's `prometheus` package) scrapes a running stack with the project's scrape
configuration and evaluates the project's rules: every target is up, then the broker stops, writes go on, and
the outbox backlog alert goes pending, then firing.

The configuration is deploy/prometheus/prometheus.yml with each job's Docker DNS discovery replaced by the test's
own address and port, scraped and evaluated every second. The rules are deploy/prometheus/alerts.yml, except that
SipelkopOutboxBacklogOld is a copy whose threshold is 5 s instead of 300 s and whose `for` is 10s instead of 1m
(the suite cannot wait six minutes); tests/ops/test_alert_rules.py covers the real durations with promtool."""
import shutil
import subprocess
from pathlib import Path

import httpx
import yaml

from shared.backup import write_metric
from tests.fixtures import factories
from tests.fixtures.infra import free_port
from tests.fixtures.services import start_stack, wait_for

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy" / "prometheus"
BACKLOG = "SipelkopOutboxBacklogOld"
RULE_METRICS = ["up", "sipelkop_outbox_publish_failures_total", "sipelkop_outbox_oldest_age_seconds",
                "sipelkop_consumer_parked_total", "sipelkop_consumer_events_behind", "sipelkop_ready_check",
                "sipelkop_dead_letters_parked",
                "sipelkop_reporting_projection_lag_seconds", "sipelkop_http_requests_total",
                "sipelkop_backup_last_success_timestamp_seconds"]


def scrape_config(ports: dict[str, int], rules: Path) -> dict:
    config = yaml.safe_load((DEPLOY / "prometheus.yml").read_text())
    config["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s", "scrape_timeout": "1s"}
    config["rule_files"] = [str(rules)]
    for job in config["scrape_configs"]:
        job.pop("dns_sd_configs", None)
        job["static_configs"] = [{"targets": [f"127.0.0.1:{ports[job['job_name']]}"]}]
    assert set(ports) == {job["job_name"] for job in config["scrape_configs"]}, "a job of prometheus.yml is not run"
    return config


def quick_backlog_rules() -> dict:
    rules = yaml.safe_load((DEPLOY / "alerts.yml").read_text())
    for rule in rules["groups"][0]["rules"]:
        if rule["alert"] == BACKLOG:
            assert rule["expr"].endswith("> 300") and rule["for"] == "1m", rule
            rule["expr"] = rule["expr"].removesuffix("> 300") + "> 5"
            rule["for"] = "10s"
    return rules


def alert_states(url: str, name: str) -> set[str]:
    alerts = httpx.get(f"{url}/api/v1/alerts", timeout=5).json()["data"]["alerts"]
    return {a["state"] for a in alerts if a["labels"]["alertname"] == name and a["labels"].get("service") == "registration"}


def test_prometheus_sees_every_target_and_fires_the_backlog_alert_while_kafka_is_away(own_kafka, postgres,
                                                                                       topic_prefix, tmp_path):
    urls = {name: postgres.new_database(name[:3]) for name in ("identity", "registration", "training", "reporting")}
    stack = start_stack(kafka_bootstrap=own_kafka.bootstrap, database_urls=urls, topic_prefix=topic_prefix,
                        log_dir=tmp_path)
    textfiles = tmp_path / "metrics"
    textfiles.mkdir()
    archive = tmp_path / "cadangan"
    archive.mkdir()
    (archive / "manifest.json").write_text("{}")
    write_metric(textfiles, archive, duration=1.0)  # what `sipelkop backup` leaves behind after an archive
    ports = {name: service.port for name, service in stack.services.items()}
    ports |= {"node": free_port(), "prometheus": free_port()}
    rules = tmp_path / "alerts.yml"
    rules.write_text(yaml.safe_dump(quick_backlog_rules()))
    config = tmp_path / "prometheus.yml"
    config.write_text(yaml.safe_dump(scrape_config(ports, rules)))
    with open(tmp_path / "node.log", "wb") as node_log, open(tmp_path / "prometheus.log", "wb") as prom_log:
        node = subprocess.Popen([shutil.which("prometheus-node-exporter") or "prometheus-node-exporter",
                                 f"--web.listen-address=127.0.0.1:{ports['node']}", "--collector.disable-defaults",
                                 "--collector.textfile", f"--collector.textfile.directory={textfiles}"],
                                stdout=node_log, stderr=subprocess.STDOUT)
        prometheus = subprocess.Popen([shutil.which("prometheus") or "prometheus", f"--config.file={config}",
                                       f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                                       f"--web.listen-address=127.0.0.1:{ports['prometheus']}"],
                                      stdout=prom_log, stderr=subprocess.STDOUT)
    prom = f"http://127.0.0.1:{ports['prometheus']}"
    try:
        def every_target_up():
            try:
                answer = httpx.get(f"{prom}/api/v1/targets", timeout=5)
            except httpx.HTTPError:
                return None
            if answer.status_code != 200:  # 503 while Prometheus is still starting
                return None
            targets = answer.json()["data"]["activeTargets"]
            health = {t["labels"]["job"]: t["health"] for t in targets}
            return health if set(health) == set(ports) and set(health.values()) == {"up"} else None

        wait_for(every_target_up, timeout=60, message="every target up")
        loaded = httpx.get(f"{prom}/api/v1/rules", timeout=5).json()["data"]["groups"][0]["rules"]
        assert {r["name"] for r in loaded} >= {BACKLOG, "SipelkopServiceNotReady", "SipelkopBackupTooOld"}
        # A backup just written: neither backup alert is pending or firing.
        assert alert_states(prom, BACKLOG) == set()
        # The rules read these names: each is really exported by the running services.
        def exported():
            names = httpx.get(f"{prom}/api/v1/label/__name__/values", timeout=5).json()["data"]
            return set(RULE_METRICS) <= set(names) or sorted(set(RULE_METRICS) - set(names))
        assert wait_for(lambda: exported() is True, timeout=60, message="every metric the rules read")
        # Once the node exporter's textfile has been scraped, neither backup alert is pending or firing (before the
        # first scrape an evaluation may find the metric absent and hold SipelkopBackupNeverRecorded pending).
        def backup_alerts() -> set[str]:
            alerts = httpx.get(f"{prom}/api/v1/alerts", timeout=5).json()["data"]["alerts"]
            return {a["labels"]["alertname"] for a in alerts} & {"SipelkopBackupTooOld", "SipelkopBackupNeverRecorded"}
        wait_for(lambda: not backup_alerts(), timeout=60, message="no backup alert after a backup")

        officer = stack.client("registration", "district_officer", "64.09")
        stack["registration"].wait_ready()
        assert officer.post("/api/v1/cooperatives", json=factories.cooperative("64.09")).status_code == 201
        own_kafka.stop()
        for _ in range(5):
            answer = officer.post("/api/v1/cooperatives", json=factories.cooperative("64.09"))
            assert answer.status_code == 201, answer.text
        wait_for(lambda: "pending" in alert_states(prom, BACKLOG), timeout=60, interval=0.5,
                 message="backlog alert pending")
        wait_for(lambda: "firing" in alert_states(prom, BACKLOG), timeout=60, interval=0.5,
                 message="backlog alert firing")
        query = httpx.get(f"{prom}/api/v1/query", params={"query": "sipelkop_outbox_backlog{job='registration'}"},
                          timeout=5).json()["data"]["result"]
        assert float(query[0]["value"][1]) >= 5
    finally:
        prometheus.terminate()
        node.terminate()
        prometheus.wait(30)
        node.wait(30)
        stack.stop()
