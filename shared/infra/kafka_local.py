"""Run a real Apache Kafka broker (KRaft, no Docker) from Maven Central jars: one node, or a cluster of three on
distinct ports and data dirs (LocalKafkaCluster: a controller quorum of the three, replication 3)."""
from __future__ import annotations

import argparse
import atexit
import base64
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from shared.infra.processes import die_with_parent, is_ours

KAFKA_VERSION = "4.1.1"
# Kafka 4.x still logs through slf4j 1.7, so the binding must be log4j-slf4j-impl, not -slf4j2-
# (with the slf4j2 binding, slf4j 1.7 falls back to a NOP logger and the broker logs nothing).
_LOG4J_VERSION = "2.24.3"
_MARKER = ".complete"
_READY_LINE = "Kafka Server started"
_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>sipelkop</groupId><artifactId>kafka-libs</artifactId><version>1</version><dependencies>
<dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>{kafka}</version></dependency>
<dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>{log4j}</version></dependency>
<dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>{log4j}</version></dependency>
</dependencies></project>
"""
# Root at WARN keeps the log readable (INFO is ~2000 lines per start); the raft server logger
# stays at INFO because its "Kafka Server started" line is our readiness signal.
_LOG4J2 = """status = warn
shutdownHook = disable
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.out.ref = OUT
logger.raft.name = kafka.server.KafkaRaftServer
logger.raft.level = INFO
"""


def ensure_kafka_jars(cache_dir: Path | None = None, version: str = KAFKA_VERSION) -> Path:
    """Dir with the broker jars and runtime deps; downloads them with mvn only on first use.

    cache_dir (else $SIPELKOP_KAFKA_CACHE, else ~/.cache/sipelkop) holds kafka-<version>/libs.
    """
    root = Path(cache_dir or os.environ.get("SIPELKOP_KAFKA_CACHE") or Path.home() / ".cache" / "sipelkop")
    libs = root / f"kafka-{version}" / "libs"
    if (libs / _MARKER).exists():
        return libs
    mvn = shutil.which("mvn")
    if not mvn:
        raise RuntimeError("Maven (mvn) not found on PATH; install it: apt-get install -y maven")
    libs.parent.mkdir(parents=True, exist_ok=True)
    # Download beside the final dir and rename it into place, so a parallel test worker or an
    # interrupted download never leaves a half-filled libs dir that looks complete.
    with tempfile.TemporaryDirectory(dir=libs.parent, prefix=".download-") as tmp:
        (Path(tmp) / "pom.xml").write_text(_POM.format(kafka=version, log4j=_LOG4J_VERSION))
        out = Path(tmp) / "libs"
        proc = subprocess.run([mvn, "-B", "-q", "-f", str(Path(tmp) / "pom.xml"), "dependency:copy-dependencies",
                               "-DincludeScope=runtime", f"-DoutputDirectory={out}"],
                              capture_output=True, text=True)
        if proc.returncode != 0 or not any(out.glob("kafka_2.13-*.jar")):
            raise RuntimeError(f"mvn could not fetch org.apache.kafka:kafka_2.13:{version} "
                               f"({proc.returncode}):\n{(proc.stdout + proc.stderr)[-4000:]}")
        (out / _MARKER).write_text(f"kafka_2.13 {version}\n")
        try:
            out.rename(libs)
        except OSError:
            if not (libs / _MARKER).exists():  # losing the race to another process is fine
                raise
    return libs


def _java() -> str:
    java = shutil.which("java") or (os.environ.get("JAVA_HOME", "") + "/bin/java")
    if not os.access(java, os.X_OK):
        raise RuntimeError("java not found on PATH or in $JAVA_HOME; Kafka 4.x needs Java 17+")
    return java


def _port_bindable(port: int) -> bool:
    # Bind exactly as the JVM will (SO_REUSEADDR on): this also catches a port that is still held
    # in TIME_WAIT by an outgoing connection, which happens to ports in the ephemeral range.
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


# The broker runs in its own process group (so a terminal Ctrl-C reaches us, not it, and we stop it
# cleanly); the price is that nothing else kills it when Python exits, hence this hook. Strong refs:
# a broker whose LocalKafka object was dropped is still running and must still be killed.
_live: set[LocalKafka] = set()
atexit.register(lambda: [k.kill() for k in list(_live)])


class LocalKafka:
    """One broker+controller node; data (topics, offsets, cluster id) persists in data_dir across restarts."""

    def __init__(self, data_dir: Path, port: int = 9092, controller_port: int | None = None,
                 version: str = KAFKA_VERSION, heap: str = "512m", sasl: bool = False, topic_prefix: str = "",
                 *, node_id: int = 1, voters: dict[int, int] | None = None, cluster_id: str | None = None,
                 credentials_file: Path | None = None):
        self.data_dir = Path(data_dir).absolute()
        # sasl: SCRAM-SHA-512 on the client listener (plain SASL: the broker listens on the loopback only),
        # StandardAuthorizer ACLs, one principal per service (shared/infra/kafka_access.py).
        self.sasl, self.topic_prefix = sasl, topic_prefix
        # A node of a cluster (LocalKafkaCluster): its id, the quorum's controller ports by node id (a static
        # quorum: every node knows every voter from its first start), the cluster's id and shared passwords.
        self.node_id, self.voters, self.cluster_id = node_id, voters, cluster_id
        self.credentials_file = Path(credentials_file) if credentials_file else self.data_dir / "credentials.json"
        self.pid_file = self.data_dir / "broker.pid"
        self.port, self.controller_port = port, controller_port or port + 1
        self._pick_controller_port = controller_port is None
        self.version, self.heap = version, heap
        self.log_file = self.data_dir / "kafka.log"
        self.log_dir = self.data_dir / "kraft-data"
        self._proc: subprocess.Popen | None = None
        self._jsa = self._jsa_tmp = None
        self._log_offset = 0

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def replication(self) -> int:
        """Copies of each topic: three in a cluster (of three or more), one on a single node."""
        return min(3, len(self.voters)) if self.voters else 1

    @property
    def passwords(self) -> dict[str, str]:
        """Admin's and each service's SCRAM password (generated into the data dir on the first SASL start)."""
        from shared.infra.kafka_access import load_or_create_passwords

        return load_or_create_passwords(self.credentials_file)

    def client_env(self, user: str) -> dict[str, str]:
        """The SIPELKOP_KAFKA_* settings for a process that talks to this broker as `user` (nothing without SASL)."""
        from shared.infra.kafka_access import client_env

        return {"SIPELKOP_KAFKA_BOOTSTRAP": self.bootstrap} | (
            client_env(user, self.passwords[user]) if self.sasl else {})

    def grant(self, prefix: str) -> None:
        """Each service's ACLs for the topics and groups under `prefix` (a test's own namespace, say)."""
        from shared.infra.kafka_access import all_grants, apply_grants

        if self.sasl:
            apply_grants(self.bootstrap, self.passwords["admin"], all_grants(prefix))

    def _write_config(self) -> Path:
        # Rewritten on every start so port changes apply; a single-voter dynamic quorum tolerates a
        # changed controller port because the node is always its own leader.
        client = "SASL_PLAINTEXT" if self.sasl else "PLAINTEXT"
        replicas, in_sync = str(self.replication), str(min(2, self.replication))
        quorum = ({"controller.quorum.voters": ",".join(f"{n}@127.0.0.1:{p}" for n, p in sorted(self.voters.items()))}
                  if self.voters else {"controller.quorum.bootstrap.servers": f"127.0.0.1:{self.controller_port}"})
        props = {
            "node.id": str(self.node_id),
            "process.roles": "broker,controller",
            "listeners": f"{client}://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
            "advertised.listeners": f"{client}://127.0.0.1:{self.port}",
            "listener.security.protocol.map": f"{client}:{client},CONTROLLER:PLAINTEXT",
            "controller.listener.names": "CONTROLLER",
            **quorum,
            "inter.broker.listener.name": client,
            "log.dirs": str(self.log_dir),
            # A cluster keeps every internal topic on three nodes and takes a write once two have it, as the
            # compose and Kubernetes clusters do; one node has nowhere else to put a copy.
            "offsets.topic.replication.factor": replicas,
            "transaction.state.log.replication.factor": replicas,
            "transaction.state.log.min.isr": in_sync,
            "default.replication.factor": replicas,
            "min.insync.replicas": in_sync,
            "group.initial.rebalance.delay.ms": "0",
            "num.partitions": "3",
            "auto.create.topics.enable": "true",
            # Keep events forever: the reporting service rebuilds its read models by replaying
            # topics from the beginning, so time-based deletion would silently lose history.
            "log.retention.ms": "-1",
            # After a SIGKILL the restarted controller still holds the dead broker's registration and
            # rejects the new one until that session times out (default 9s, the bulk of a restart).
            "broker.session.timeout.ms": "3000",
            "broker.heartbeat.interval.ms": "500",
        }
        if self.sasl:
            props |= self._sasl_props()
        path = self.data_dir / "server.properties"
        # 0600: with SASL it holds the admin's password (the broker's own inter-broker login).
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("".join(f"{k}={v}\n" for k, v in props.items()))
        (self.data_dir / "log4j2.properties").write_text(_LOG4J2)
        return path

    def _sasl_props(self) -> dict[str, str]:
        admin = self.passwords["admin"]
        return {
            "sasl.enabled.mechanisms": "SCRAM-SHA-512",
            "sasl.mechanism.inter.broker.protocol": "SCRAM-SHA-512",
            "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config":
                f'org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="{admin}";',
            "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            # ANONYMOUS is the principal of the PLAINTEXT controller listener (loopback only), which this node's
            # own broker uses to register with its controller; every client listener authenticates with SCRAM.
            "super.users": "User:admin;User:ANONYMOUS",
            "allow.everyone.if.no.acl.found": "false",
        }

    def _java_cmd(self, libs: Path, *args: str) -> list[str]:
        # Serial GC and C1-only JIT: a test broker on a 2-core box gains more from fast startup
        # and low overhead than from peak throughput.
        return [_java(), f"-Xms{self.heap}", f"-Xmx{self.heap}", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xshare:auto", "-Xlog:cds*=off", f"-Dlog4j2.configurationFile={self.data_dir / 'log4j2.properties'}",
                "-cp", f"{libs}/*", *args]

    def _cds_flag(self, libs: Path) -> str:
        # An AppCDS archive of the broker's classes cuts ~0.8s (about a third) off every start. The first
        # clean stop dumps it to a private temp file that stop() renames into place, so parallel brokers
        # never read a half-written one; a stale archive (other JDK or classpath) is ignored by the JVM.
        # (The dump logs hundreds of harmless "Skipping class" warnings, so cds logging is off.)
        java = Path(_java()).resolve()
        key = hashlib.sha1(f"{java}:{java.stat().st_mtime}:{libs}".encode()).hexdigest()[:12]
        self._jsa = libs.parent / f"broker-{key}.jsa"
        if self._jsa.exists():
            return f"-XX:SharedArchiveFile={self._jsa}"
        self._jsa_tmp = self._jsa.with_name(f".{self._jsa.name}.{os.getpid()}-{id(self)}")
        return f"-XX:ArchiveClassesAtExit={self._jsa_tmp}"

    def _format(self, libs: Path, config: Path) -> None:
        cluster_id = "-"
        while cluster_id.startswith("-"):  # as Kafka's Uuid.randomUuid does: '-...' would parse as a CLI flag
            cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        # The SCRAM credentials go into the first metadata records (no broker needs to be up to create them).
        scram = [arg for user, password in (self.passwords.items() if self.sasl else ())
                 for arg in ("--add-scram", f"SCRAM-SHA-512=[name={user},password={password}]")]
        # A cluster's nodes share one id and know their voters from the config; a single node is its own quorum.
        cluster_id, quorum = (self.cluster_id, []) if self.voters else (cluster_id, ["--standalone"])
        proc = subprocess.run(self._java_cmd(libs, "kafka.tools.StorageTool", "format", "-t", cluster_id,
                                             "-c", str(config), *quorum, *scram), capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"Kafka storage format failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")

    def _log_tail(self, chars: int = 4000) -> str:
        text = self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
        return f"--- tail of {self.log_file} ---\n{text[-chars:]}"

    def start(self, timeout: float = 90.0) -> None:
        if self.is_running():
            return
        self.launch()
        self.wait_ready(timeout)
        if self.sasl and not self.voters:  # a cluster grants once all its nodes are up (LocalKafkaCluster.start)
            self.grant(self.topic_prefix)

    def launch(self) -> None:
        """Start the JVM and return at once (a node of a cluster cannot finish starting until a quorum of its
        voters runs: they are launched together, then waited for)."""
        if self.is_running():
            return
        self.kill()  # reap a broker that died on its own and drop its unfinished CDS dump
        # The controller port is internal (only this JVM dials it), so a defaulted one that is taken,
        # e.g. because `port` came from the OS's ephemeral range, is swapped for a free one.
        if self._pick_controller_port and not _port_bindable(self.controller_port):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                self.controller_port = s.getsockname()[1]
        self._stop_orphan()
        # A broker already on the port would pass the TCP readiness check while ours fails to bind.
        for p in (self.port, self.controller_port):
            if not _port_bindable(p):
                raise RuntimeError(f"port {p} dipakai program lain, bukan broker dari {self.data_dir} "
                                   f"(port 32768-60999 bisa terpakai koneksi keluar); hentikan program itu atau "
                                   f"pilih port lain")
        if self.sasl and (self.log_dir / "meta.properties").exists() and not self.credentials_file.exists():
            self._add_users_once_open()
        libs, config = self.format_storage()
        offset = self.log_file.stat().st_size if self.log_file.exists() else 0
        cmd = self._java_cmd(libs, self._cds_flag(libs), "kafka.Kafka", str(config))
        with open(self.log_file, "ab") as log:
            # SIGTERM when we die, even by SIGKILL: the JVM's shutdown hook then stops the broker cleanly.
            self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                          start_new_session=True, preexec_fn=die_with_parent(signal.SIGTERM))
        _live.add(self)
        self.pid_file.write_text(f"{self._proc.pid}\n")
        self._log_offset = offset

    def format_storage(self) -> tuple[Path, Path]:
        """The jars and this node's config; its storage formatted on the first start (a JVM run of its own)."""
        libs = ensure_kafka_jars(version=self.version)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self._write_config()
        if not (self.log_dir / "meta.properties").exists():
            self._format(libs, config)
        return libs, config

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Until the launched node logs that it started and its client port answers (else killed, and why)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                self._forget(keep_archive=False)
                raise RuntimeError(f"Kafka exited during startup:\n{self._log_tail()}")
            with open(self.log_file, "rb") as f:
                f.seek(self._log_offset)
                started = _READY_LINE.encode() in f.read()
            if started and _port_open(self.port):
                return
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"Kafka not ready on {self.bootstrap} after {timeout:.0f}s:\n{self._log_tail()}")

    def _add_users_once_open(self) -> None:
        """A data dir of a broker that ran without SASL has no SCRAM users: start it once as it was (loopback,
        no authorizer), add them, stop it; the start that follows requires SASL."""
        from shared.infra.kafka_access import add_users

        self.sasl = False
        try:
            self.start()
            add_users(self.bootstrap, self.passwords)
            self.stop()
        except BaseException:
            self.kill()
            self.credentials_file.unlink(missing_ok=True)  # the users were not all made: try again next start
            raise
        finally:
            self.sasl = True

    def _recorded_pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def _stop_orphan(self) -> None:
        """A broker of this data dir left running by a parent that was killed (its pid file says which): stop it."""
        if (pid := self._recorded_pid()) is None:
            return
        if is_ours(pid, "kafka.Kafka", str(self.data_dir / "server.properties")):
            try:
                os.kill(pid, signal.SIGTERM)
                deadline = time.monotonic() + 30
                while is_ours(pid, "kafka.Kafka") and time.monotonic() < deadline:
                    time.sleep(0.1)
                if is_ours(pid, "kafka.Kafka"):
                    os.kill(pid, signal.SIGKILL)
                    while is_ours(pid, "kafka.Kafka"):
                        time.sleep(0.1)
            except ProcessLookupError:
                pass
        self.pid_file.unlink(missing_ok=True)

    def _signal(self, sig: int, timeout: float) -> bool:
        if self._proc.poll() is None:  # once reaped, the pid (and group id) may belong to someone else
            os.killpg(self._proc.pid, sig)
        try:
            self._proc.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            return False

    def stop(self, timeout: float = 30.0) -> None:
        if self._proc is None:
            return
        # SIGTERM runs Kafka's shutdown hook, which flushes logs and checkpoints cleanly.
        clean = self._signal(signal.SIGTERM, timeout) and self._proc.returncode in (0, 143)
        if not clean:
            self._signal(signal.SIGKILL, 10)
        self._forget(keep_archive=clean)

    def kill(self) -> None:
        if self._proc is not None:
            self._signal(signal.SIGKILL, 10)
        self._forget(keep_archive=False)

    def _forget(self, keep_archive: bool) -> None:
        if self._proc is not None and self._recorded_pid() == self._proc.pid:  # not a later broker's record
            self.pid_file.unlink(missing_ok=True)
        self._proc = None
        _live.discard(self)
        if self._jsa_tmp and self._jsa_tmp.exists():
            if keep_archive:
                os.replace(self._jsa_tmp, self._jsa)
            else:
                self._jsa_tmp.unlink()
        self._jsa_tmp = None

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> LocalKafka:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class LocalKafkaCluster:
    """Nodes 1..n of one KRaft cluster (each broker and controller; the quorum is all of them) from the same jars:
    node i on client port `port + 2(i-1)` and controller port one above, data in `data_dir/broker-<i>`, one
    cluster id and one set of SCRAM passwords (`data_dir/../credentials.json`, as the single broker's). Clients
    get the comma list of the nodes' addresses; the project's topics get replication 3 and min.insync.replicas 2."""

    def __init__(self, data_dir: Path, port: int = 9092, brokers: int = 3, version: str = KAFKA_VERSION,
                 heap: str = "384m", sasl: bool = False, topic_prefix: str = ""):
        if brokers < 3:
            raise ValueError("a cluster needs three nodes at least (a quorum that outlives one of them)")
        self.data_dir = Path(data_dir).absolute()
        self.sasl, self.topic_prefix, self.version = sasl, topic_prefix, version
        self.credentials_file = self.data_dir.parent / "credentials.json"
        voters = {n: port + 2 * (n - 1) + 1 for n in range(1, brokers + 1)}
        self.nodes = [LocalKafka(self.data_dir / f"broker-{n}", port=port + 2 * (n - 1), controller_port=voters[n],
                                 version=version, heap=heap, sasl=sasl, topic_prefix=topic_prefix, node_id=n,
                                 voters=voters, cluster_id=self._cluster_id(), credentials_file=self.credentials_file)
                      for n in voters]

    def _cluster_id(self) -> str:
        """Made once and kept in the data dir: a node formatted again after losing its disk must rejoin the same
        cluster."""
        path = self.data_dir / "cluster.id"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            cluster_id = "-"
            while cluster_id.startswith("-"):
                cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
            path.write_text(cluster_id + "\n")
        return path.read_text().strip()

    @property
    def bootstrap(self) -> str:
        return ",".join(node.bootstrap for node in self.nodes)

    @property
    def replication(self) -> int:
        return self.nodes[0].replication

    @property
    def log_file(self) -> Path:
        return self.data_dir / "broker-*" / "kafka.log"

    @property
    def passwords(self) -> dict[str, str]:
        return self.nodes[0].passwords

    def client_env(self, user: str) -> dict[str, str]:
        # A service that must create a missing topic itself creates it as the cluster's others are.
        return self.nodes[0].client_env(user) | {"SIPELKOP_KAFKA_BOOTSTRAP": self.bootstrap,
                                                 "SIPELKOP_TOPIC_REPLICATION": str(self.replication)}

    def grant(self, prefix: str) -> None:
        from shared.infra.kafka_access import all_grants, apply_grants

        if self.sasl:
            apply_grants(self.bootstrap, self.passwords["admin"], all_grants(prefix))

    def start(self, timeout: float = 120.0) -> None:
        """Every node that is not running, launched together (a node waits for a quorum of its voters)."""
        from concurrent.futures import ThreadPoolExecutor

        if self.sasl:
            self.passwords  # made before any node formats its storage with them
        try:
            # Formatting is a JVM start per node: the first start formats the three side by side.
            with ThreadPoolExecutor(len(self.nodes)) as pool:
                list(pool.map(lambda node: node.format_storage(), self.stopped_nodes()))
            for node in self.nodes:
                node.launch()
            for node in self.nodes:
                node.wait_ready(timeout)
            self.grant(self.topic_prefix)
        except BaseException:
            self.kill()
            raise

    def stopped_nodes(self) -> list[LocalKafka]:
        return [node for node in self.nodes if not node.is_running()]

    def is_running(self) -> bool:
        """True while a quorum of the nodes runs (the cluster serves with one of three down)."""
        return len(self.nodes) - len(self.stopped_nodes()) > len(self.nodes) // 2

    def stop(self, timeout: float = 30.0) -> None:
        # SIGTERM to all at once: stopped one by one, the last nodes would wait for a quorum that has gone.
        running = [node for node in self.nodes if node.is_running()]
        for node in running:
            os.killpg(node._proc.pid, signal.SIGTERM)
        for node in running:
            node.stop(timeout)

    def kill(self) -> None:
        for node in self.nodes:
            node.kill()

    def __enter__(self) -> LocalKafkaCluster:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m shared.infra.kafka_local", description=__doc__)
    ap.add_argument("--data-dir", type=Path, help="kept across runs; default: a temp dir removed on exit")
    ap.add_argument("--port", type=int, default=9092)
    ap.add_argument("--sasl", action="store_true", help="SCRAM-SHA-512 and ACLs, one principal per service")
    args = ap.parse_args(argv)
    tmp = None if args.data_dir else tempfile.mkdtemp(prefix="sipelkop-kafka-")
    kafka = LocalKafka(args.data_dir or Path(tmp), port=args.port, sasl=args.sasl)
    # SIGTERM (e.g. from CI) must stop the broker as cleanly as Ctrl-C; SIGINT is set explicitly
    # because shells start background jobs with it ignored, which Python would inherit.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.default_int_handler)
    try:
        t0 = time.monotonic()
        kafka.start()
        print(f"Kafka {kafka.version} ready on {kafka.bootstrap} in {time.monotonic() - t0:.1f}s", flush=True)
        print(f"data: {kafka.data_dir}, log: {kafka.log_file}", flush=True)
        while kafka.is_running():
            time.sleep(0.5)
        print(f"Kafka exited unexpectedly\n{kafka._log_tail()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        kafka.stop()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
