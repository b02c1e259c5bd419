"""Service processes for the HTTP pairs (`sipelkop serve NAME`), each with its own database and the run's prefix."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.infra import free_port, sa_url

ROOT = Path(__file__).resolve().parents[1]
# The bench signs its own tokens as identity would (EdDSA); the services trust this ring's published keys only.
_KEYS = Path(tempfile.mkdtemp(prefix="sipelkop-bench-keys-"))
ISSUER = "http://identity.bench"
PROFILE_ENV = "SIPELKOP_BENCH_PROFILE"


def _ring():
    import json

    from shared.tokens import KeyRing

    ring = KeyRing.load_or_create(_KEYS / "signing-keys.json")
    (_KEYS / "jwks.json").write_text(json.dumps(ring.jwks()))
    return ring


RING = _ring()


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    port: int
    log: Path
    # Under cProfile: stopped with SIGINT. uvicorn re-raises the signal it stopped on; SIGTERM's default action
    # would end the process before cProfile writes its file, SIGINT's KeyboardInterrupt lets it write.
    profiled: bool = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} not ready after {timeout}s:\n{self.log.read_text()[-3000:]}")

    def cpu_seconds(self) -> float:
        import psutil

        try:
            t = psutil.Process(self.process.pid).cpu_times()
            return t.user + t.system
        except psutil.Error:
            return 0.0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT if self.profiled else signal.SIGTERM)
            try:
                self.process.wait(120 if self.profiled else 30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def token(role: str = "admin", subject: str = "bench-admin") -> str:
    from datetime import timedelta

    from shared.tokens import MAX_ACCESS_MINUTES, access_claims

    return RING.sign(access_claims(issuer=ISSUER, subject=subject, name="Bench", role=role, district=None,
                                   ttl=timedelta(minutes=MAX_ACCESS_MINUTES)))


def service_env(name: str, *, bootstrap: str, db: str, prefix: str, log_dir: Path,
                kafka_env: dict | None = None) -> dict:
    """kafka_env: the service's SIPELKOP_KAFKA_* on a broker with SASL (LocalKafka.client_env(name))."""
    return {**os.environ, "SIPELKOP_JWKS_URL": f"file://{_KEYS / 'jwks.json'}",
            "SIPELKOP_IDENTITY_URL": ISSUER, "SIPELKOP_ENV": "test", "SIPELKOP_KAFKA_BOOTSTRAP": bootstrap,
            "SIPELKOP_TOPIC_PREFIX": prefix, "SIPELKOP_DATA_DIR": str(log_dir), "SIPELKOP_LOG_LEVEL": "WARNING",
            f"{name.upper()}_DATABASE_URL": sa_url(db), "PYTHONPATH": str(ROOT), **(kafka_env or {})}


def start(name: str, *, bootstrap: str, db: str, prefix: str, log_dir: Path, kafka_env: dict | None = None) -> Service:
    port = free_port()
    log = log_dir / f"{name}.log"
    env = service_env(name, bootstrap=bootstrap, db=db, prefix=prefix, log_dir=log_dir, kafka_env=kafka_env)
    # `bench --profile`: the service runs under cProfile, its profile written when it stops (bench/profile.py).
    profiled = ["-m", "cProfile", "-o", str(log_dir / f"{name}-{port}.prof")] if os.environ.get(PROFILE_ENV) else []
    with open(log, "ab") as out:
        process = subprocess.Popen([sys.executable, *profiled, "-m", "shared.cli", "serve", name, "--port", str(port)],
                                   env=env, cwd=ROOT, stdout=out, stderr=out)
    service = Service(name, process, port, log, profiled=bool(profiled))
    service.wait_ready(timeout=300 if profiled else 90)  # cProfile slows the start (imports) several times over
    return service


def start_fair(kind: str, *, db: str, prefix: str, log_dir: Path) -> Service:
    """The fair baseline's minimal ASGI app (bench/fair_http.py) on the same server, beside the service it mirrors."""
    port = free_port()
    log = log_dir / f"fair-{kind}.log"
    env = {**os.environ, "SIPELKOP_JWKS_URL": f"file://{_KEYS / 'jwks.json'}", "SIPELKOP_IDENTITY_URL": ISSUER,
           "SIPELKOP_TOPIC_PREFIX": prefix, "PYTHONPATH": str(ROOT)}
    with open(log, "ab") as out:
        process = subprocess.Popen([sys.executable, "-m", "bench.fair_http", kind, db, str(port)],
                                   env=env, cwd=ROOT, stdout=out, stderr=out)
    service = Service(f"fair-{kind}", process, port, log)
    service.wait_ready()
    return service
