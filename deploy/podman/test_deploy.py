"""`make test-deploy`: the compose stack built and run under podman, the seed scenario through the front door only.

Builds the images (deploy/podman/build-images.sh: cached between runs), brings docker-compose.yml up with
podman-compose (deploy/podman/compose.yml lays the locally built images over it; Grafana stays out), waits for
every container's health, loads the demo province through the gateway's four ports as the province's people would
(accounts, registration, training, reporting: shared/demo.py's own client), checks that reporting's figures are the
scenario's, and tears everything down, checking that no container, network or volume of the stack is left.

Not under tests/: the normal suite never collects it (it needs root, podman and about ten minutes). Secrets and
the Kafka TLS material are made for the run in a private temporary directory and removed with it.
Timings (build, start, run, teardown) are printed at the end.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from shared import demo, demo_data
from shared.tokens import KeyRing, access_claims

ROOT = Path(__file__).resolve().parents[2]
PODMAN_DIR = ROOT / "deploy" / "podman"
CONTAINERS_CONF = PODMAN_DIR / "containers.conf"
CACHE = Path(os.environ.get("SIPELKOP_PODMAN_CACHE", "/var/cache/sipelkop-podman"))
PODMAN_COMPOSE = os.environ.get("PODMAN_COMPOSE", str(CACHE / "podman-compose" / "bin" / "podman-compose"))
PROJECT = os.environ.get("SIPELKOP_DRILL_PROJECT", "sipelkop-drill")
FRONT_DOOR = {"registration": "http://127.0.0.1:8001", "training": "http://127.0.0.1:8002",
              "reporting": "http://127.0.0.1:8003", "identity": "http://127.0.0.1:8004"}
SERVICES = ("identity", "registration", "training", "reporting")
# Two of each, so that killing one leaves one: docker-compose.yml runs two of registration, training and
# reporting; identity's second comes from this drill's site layer (below), its key ring made before the first start.
REPLICAS = {"identity": 2, "registration": 2, "training": 2, "reporting": 2}
BROKERS = ("kafka-1", "kafka-2", "kafka-3")
# Everything but Grafana (no Debian package, so no image without a registry: its compose profile leaves it out).
STARTED = (*BROKERS, "postgres", "kafka-init", *SERVICES, "gateway", "prometheus", "node-exporter")

LOGS = Path(os.environ["SIPELKOP_DRILL_LOGS"]) if os.environ.get("SIPELKOP_DRILL_LOGS") else None
ENV = {**os.environ, "CONTAINERS_CONF": os.environ.get("CONTAINERS_CONF", str(CONTAINERS_CONF))}
TIMES: dict[str, float] = {}
LINES: list[str] = []


def say(line: str) -> None:
    LINES.append(line)
    print(f"[test-deploy {time.strftime('%H:%M:%S')}] {line}", flush=True)


def run(*cmd: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd[:6])} ... failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n"
                             f"{proc.stderr[-3000:]}")
    return proc


def podman(*args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
    return run("podman", *args, check=check, timeout=timeout)


def wait_for(predicate, what: str, timeout: float, interval: float = 2.0):
    """Poll until predicate() is truthy; fail naming what never happened."""
    deadline = time.monotonic() + timeout
    while True:
        found = predicate()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        time.sleep(interval)


def container(service: str, num: int = 1) -> str:
    return f"{PROJECT}_{service}_{num}"


def ours(kind: str) -> list[str]:
    """This stack's containers, networks or volumes (by podman-compose's project label), as podman lists them."""
    fmt = "{{.Names}}" if kind == "ps" else "{{.Name}}"
    args = ["ps", "-a"] if kind == "ps" else [kind, "ls"]
    out = podman(*args, "--filter", f"label=io.podman.compose.project={PROJECT}", "--format", fmt).stdout
    return [line for line in out.splitlines() if line.strip()]


class Stack:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.env_file = workdir / "drill.env"
        self.override = workdir / "secrets.yml"
        self.keys = workdir / "signing-keys.json"
        self.api: demo.Api | None = None
        self.scenario = None

    def compose(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return run(PODMAN_COMPOSE, "-p", PROJECT, "-f", str(ROOT / "docker-compose.yml"),
                   "-f", str(PODMAN_DIR / "compose.yml"), "-f", str(self.override),
                   "--env-file", str(self.env_file), *args, timeout=timeout)

    def write_secrets(self) -> None:
        """Every secret the compose file requires, random; the Kafka CA and keystores from deploy/kafka/dev-ca.sh."""
        names = [line.split("=", 1)[0]
                 for example in (ROOT / "deploy" / "secrets.env.example", ROOT / "deploy" / "kafka" / "secrets.env.example")
                 for line in example.read_text().splitlines() if line and not line.startswith("#") and "=" in line]
        values = {name: secrets.token_hex(16) for name in names}
        values |= {"SIPELKOP_IDENTITY_URL": FRONT_DOOR["identity"], "REGISTRATION_PUBLIC_URL": FRONT_DOOR["registration"],
                   "TRAINING_PUBLIC_BASE_URL": FRONT_DOOR["training"], "REPORTING_PUBLIC_URL": FRONT_DOOR["reporting"],
                   "REPORTING_RECONCILE_CLIENT_ID": "reporting-reconcile"}
        self.env_file.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
        tls = self.workdir / "tls"
        # As deploy/README.md has it: the brokers' keystores given to their group (gid 1000), mode 0640.
        run("bash", str(ROOT / "deploy" / "kafka" / "dev-ca.sh"), str(tls))
        # This site's layer over the compose files: where its TLS files are, and identity's second replica (its
        # key ring is made before the first start, as for Kubernetes: two replicas starting on an empty volume
        # would each make one).
        self.override.write_text(
            "services:\n  identity:\n    deploy:\n      mode: replicated\n      replicas: 2\n" + "secrets:\n" + "".join(
                f"  {name}:\n    file: {tls / file}\n" for name, file in
                [("kafka-ca", "ca.crt"), *((f"kafka-{n}-keystore", f"kafka-{n}.pem") for n in (1, 2, 3)),
                 ("postgres-tls-cert", "postgres.crt"), ("postgres-tls-key", "postgres.key")]))

    def make_identity_keys(self) -> None:
        """Identity's key ring in its volume before the first start, owned by the image's user (10001)."""
        volume = f"{PROJECT}_identity-keys"
        podman("volume", "create", "--label", f"io.podman.compose.project={PROJECT}",
               "--label", f"com.docker.compose.project={PROJECT}", volume)
        mountpoint = Path(podman("volume", "inspect", "--format", "{{.Mountpoint}}", volume).stdout.strip())
        KeyRing.load_or_create(mountpoint / "signing-keys.json")
        for path in (mountpoint, mountpoint / "signing-keys.json"):
            os.chown(path, 10001, 10001)
        mountpoint.chmod(0o700)
        shutil.copy(mountpoint / "signing-keys.json", self.keys)

    def up(self, *services: str) -> None:
        # --no-deps: this drill starts each step once the previous is healthy; podman-compose would otherwise tie
        # the containers together with --requires, which podman 4.3 cannot start in steps.
        self.compose("up", "-d", "--no-build", "--no-deps", *services)

    def healthy(self, name: str) -> bool:
        try:
            return podman("healthcheck", "run", name, check=False, timeout=180).returncode == 0
        except subprocess.TimeoutExpired:  # a check slower than its own timeout under load: not healthy yet
            return False

    def wait_healthy(self, service: str, timeout: float = 600) -> None:
        for num in range(1, REPLICAS.get(service, 1) + 1):
            name = container(service, num)
            wait_for(lambda: self.healthy(name), f"{name} healthy", timeout)

    def signer(self):
        """Tokens signed with identity's own key ring, the one made for its volume (as tests/e2e sign with the
        stack's key file): the demo loader acts in the name of each demo account."""
        ring = KeyRing.load_or_create(self.keys)

        def sign(*, role, subject, name, district=None):
            return ring.sign(access_claims(issuer=FRONT_DOOR["identity"], subject=subject, name=name, role=role,
                                           district=district, ttl=timedelta(hours=1)))

        return sign

    def down(self) -> None:
        # SIPELKOP_DRILL_LOGS=<dir>: every container's log kept there first (what a failed run showed).
        if LOGS and ours("ps"):
            LOGS.mkdir(parents=True, exist_ok=True)
            for name in ours("ps"):
                log = podman("logs", name, check=False)
                (LOGS / f"{name}.log").write_text(log.stdout + log.stderr)
        self.compose("down", "-v", "-t", "30", timeout=900)
        # podman-compose leaves the network behind when a container was gone already; remove what is ours.
        for kind in ("ps", "ps", "network", "volume"):  # twice: a container another one requires goes second
            for name in ours(kind):
                podman(*(("rm", "-f", "-v") if kind == "ps" else (kind, "rm", "-f")), name, check=False)


