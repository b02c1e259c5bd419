"""`make test-deploy`: the compose stack built and run under podman, the seed scenario through the front door only,
then the faults a province server meets.

Builds the images (deploy/podman/build-images.sh: cached between runs), brings docker-compose.yml up with
podman-compose (deploy/podman/compose.yml lays the locally built images over it; Grafana stays out), waits for
every container's health, loads the demo province through the gateway's four ports as the province's people would
(accounts, registration, training, reporting: shared/demo.py's own client), checks that reporting's figures are the
scenario's. Then, on the same stack, with traffic through the front door all along (deploy/podman/drill_faults.py):
one of the three brokers stops and returns, one replica of each service is killed, the database container
restarts; each step prints what it showed (longest stall, requests refused and how, enrolments lost: none).
Finally it tears everything down, checking that no container, network or volume of the stack is left.

Not under tests/: the normal suite never collects it (it needs root, podman and about ten minutes). Secrets and
the Kafka TLS material are made for the run in a private temporary directory and removed with it.
Timings (build, start, run, teardown) are printed at the end.
"""
from __future__ import annotations

import itertools
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

from drill_faults import Load, Tally, metric
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


def crash_looping(name: str) -> bool:
    """A container that exited and was restarted again and again will not become healthy by waiting longer."""
    restarts = podman("inspect", "--format", "{{.RestartCount}}", name, check=False).stdout.strip()
    return restarts.isdigit() and int(restarts) >= 5


def why_unhealthy(name: str) -> str:
    """What a container that never became healthy showed: its state, its check's own answer, its log's tail."""
    state = podman("inspect", "--format", "{{.State.Status}} exit={{.State.ExitCode}} restarts={{.RestartCount}} "
                   "oom={{.State.OOMKilled}}", name, check=False)
    check = podman("healthcheck", "run", name, check=False, timeout=60)
    log = podman("logs", "--tail", "60", name, check=False)
    return (f"state: {state.stdout.strip()} {state.stderr.strip()}\n"
            f"healthcheck ({check.returncode}): {(check.stdout + check.stderr).strip()[-1500:]}\n"
            f"log tail:\n{(log.stdout + log.stderr)[-6000:]}")


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
            try:
                wait_for(lambda: self.healthy(name) or crash_looping(name), f"{name} healthy", timeout)
                assert not crash_looping(name), f"{name} keeps exiting"
            except AssertionError as missed:
                raise AssertionError(f"{missed}\n{why_unhealthy(name)}") from None

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


# --- the faults ---------------------------------------------------------------------------------------------------

class Drill:
    """The fault steps' shared parts: the load, the tally, and one step's report."""

    def __init__(self, stack: Stack):
        api, scenario = stack.api, stack.scenario
        self.stack, self.api = stack, api
        # The traffic's enrolments go to a planned batch (its seats fill, then its waiting list grows: both count).
        batch = next(b for b in scenario.batches if b.state == "planned")
        batch_id = next(b["id"] for b in api.as_("training", "staf.pelatihan").get("/api/v1/batches").json()
                        if b["code"] == batch.code)
        cooperatives = {}
        for n, district in enumerate(batch.districts):
            model = next(c for c in scenario.cooperatives if c.district == district and c.active)
            body = {**model.body(), "name": f"Koperasi Latihan Gangguan {district}", "nib": None,
                    "registration_number": f"{district.replace('.', '')}{99000000 + n:08d}",
                    "legal_entity_number": f"AHU-{9900000 + n:07d}.AH.01.26.TAHUN 2015"}
            answer = api.as_("registration", demo_data.OFFICERS[district].username).post("/api/v1/cooperatives",
                                                                                          json=body)
            assert answer.status_code == 201, answer.text
            cooperatives[district] = answer.json()["id"]
        self.tally = Tally(api, batch_id, scenario.fiscal_year)
        self.tally.start()
        self.load = Load(api, batch_id=batch_id, cooperatives=cooperatives, numbers=itertools.count(1),
                         fiscal_year=scenario.fiscal_year)

    def traffic_flows(self, since: float, services=SERVICES, good: int = 3, timeout: float = 180) -> None:
        wait_for(lambda: all(self.load.good_answers(s, since) >= good for s in services),
                 f"{good} good answers from each of {', '.join(services)} at the front door", timeout, 0.5)

    def settle(self, step: str, fault_at: float, started: float) -> dict:
        """Pause the traffic, print each service's figures over the fault, and check that nothing was lost."""
        self.load.pause()
        ended = time.monotonic()
        figures = {s: self.load.figures(s, fault_at, ended) for s in SERVICES}
        accepted = set(self.load.accepted(started, ended))
        held = self.tally.registration_ids()
        lost = accepted - held
        caught_up = time.monotonic()
        try:
            wait_for(lambda: self.tally.reporting_has(len(held)), "reporting counting every enrolment once", 300, 1)
        except AssertionError:
            raise AssertionError(f"{step}: registration holds {len(held) - self.tally.registration_before} new "
                                 f"enrolments, reporting counts {self.tally.reporting_count() - self.tally.reporting_before}")
        caught_up = time.monotonic() - caught_up
        for service, f in figures.items():
            say(f"{step}: {service}: {f.line()}")
        say(f"{step}: {len(accepted)} enrolments accepted, {len(lost)} lost by registration; reporting counted "
            f"each once {caught_up:.1f} s after the traffic paused (events lost: "
            f"{len(held) - self.tally.registration_before - (self.tally.reporting_count() - self.tally.reporting_before)})")
        assert not lost, f"{step}: accepted enrolments registration does not hold: {sorted(lost)[:5]}"
        return figures

    def published(self, service: str, num: int) -> float:
        """Events the replica's own relay has published (its /metrics, read inside its container)."""
        port = {"registration": 8001, "training": 8002}[service]
        text = podman("exec", container(service, num), "python", "-c",
                      f"import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:{port}/metrics')"
                      ".read().decode())").stdout
        return metric(text, "sipelkop_outbox_published_total", service=service)


