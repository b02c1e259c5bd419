"""The `sipelkop` command: run the broker, the services, all of them together, and print tokens."""
from __future__ import annotations

import argparse
import importlib
import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

SERVICES = {
    "identity": "services.identity.bootstrap:create_identity_app",
    "registration": "services.registration.bootstrap:create_registration_app",
    "training": "services.training.bootstrap:create_training_app",
    "reporting": "services.reporting.bootstrap:create_reporting_app",
}
PORTS = {"identity": 8004, "registration": 8001, "training": 8002, "reporting": 8003}
PAGES = {"identity": "/masuk", "registration": "/koperasi", "training": "/pelatih", "reporting": "/dasbor"}


def _settings_for(service: str):
    module = __import__(f"services.{service}.config", fromlist=["x"])
    cls = next(v for k, v in vars(module).items() if k.endswith("Settings") and k != "ServiceSettings")
    return cls()


def cmd_serve(args) -> int:
    import uvicorn

    from shared.observability import setup_logging

    settings = _settings_for(args.service)
    setup_logging(args.service, settings.log_level)
    uvicorn.run(SERVICES[args.service], factory=True, host=args.host or settings.host,
                port=args.port or settings.port, log_config=None, timeout_graceful_shutdown=10,
                proxy_headers=True, forwarded_allow_ips=settings.trusted_proxies)
    return 0


def cmd_kafka(args) -> int:
    from shared.infra.kafka_local import main as kafka_main

    return kafka_main(["--data-dir", str(args.data_dir), "--port", str(args.port)])


def cmd_token(args) -> int:
    """Development and tests only: a token signed with identity's key ring on this machine."""
    import uuid

    from shared.dev_tokens import DevTokensRefused, dev_token

    subject = args.subject or str(uuid.uuid5(uuid.NAMESPACE_URL, f"sipelkop-dev:{args.role}:{args.district or ''}"))
    try:
        print(dev_token(role=args.role, subject=subject, name=args.name or f"Pengembang ({args.role})",
                        district=args.district, ttl=timedelta(minutes=args.minutes)))
    except DevTokensRefused as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def cmd_up(args) -> int:
    """Broker and the three services in one process tree; Ctrl-C stops them all."""
    from shared.infra.kafka_local import LocalKafka

    data_dir = Path(os.environ.get("SIPELKOP_DATA_DIR", ".data")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    kafka = LocalKafka(data_dir / "kafka", port=args.kafka_port)
    started = time.monotonic()
    kafka.start()
    print(f"Kafka siap di {kafka.bootstrap} ({time.monotonic() - started:.1f} s)", flush=True)
    env = {**os.environ, "SIPELKOP_KAFKA_BOOTSTRAP": kafka.bootstrap, "SIPELKOP_DATA_DIR": str(data_dir)}
    children = [subprocess.Popen([sys.executable, "-m", "shared.cli", "serve", name], env=env)
                for name in SERVICES]
    for name in SERVICES:
        print(f"  {name:<13} http://127.0.0.1:{PORTS[name]}{PAGES[name]}  (API: /docs)", flush=True)
    if args.demo:
        subprocess.run([sys.executable, "-m", "shared.demo", "--wait"], env=env, check=False)
    stop = {"now": False}

    def _stop(*_):
        stop["now"] = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        while not stop["now"] and all(c.poll() is None for c in children):
            time.sleep(0.5)
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(20)
            except subprocess.TimeoutExpired:
                child.kill()
        kafka.stop()
    return 0


def cmd_dlq(args) -> int:
    from shared.dlq_cli import run

    return asyncio.run(run(args))


def build_parser() -> argparse.ArgumentParser:
    from shared.auth import Role

    parser = argparse.ArgumentParser(prog="sipelkop", description="SIPELKOP: Sistem Informasi Pelatihan Koperasi")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="run one service")
    p.add_argument("service", choices=sorted(SERVICES))
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("kafka", help="run a local single-node Kafka (KRaft) from Maven jars")
    p.add_argument("--data-dir", type=Path, default=Path(os.environ.get("SIPELKOP_DATA_DIR", ".data")) / "kafka")
    p.add_argument("--port", type=int, default=9092)
    p.set_defaults(func=cmd_kafka)
    p = sub.add_parser("up", help="broker + all three services; Ctrl-C stops all")
    p.add_argument("--kafka-port", type=int, default=9092)
    p.add_argument("--demo", action="store_true", help="load the demo scenario once the services are up")
    p.set_defaults(func=cmd_up)
    p = sub.add_parser("token", help="development only: print an access token signed with identity's local key")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--district")
    p.add_argument("--subject")
    p.add_argument("--name")
    p.add_argument("--minutes", type=int, default=15, help="lifetime; capped at 15 outside development")
    p.set_defaults(func=cmd_token)
    p = sub.add_parser("dlq", help="dead letters: list | show ID | redrive ID | discard ID")
    p.add_argument("service", choices=sorted(SERVICES))
    p.add_argument("action", choices=["list", "show", "redrive", "discard"])
    p.add_argument("id", nargs="?", type=int)
    p.set_defaults(func=cmd_dlq)
    # Each service may add its own commands (e.g. `sipelkop reporting rebuild`) in entrypoints/cli.py.
    for name in SERVICES:
        try:
            module = importlib.import_module(f"services.{name}.entrypoints.cli")
        except ModuleNotFoundError as exc:
            if exc.name != f"services.{name}.entrypoints.cli":
                raise
            continue
        module.register(sub)
    for extra in ("bench.cli", "shared.demo"):
        try:
            module = importlib.import_module(extra)
        except ModuleNotFoundError as exc:
            if exc.name not in (extra, extra.split(".")[0]):
                raise
            continue
        if hasattr(module, "register"):
            module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