@pytest.fixture(scope="module")
def stack():
    if os.geteuid() != 0 or not shutil.which("podman"):
        pytest.fail("make test-deploy needs root and podman: run deploy/podman/install-deps first")
    workdir = Path(tempfile.mkdtemp(prefix="sipelkop-drill-"))
    stack = Stack(workdir)
    try:
        started = time.monotonic()
        run("bash", str(PODMAN_DIR / "build-images.sh"), timeout=3600)
        TIMES["build"] = time.monotonic() - started
        say(f"images built in {TIMES['build']:.0f} s")
        assert not ours("ps"), f"a stack {PROJECT} is running already: {ours('ps')}"
        stack.write_secrets()
        stack.make_identity_keys()

        started = time.monotonic()
        # In dependency order, each step waiting for the health the compose file's depends_on asks for
        # (podman 4.3 runs no healthcheck timers without systemd, so this drill runs the checks itself).
        stack.up(*BROKERS, "postgres")
        for service in (*BROKERS, "postgres"):
            stack.wait_healthy(service)
        say("three brokers and PostgreSQL healthy")
        stack.up("kafka-init")
        exit_code = podman("wait", container("kafka-init"), timeout=900).stdout.strip()
        assert exit_code == "0", podman("logs", container("kafka-init"), check=False).stdout[-3000:]
        say("topics and ACLs made by kafka-init")
        stack.up(*SERVICES)
        for service in SERVICES:
            stack.wait_healthy(service)
        stack.up("gateway", "prometheus", "node-exporter")

        def front_door_answers():
            try:
                return all(httpx.get(f"{url}/healthz", timeout=5).status_code == 200 for url in FRONT_DOOR.values())
            except httpx.HTTPError:
                return False

        wait_for(front_door_answers, "every service answering /healthz at the front door", 300)
        TIMES["start"] = time.monotonic() - started
        say(f"stack up and healthy in {TIMES['start']:.0f} s")
        yield stack
    finally:
        if stack.api is not None:
            stack.api.close()
        started = time.monotonic()
        stack.down()
        TIMES["teardown"] = time.monotonic() - started
        shutil.rmtree(workdir, ignore_errors=True)