def test_faults_a_broker_a_replica_of_each_service_and_the_database_lose_nothing(stack):
    assert stack.scenario is not None, "the seed scenario did not run on this stack"
    drill = Drill(stack)
    drill.load.start()
    try:
        broker_away_and_back(stack, drill)
        one_replica_of_each_service_killed(stack, drill)
        database_restarted(stack, drill)
    finally:
        drill.load.stop()


def broker_away_and_back(stack: Stack, drill: Drill) -> None:
    step = "broker kafka-2 stopped"
    started = time.monotonic()
    drill.load.resume()
    drill.traffic_flows(started)
    fault_at = time.monotonic()
    podman("stop", "-t", "10", container("kafka-2"))
    # Writes go on: enrolments accepted, and their events reach reporting through the two brokers left.
    wait_for(lambda: len(drill.load.accepted(fault_at)) >= 10, "10 enrolments accepted with a broker away", 180, 0.5)
    held = len(drill.tally.registration_ids())
    wait_for(lambda: (drill.tally.reporting_count() or 0) - drill.tally.reporting_before
             >= held - drill.tally.registration_before, "reporting counting enrolments made with a broker away", 240, 1)
    say(f"{step}: reporting counted the enrolments made while it was away {time.monotonic() - fault_at:.1f} s "
        f"after the stop")
    podman("start", container("kafka-2"))
    stack.wait_healthy("kafka-2", timeout=900)
    back_at = time.monotonic()
    say(f"{step}: back and healthy {back_at - fault_at:.1f} s after the stop")
    wait_for(lambda: len(drill.load.accepted(back_at)) >= 5, "5 enrolments accepted after the broker returned", 180, 0.5)
    figures = drill.settle(step, fault_at, started)
    assert figures["registration"].refused == 0, f"{step}: writes refused: {figures['registration'].refusals}"


def one_replica_of_each_service_killed(stack: Stack, drill: Drill) -> None:
    step = "one replica of each service killed"
    started = time.monotonic()
    drill.load.resume()
    drill.traffic_flows(started)
    survivors = {s: drill.published(s, 2) for s in ("registration", "training")}
    fault_at = time.monotonic()
    for service in SERVICES:
        podman("kill", container(service, 1))
    # The other replica serves: good answers from every service after the kill.
    drill.traffic_flows(fault_at, good=10, timeout=480)
    # The relay's lock moved to the survivor: it publishes what was written after the kill (registration's
    # enrolments and participants, training's programmes: at least one event each).
    written = {"registration": len(drill.load.accepted(fault_at)),
               "training": drill.load.good_answers("training", fault_at)}
    wait_for(lambda: all(drill.published(s, 2) - survivors[s] >= n for s, n in written.items()),
             "the surviving replicas' relays publishing what was written after the kill", 180, 2)
    say(f"{step}: the survivors' relays published "
        + ", ".join(f"{s} {drill.published(s, 2) - survivors[s]:.0f} events (>= {n} written)" for s, n in written.items()))
    figures = drill.settle(step, fault_at, started)
    assert all(f.answered for f in figures.values())


def database_restarted(stack: Stack, drill: Drill) -> None:
    step = "database container restarted"
    running = [container(s, 2) for s in SERVICES]
    started_at = {name: podman("inspect", "--format", "{{.State.StartedAt}}", name).stdout for name in running}
    started = time.monotonic()
    drill.load.resume()
    drill.traffic_flows(started)
    fault_at = time.monotonic()
    podman("stop", "-t", "10", container("postgres"))
    # Meanwhile the services refuse what needs the database with 503 and Retry-After.
    wait_for(lambda: any(a.status == 503 and a.retry_after for a in drill.load.answers(fault_at)
                         if a.service == "registration"), "a 503 with Retry-After while the database is away", 120, 0.5)
    podman("start", container("postgres"))
    stack.wait_healthy("postgres", timeout=600)
    back_at = time.monotonic()
    say(f"{step}: PostgreSQL back and healthy {back_at - fault_at:.1f} s after the stop")
    # Recovery without restarting the services: good answers again from the same containers.
    drill.traffic_flows(back_at, good=5, timeout=480)
    say(f"{step}: every service answering again {time.monotonic() - back_at:.1f} s after PostgreSQL was back")
    figures = drill.settle(step, fault_at, started)
    assert {name: podman("inspect", "--format", "{{.State.StartedAt}}", name).stdout for name in running} == started_at
    for service, f in figures.items():
        wrong = {kind: n for kind, n in f.refusals.items() if kind != "503+Retry-After"}
        assert not wrong, f"{step}: {service} refused otherwise than 503 with Retry-After: {wrong}"


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
