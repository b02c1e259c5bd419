"""Service processes for the HTTP pairs (`sipelkop serve NAME`), each with its own database and the run's prefix."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from bench.infra import free_port, sa_url
from shared.infra.service_process import ServiceProcess

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


def start(name: str, *, bootstrap: str, db: str, prefix: str, log_dir: Path,
          kafka_env: dict | None = None) -> ServiceProcess:
    port = free_port()
    env = service_env(name, bootstrap=bootstrap, db=db, prefix=prefix, log_dir=log_dir, kafka_env=kafka_env)
    # `bench --profile`: the service runs under cProfile, its profile written when it stops (bench/profile.py).
    profile = log_dir / f"{name}-{port}.prof" if os.environ.get(PROFILE_ENV) else None
    service = ServiceProcess(name, port, log_dir / f"{name}.log", env=env, profile_to=profile)
    # cProfile slows the start (imports) several times over.
    return service.start("/readyz", timeout=300 if profile else 90)


def start_fair(kind: str, *, db: str, prefix: str, log_dir: Path) -> ServiceProcess:
    """The fair baseline's minimal ASGI app (bench/fair_http.py) on the same server, beside the service it mirrors."""
    port = free_port()
    env = {**os.environ, "SIPELKOP_JWKS_URL": f"file://{_KEYS / 'jwks.json'}", "SIPELKOP_IDENTITY_URL": ISSUER,
           "SIPELKOP_TOPIC_PREFIX": prefix, "PYTHONPATH": str(ROOT)}
    service = ServiceProcess(f"fair-{kind}", port, log_dir / f"fair-{kind}.log", env=env,
                             argv=[sys.executable, "-m", "bench.fair_http", kind, db, str(port)])
    return service.start("/readyz", timeout=90)
