"""Run a real single-node Apache Kafka broker (KRaft, no Docker) from Maven Central jars."""
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
                 version: str = KAFKA_VERSION, heap: str = "512m"):
        self.data_dir = Path(data_dir).absolute()
        self.port, self.controller_port = port, controller_port or port + 1
        self._pick_controller_port = controller_port is None
        self.version, self.heap = version, heap
        self.log_file = self.data_dir / "kafka.log"
        self.log_dir = self.data_dir / "kraft-data"
        self._proc: subprocess.Popen | None = None
        self._jsa = self._jsa_tmp = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _write_config(self) -> Path:
        # Rewritten on every start so port changes apply; a single-voter dynamic quorum tolerates a
        # changed controller port because the node is always its own leader.
        props = {
            "node.id": "1",
            "process.roles": "broker,controller",
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "controller.listener.names": "CONTROLLER",
            "controller.quorum.bootstrap.servers": f"127.0.0.1:{self.controller_port}",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": str(self.log_dir),
            "offsets.topic.replication.factor": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
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
        path = self.data_dir / "server.properties"
        path.write_text("".join(f"{k}={v}\n" for k, v in props.items()))
        (self.data_dir / "log4j2.properties").write_text(_LOG4J2)
        return path

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
        proc = subprocess.run(self._java_cmd(libs, "kafka.tools.StorageTool", "format", "-t", cluster_id,
                                             "-c", str(config), "--standalone"), capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"Kafka storage format failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")

    def _log_tail(self, chars: int = 4000) -> str:
        text = self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
        return f"--- tail of {self.log_file} ---\n{text[-chars:]}"

    def start(self, timeout: float = 90.0) -> None:
        if self.is_running():
            return
        self.kill()  # reap a broker that died on its own and drop its unfinished CDS dump
        # The controller port is internal (only this JVM dials it), so a defaulted one that is taken,
        # e.g. because `port` came from the OS's ephemeral range, is swapped for a free one.
        if self._pick_controller_port and not _port_bindable(self.controller_port):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                self.controller_port = s.getsockname()[1]
        # A broker already on the port would pass the TCP readiness check while ours fails to bind.
        for p in (self.port, self.controller_port):
            if not _port_bindable(p):
                raise RuntimeError(f"port {p} is in use (ports in 32768-60999 may be taken by outgoing "
                                   f"connections); cannot start Kafka for {self.data_dir}")
        libs = ensure_kafka_jars(version=self.version)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self._write_config()
        if not (self.log_dir / "meta.properties").exists():
            self._format(libs, config)
        offset = self.log_file.stat().st_size if self.log_file.exists() else 0
        cmd = self._java_cmd(libs, self._cds_flag(libs), "kafka.Kafka", str(config))
        with open(self.log_file, "ab") as log:
            self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                          start_new_session=True)
        _live.add(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                self._forget(keep_archive=False)
                raise RuntimeError(f"Kafka exited during startup:\n{self._log_tail()}")
            with open(self.log_file, "rb") as f:
                f.seek(offset)
                started = _READY_LINE.encode() in f.read()
            if started and _port_open(self.port):
                return
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"Kafka not ready on {self.bootstrap} after {timeout:.0f}s:\n{self._log_tail()}")

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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m shared.infra.kafka_local", description=__doc__)
    ap.add_argument("--data-dir", type=Path, help="kept across runs; default: a temp dir removed on exit")
    ap.add_argument("--port", type=int, default=9092)
    args = ap.parse_args(argv)
    tmp = None if args.data_dir else tempfile.mkdtemp(prefix="sipelkop-kafka-")
    kafka = LocalKafka(args.data_dir or Path(tmp), port=args.port)
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