def test_the_seed_scenario_runs_through_the_front_door_and_reporting_agrees(stack):
    running = set(ours("ps"))
    expected_containers = {container(s, n) for s in STARTED for n in range(1, REPLICAS.get(s, 1) + 1)}
    assert expected_containers <= running, f"missing: {sorted(expected_containers - running)}"
    assert not any("grafana" in name for name in running)
    # Every replica runs as the image's non-root user.
    for service in SERVICES:
        assert podman("exec", container(service), "id", "-u").stdout.strip() == "10001", service

    started = time.monotonic()
    api = stack.api = demo.Api(FRONT_DOOR, stack.signer())  # closed by the fixture
    created = demo.create_accounts(api)
    assert set(created) == {a.username for a in demo_data.ACCOUNTS}
    scenario = demo_data.scenario(demo_data.wita_today())
    expected = demo.load(api, scenario, say=lambda line: None)
    summary = demo.wait_for_reporting(api, scenario, expected, timeout=600)
    assert demo.already_loaded(api, scenario)
    viewer = api.as_("reporting", "kementerian")
    districts = viewer.get("/api/v1/reports/districts", params={"fiscal_year": scenario.fiscal_year}).json()
    assert len(districts["rows"]) == 10 and all(r["cooperatives_trained"] for r in districts["rows"])
    stack.scenario = scenario
    TIMES["run"] = time.monotonic() - started
    figures = {k: summary[k] for k in ("participants_enrolled", "participants_completed", "cooperatives_trained",
                                       "batches_closed", "certificates_issued")}
    say(f"seed scenario through the front door in {TIMES['run']:.0f} s; reporting shows {json.dumps(figures)}, "
        f"realised Rp {summary['budget']['realised']:,}".replace(",", "."))

    # Prometheus finds every replica of every service through the network's DNS and scrapes it.
    def all_scraped():
        targets = httpx.get("http://127.0.0.1:9090/api/v1/targets", timeout=10).json()["data"]["activeTargets"]
        up = {}
        for target in targets:
            up.setdefault(target["labels"]["job"], []).append(target["health"] == "up")
        return all(len(up.get(s, [])) == REPLICAS[s] and all(up[s]) for s in SERVICES) and up

    say(f"Prometheus scrapes {sum(REPLICAS.values())} service replicas: "
        f"{ {job: len(v) for job, v in wait_for(all_scraped, 'Prometheus scraping every replica', 180).items()} }")


def test_teardown_leaves_no_container_network_or_volume(stack):
    """Runs last: the fixture's teardown happens after the module, so this checks a down of its own."""
    stack.down()
    assert ours("ps") == [] and ours("network") == [] and ours("volume") == []
    say("torn down: no container, network or volume of the stack left")


@pytest.fixture(scope="module", autouse=True)
def timings():
    yield
    parts = [f"{name} {TIMES[name]:.0f} s" for name in ("build", "start", "run", "teardown") if name in TIMES]
    print(f"\n[test-deploy] times: {', '.join(parts)}", flush=True)
