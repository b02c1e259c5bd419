"""The `sipelkop` command: run the broker, the services, all of them together, and print tokens.

Everything it says is Bahasa Indonesia (shared/cli_messages.py); a mistake in what was typed ends with a sentence
and exit status 2, never a traceback."""
from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from shared import cli_messages as msg
from shared.cli_messages import fit, wrap
from shared.infra.processes import die_with_parent

SERVICES = {
    "identity": "services.identity.bootstrap:create_identity_app",
    "registration": "services.registration.bootstrap:create_registration_app",
    "training": "services.training.bootstrap:create_training_app",
    "reporting": "services.reporting.bootstrap:create_reporting_app",
}
DEVELOPMENT_MODE = ("Mode pengembangan: SIPELKOP_ENV=development (kunci contoh, Kafka lokal dan basis data tanpa "
                    "TLS diterima; jangan untuk data sungguhan).")
# What `sipelkop up` tells people to open, by who they are: (who, service, path, more). A path that the running
# service answers with 404 is left out, so the list never promises a page that does not exist yet.
GUIDE = [("Masuk (semua peran)", "identity", "/masuk", ""),
         ("Admin provinsi: akun", "identity", "/akun", ""),
         ("Petugas dinas kab/kota", "registration", "/koperasi", "juga /peserta /angkatan /impor"),
         ("Staf pelatihan UPTD", "training", "/konsol", ""),
         ("Staf pelatihan UPTD", "training", "/docs", "API; halaman staf menyusul"),
         ("Pelatih / narasumber", "training", "/pelatih", ""),
         ("Pimpinan / kementerian", "reporting", "/dasbor", ""),
         ("Cek sertifikat (publik)", "training", "/verifikasi", "")]


def _settings_for(service: str):
    module = importlib.import_module(f"services.{service}.config")
    cls = next(v for k, v in vars(module).items() if k.endswith("Settings") and k != "ServiceSettings")
    return cls()


def _data_dir() -> Path:
    return Path(os.environ.get("SIPELKOP_DATA_DIR", ".data")).resolve()


def cmd_serve(args) -> int:
    import uvicorn

    from shared.observability import setup_logging
    from shared.settings import production_problems

    settings = _settings_for(args.service)
    if settings.env == "production" and (problems := production_problems(settings)):
        print(f"Layanan {args.service} tidak dinyalakan (SIPELKOP_ENV=production): {'; '.join(problems)}.",
              file=sys.stderr)
        return 1
    setup_logging(args.service, settings.log_level)
    if settings.env == "development":
        logging.getLogger("sipelkop.cli").warning(DEVELOPMENT_MODE)
    uvicorn.run(SERVICES[args.service], factory=True, host=args.host or settings.host,
                port=args.port or settings.port, log_config=None, timeout_graceful_shutdown=10,
                proxy_headers=True, forwarded_allow_ips=settings.trusted_proxies,
                loop="uvloop", http="httptools")  # C loop and parser: less CPU per request (issue 19)
    return 0


def cmd_kafka(args) -> int:
    """The local broker alone, in the foreground (shared/infra/kafka_local.py's LocalKafka); Ctrl-C stops it."""
    kafka = _local_kafka(args.data_dir, args.port, args.brokers)
    for sig in (signal.SIGTERM, signal.SIGINT):  # a background job inherits SIGINT ignored: set it explicitly
        signal.signal(sig, signal.default_int_handler)
    try:
        started = time.monotonic()
        try:
            kafka.start()
        except (RuntimeError, OSError) as exc:
            print(f"Kafka tidak dapat dinyalakan: {str(exc).splitlines()[0]}", file=sys.stderr)
            print(f"Rinciannya di {kafka.log_file}. Perlu Java 17 dan Maven; port {args.port} harus bebas.",
                  file=sys.stderr)
            return 1
        print(f"Kafka {kafka.version} siap di {kafka.bootstrap} ({time.monotonic() - started:.1f} detik"
              f"{msg.KAFKA_REPLICATED.format(brokers=args.brokers) if args.brokers > 1 else ''}).", flush=True)
        try:
            _create_topics(kafka)
        except Exception as exc:
            print(f"Topik Kafka tidak dapat dibuat: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
                  file=sys.stderr)
            return 1
        print(f"Data: {kafka.data_dir}; log: {kafka.log_file}. Berhenti: Ctrl-C.", flush=True)
        print(f"SASL/SCRAM-SHA-512: satu akun per layanan, kata sandinya di {kafka.credentials_file}.", flush=True)
        while kafka.is_running():
            _restart_stopped_brokers(kafka, lambda line: print(line, flush=True))
            time.sleep(0.5)
        print(f"Kafka berhenti sendiri; lihat {kafka.log_file}.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        kafka.stop()


def _local_kafka(data_dir: Path, port: int, brokers: int):
    """`sipelkop up`'s and `sipelkop kafka`'s broker: one node in `data_dir`, or a cluster of `brokers` nodes in
    `data_dir/cluster/broker-<n>` (the same SCRAM passwords, `data_dir/credentials.json`)."""
    from shared.infra.kafka_local import LocalKafka, LocalKafkaCluster

    prefix = os.environ.get("SIPELKOP_TOPIC_PREFIX", "")
    if brokers == 1:
        return LocalKafka(data_dir, port=port, sasl=True, topic_prefix=prefix)
    return LocalKafkaCluster(Path(data_dir) / "cluster", port=port, brokers=brokers, sasl=True, topic_prefix=prefix)


def _broker_ports(kafka) -> str:
    return ", ".join(str(node.port) for node in getattr(kafka, "nodes", [kafka]))


def _restart_stopped_brokers(kafka, say) -> None:
    """A cluster's node that died is started again (its data dir kept), as a StatefulSet would; the others serve
    meanwhile. A single broker is not: its death stops `sipelkop up`."""
    for node in getattr(kafka, "stopped_nodes", lambda: [])():
        say(msg.BROKER_RESTARTING.format(node=node.node_id, port=node.port))
        try:
            node.start()
            say(msg.BROKER_RESTARTED.format(node=node.node_id))
        except (RuntimeError, OSError) as exc:
            say(msg.BROKER_NOT_RESTARTED.format(node=node.node_id, problem=str(exc).splitlines()[0],
                                                log=node.log_file))


def _create_topics(kafka) -> None:
    """Every topic, created by the admin principal (a service may create only its own)."""
    from shared.messaging.broker import ensure_topics, kafka_options
    from shared.settings import ServiceSettings

    admin = ServiceSettings(**{k.removeprefix("SIPELKOP_").lower(): v for k, v in kafka.client_env("admin").items()})
    # Replication 3 and min.insync.replicas 2 on a cluster (ensure_topics sets the second from the first).
    asyncio.run(ensure_topics(kafka.bootstrap, kafka.topic_prefix, replication=kafka.replication,
                              options=kafka_options(admin)))


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


def _check_token(parser: argparse.ArgumentParser, args) -> None:
    if args.role == "district_officer" and not args.district:
        parser.error(msg.OFFICER_NEEDS_DISTRICT)
    if args.district and args.role != "district_officer":
        parser.error(msg.DISTRICT_ONLY_FOR_OFFICER)


# --- sipelkop up -----------------------------------------------------------------------------------------------

def _start_service(label: str, name: str, env: dict, log_path: Path, verbose: bool, width: int) -> subprocess.Popen:
    """One service as a child process; its JSON log lines go to its file (and, with --verbose, to the terminal,
    each cut to the terminal's width; the file keeps them whole)."""
    log = open(log_path, "ab", buffering=0)
    # SIGTERM when `sipelkop up` dies, even by SIGKILL: no service outlives it (and holds its port).
    dies = die_with_parent(signal.SIGTERM)
    if not verbose:
        child = subprocess.Popen([sys.executable, "-m", "shared.cli", "serve", name], env=env,
                                 stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, preexec_fn=dies)
        log.close()  # the child holds its own descriptor
        return child
    child = subprocess.Popen([sys.executable, "-m", "shared.cli", "serve", name], env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, preexec_fn=dies)

    def copy() -> None:
        with log:
            for line in child.stdout:
                log.write(line)
                print(fit(f"{label} {_readable(line.decode('utf-8', 'replace').rstrip())}", width), flush=True)

    threading.Thread(target=copy, name=f"log-{label}", daemon=True).start()
    return child


def _readable(line: str) -> str:
    """A JSON log line as a person reads it on a terminal: WITA time, level, logger, message (the file keeps all)."""
    import json
    from datetime import datetime

    from shared.clock import PROVINCE_ZONE

    try:
        doc = json.loads(line)
        at = datetime.fromisoformat(doc["time"]).astimezone(PROVINCE_ZONE)
        return f"{at:%H:%M:%S} {doc.get('level', '')} {doc.get('logger', '')}: {doc.get('message', '')}"
    except (ValueError, KeyError, TypeError):
        return line


def _answers(url: str, path: str = "/healthz") -> int | None:
    import httpx

    try:
        return httpx.get(f"{url}{path}", timeout=2, follow_redirects=False).status_code
    except httpx.HTTPError:
        return None


def _wait_until_up(children: dict, urls: dict, timeout: float = 120, given_up=lambda: False) -> str | None:
    """None once every service answers /healthz (or the wait was given up); else the name of the one that stopped
    or never answered."""
    deadline = time.monotonic() + timeout
    waiting = dict(urls)
    while waiting and not given_up():
        for name in list(waiting):
            if children[name].poll() is not None:
                return name
            if _answers(waiting[name]) == 200:
                del waiting[name]
        if waiting:
            if time.monotonic() > deadline:
                return next(iter(waiting))
            time.sleep(0.3)
    return None


def _tail(path: Path, lines: int = 5) -> list[str]:
    try:
        return path.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return []


def guide_lines(urls: dict, data_dir: Path, log_dir: Path, present=lambda url, path: True,
                store: str = "SQLite") -> list[str]:
    """The summary printed when everything is up: which page for whom, where the data is, how to stop."""
    rows = []
    for who, service, path, more in GUIDE:
        if any(r[0] == who for r in rows) or not present(urls[service], path):
            continue  # a later line for the same people is the stand-in for a page that does not exist yet
        rows.append((who, f"{urls[service]}{path}", more))
    width = max(len(who) for who, _, _ in rows)
    lines = ["", "SIPELKOP siap. Buka di peramban (masuk dulu di /masuk; satu kali masuk untuk semua halaman):"]
    lines += [f"  {who:<{width}}  {url}" + (f"  ({more})" if more else "") for who, url, more in rows]
    lines += [f"Data tersimpan di {data_dir} (basis data {store} dan Kafka); tetap ada setelah berhenti.",
              f"Log layanan (JSON, satu berkas per layanan): {log_dir}/<layanan>.log",
              "Berhenti: tekan Ctrl-C (semua layanan dan Kafka dihentikan dengan rapi)."]
    return lines


def replica_ports(ports: dict[str, int], replicas: int) -> dict[str, tuple[str, int]]:
    """Each replica's label, service and port: replica 1 on the service's own port ("registration" :8001), replica n
    ten times n-1 above it ("registration-2" :8011)."""
    return {(name if n == 1 else f"{name}-{n}"): (name, port + 10 * (n - 1))
            for n in range(1, replicas + 1) for name, port in ports.items()}


def _replica_databases(data_dir: Path, port: int, say):
    """(the *_DATABASE_URL of each service, the LocalPostgres started here or None), or None when refused (said).
    Replicas share their service's database, which SQLite cannot serve to two processes: every URL given is
    PostgreSQL, or none is given and the local PostgreSQL of shared/infra/postgres_local.py is started."""
    from shared.infra.postgres_local import LocalPostgres

    given = {name: os.environ.get(f"{name.upper()}_DATABASE_URL", "") for name in SERVICES}
    if any(given.values()):
        others = [f"{name.upper()}_DATABASE_URL" for name, url in given.items() if not url.startswith("postgresql")]
        if others:
            say(msg.REPLICAS_NEED_POSTGRES.format(variables=", ".join(others)))
            return None
        say(msg.REPLICAS_ON_GIVEN_POSTGRES)
        return {}, None
    postgres = LocalPostgres(data_dir / "postgres", port=port)
    say(msg.POSTGRES_STARTING.format(port=port, log=postgres.log_file))
    try:
        postgres.start()
        for name in SERVICES:
            postgres.create_database(f"sipelkop_{name}")
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        say(msg.POSTGRES_NOT_STARTED.format(problem=str(exc).splitlines()[0], port=port))
        return None
    return {f"{name.upper()}_DATABASE_URL": postgres.url(f"sipelkop_{name}") for name in SERVICES}, postgres


def cmd_up(args) -> int:
    """Broker (or cluster) and the services (one or more replicas each) in one process tree; Ctrl-C stops them all."""
    width = _terminal_width()

    def say(line: str = "") -> None:
        print("\n".join(wrap(line, width)), flush=True)

    # One machine, SQLite, a loopback broker and the development keys: development, said explicitly (the default is
    # production), for this process and every service it starts. A test run that asked for test keeps it.
    os.environ["SIPELKOP_ENV"] = "test" if os.environ.get("SIPELKOP_ENV") == "test" else "development"
    if os.environ["SIPELKOP_ENV"] == "development":
        say(DEVELOPMENT_MODE)
    data_dir = _data_dir()
    log_dir = data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    postgres, databases = None, {}
    if args.replicas > 1:
        found = _replica_databases(data_dir, args.postgres_port, say)
        if found is None:
            return 1
        databases, postgres = found
    # SASL/SCRAM-SHA-512 and ACLs: each service signs in as its own principal (passwords in the data dir, 0600).
    kafka = _local_kafka(data_dir / "kafka", args.kafka_port, args.brokers)
    say(msg.KAFKA_STARTING.format(what="Kafka lokal" if args.brokers == 1 else f"klaster Kafka lokal "
                                  f"{args.brokers} broker", ports=_broker_ports(kafka), log=kafka.log_file))
    started = time.monotonic()
    try:
        try:
            kafka.start()
        except (RuntimeError, OSError) as exc:
            say(f"Kafka tidak dapat dinyalakan: {str(exc).splitlines()[0]}")
            say(f"Rinciannya di {kafka.log_file}. Perlu Java 17 dan Maven; port {_broker_ports(kafka)} harus bebas.")
            return 1
        try:
            _create_topics(kafka)
        except Exception as exc:
            say(f"Topik Kafka tidak dapat dibuat: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
            return 1
        say(f"Kafka siap di {kafka.bootstrap} ({time.monotonic() - started:.1f} detik; SASL/SCRAM-SHA-512, "
            f"satu akun per layanan{msg.KAFKA_REPLICATED.format(brokers=args.brokers) if args.brokers > 1 else ''}).")
        return _run_services(args, kafka, databases, data_dir, log_dir, say, width)
    finally:
        kafka.stop()
        if postgres is not None:
            try:
                postgres.stop()
            except RuntimeError as exc:
                say(msg.POSTGRES_NOT_STOPPED.format(problem=str(exc).splitlines()[0], log=postgres.log_file))
        say(f"Selesai. Data tetap di {data_dir}.")


def _run_services(args, kafka, databases: dict, data_dir: Path, log_dir: Path, say, width: int) -> int:
    env = {**os.environ, "SIPELKOP_DATA_DIR": str(data_dir), **databases}
    replicas = replica_ports({name: _settings_for(name).port for name in SERVICES}, args.replicas)
    urls = {label: f"http://127.0.0.1:{port}" for label, (_, port) in replicas.items()}

    def start(label: str) -> subprocess.Popen:
        name, port = replicas[label]
        return _start_service(label, name, env | kafka.client_env(name) | {f"{name.upper()}_PORT": str(port)},
                              log_dir / f"{label}.log", args.verbose, width)

    say(f"Menyalakan layanan {', '.join(SERVICES)}" + (f" ({args.replicas} replika tiap layanan)"
                                                       if args.replicas > 1 else "") + " ...")
    stop = {"now": False}

    def _stop(*_):
        stop["now"] = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    children: dict[str, subprocess.Popen] = {}
    restarts = dict.fromkeys(replicas, 0)
    try:
        # Replica by replica: the first of each migrates its database and makes identity's keys, the next finds them.
        for n in range(1, args.replicas + 1):
            wave = [label for label in replicas if label.endswith(f"-{n}") or (n == 1 and "-" not in label)]
            children |= {label: start(label) for label in wave}
            # Eight processes starting at once on a small machine take minutes: wait longer than for four.
            failed = _wait_until_up(children, {label: urls[label] for label in wave}, timeout=120 * args.replicas,
                                    given_up=lambda: stop["now"])
            if stop["now"]:
                return 0
            if failed:
                say(f"Layanan {failed} tidak menyala. Baris terakhir lognya ({log_dir / (failed + '.log')}):")
                for line in _tail(log_dir / f"{failed}.log"):
                    print(fit(f"  {_readable(line)}", width), flush=True)
                return 1
        if args.replicas > 1:
            served = {name: [port for service, port in replicas.values() if service == name] for name in SERVICES}
            say(msg.REPLICA_PORTS.format(ports="; ".join(
                f"{name} " + " dan ".join(f":{port} (replika {n})" for n, port in enumerate(ports, 1))
                for name, ports in served.items())))
        if args.demo and not stop["now"]:
            say("Memuat data demo lewat API layanan ...")
            subprocess.run([sys.executable, "-m", "shared.demo"], env=env, check=False,
                           preexec_fn=die_with_parent(signal.SIGTERM))
        for line in guide_lines(urls, data_dir, log_dir, present=lambda url, path: _answers(url, path) != 404,
                                store="PostgreSQL" if args.replicas > 1 else "SQLite"):
            say(line)
        while not stop["now"]:
            if args.brokers > 1:
                _restart_stopped_brokers(kafka, say)
                if not kafka.is_running():
                    say(f"Klaster Kafka kehilangan kuorumnya; lihat {kafka.log_file}. Semua dihentikan.")
                    return 1
            stopped = [label for label, child in children.items() if child.poll() is not None]
            if stopped and args.replicas == 1:
                say(f"Layanan {', '.join(stopped)} berhenti sendiri; lihat {log_dir}. Semua dihentikan.")
                return 1
            for label in stopped:  # the other replica serves meanwhile; a replica that keeps dying stops it all
                if restarts[label] >= MAX_RESTARTS:
                    say(msg.REPLICA_GAVE_UP.format(label=label, times=MAX_RESTARTS, log=log_dir / f"{label}.log"))
                    return 1
                restarts[label] += 1
                say(msg.REPLICA_RESTARTING.format(label=label, port=replicas[label][1],
                                                  code=children[label].returncode))
                children[label] = start(label)
            time.sleep(0.5)
    finally:
        say("Menghentikan layanan dan Kafka ...")
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children.values():
            try:
                child.wait(20)
            except subprocess.TimeoutExpired:
                child.kill()
    return 0


MAX_RESTARTS = 5


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((100, 24)).columns


# --- sipelkop dlq ----------------------------------------------------------------------------------------------

def cmd_dlq(args) -> int:
    from shared.dlq_cli import run

    return asyncio.run(run(args))


def _check_dlq(parser: argparse.ArgumentParser, args) -> None:
    if args.action != "list" and args.id is None:
        parser.error(msg.DLQ_NEEDS_ID.format(action=args.action, service=args.service))
    if args.action == "list" and args.id is not None:
        parser.error(msg.DLQ_LIST_TAKES_NO_ID)


def build_parser() -> argparse.ArgumentParser:
    from shared.auth import Role

    parser = msg.Parser(prog="sipelkop", description=msg.PROGRAM)
    sub = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH", title="perintah")
    services = ", ".join(sorted(SERVICES))
    p = sub.add_parser("serve", help="jalankan satu layanan", description="Jalankan satu layanan (uvicorn).")
    p.add_argument("service", choices=sorted(SERVICES), metavar="LAYANAN", help=f"layanan: {services}")
    p.add_argument("--host", metavar="ALAMAT", help="alamat yang didengarkan (bawaan: dari pengaturan layanan, 127.0.0.1)")
    p.add_argument("--port", type=msg.port, metavar="PORT", help="port (bawaan: dari pengaturan layanan, mis. 8001 untuk registration)")
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("kafka", help="jalankan Kafka lokal satu node (KRaft, dari jar Maven)",
                       description="Jalankan broker Kafka lokal satu node (KRaft) dari jar Maven.")
    p.add_argument("--data-dir", type=Path, metavar="FOLDER", default=Path(os.environ.get("SIPELKOP_DATA_DIR", ".data")) / "kafka",
                   help="folder data broker (bawaan: <SIPELKOP_DATA_DIR>/kafka)")
    p.add_argument("--port", type=msg.port, default=9092, metavar="PORT",
                   help="port broker (bawaan: 9092; dengan --brokers 3: 9092, 9094, 9096, kontrolernya satu di atasnya)")
    p.add_argument("--brokers", type=int, choices=(1, 3), default=1, metavar="JUMLAH", help=msg.BROKERS_HELP)
    p.set_defaults(func=cmd_kafka)
    p = sub.add_parser("up", help="Kafka + semua layanan sekaligus; Ctrl-C menghentikan semuanya",
                       description="Nyalakan Kafka lokal dan semua layanan (SQLite di folder data). Setelah siap, "
                                   "dicetak halaman yang dibuka tiap peran. Log layanan ditulis ke "
                                   "<folder data>/logs/<layanan>.log.")
    p.add_argument("--kafka-port", type=msg.port, default=9092, metavar="PORT", help="port Kafka lokal (bawaan: 9092)")
    p.add_argument("--demo", action="store_true",
                   help="muat data demo (satu tahun anggaran, angkatan, koperasi di 10 kabupaten/kota) dan "
                        "cetak akun demo sekali")
    p.add_argument("--verbose", action="store_true", help="tampilkan juga log layanan di terminal")
    p.add_argument("--brokers", type=int, choices=(1, 3), default=1, metavar="JUMLAH", help=msg.BROKERS_HELP)
    p.add_argument("--replicas", type=int, choices=(1, 2), default=1, metavar="JUMLAH", help=msg.REPLICAS_HELP)
    p.add_argument("--postgres-port", type=msg.port, default=55432, metavar="PORT",
                   help="port PostgreSQL lokal yang dinyalakan untuk --replicas 2 (bawaan: 55432)")
    p.set_defaults(func=cmd_up)
    p = sub.add_parser("token", help="hanya pengembangan: cetak token akses bertanda tangan kunci identitas lokal",
                       description="Hanya untuk pengembangan dan pengujian: token akses yang ditandatangani kunci "
                                   "layanan identitas di mesin ini. Ditolak bila SIPELKOP_ENV=production.")
    p.add_argument("--role", required=True, type=msg.role, metavar="PERAN",
                   help="peran: " + ", ".join(r.value for r in Role))
    p.add_argument("--district", type=msg.district_code, metavar="KODE",
                   help="kode Kemendagri kabupaten/kota, mis. 64.02 (wajib untuk district_officer)")
    p.add_argument("--subject", metavar="SUBJEK", help="subjek token (id akun); bawaan: id tetap menurut peran dan kabupaten/kota")
    p.add_argument("--name", metavar="NAMA", help="nama yang tampil di halaman (bawaan: 'Pengembang (<peran>)')")
    p.add_argument("--minutes", type=msg.whole_number(1, 24 * 60), default=15, metavar="MENIT",
                   help="masa berlaku dalam menit, 1-1440 (bawaan: 15; paling lama 15 di luar development)")
    p.set_defaults(func=cmd_token, check=lambda args, p=p: _check_token(p, args))
    p = sub.add_parser("dlq", help="surat mati (dead letter): list | show NOMOR | redrive NOMOR | discard NOMOR",
                       description="Event yang tidak dapat diterapkan dan diparkir oleh konsumen sebuah layanan.")
    p.add_argument("service", choices=sorted(SERVICES), metavar="LAYANAN", help=f"layanan: {services}")
    p.add_argument("action", choices=["list", "show", "redrive", "discard"], metavar="TINDAKAN",
                   help="list: daftar; show: isi satu; redrive: terapkan ulang; discard: buang")
    p.add_argument("id", nargs="?", type=msg.whole_number(1), metavar="NOMOR",
                   help="nomor surat mati (untuk show, redrive, discard)")
    p.set_defaults(func=cmd_dlq, check=lambda args, p=p: _check_dlq(p, args))
    # Each service may add its own commands (e.g. `sipelkop reporting rebuild`) in entrypoints/cli.py.
    for name in SERVICES:
        try:
            module = importlib.import_module(f"services.{name}.entrypoints.cli")
        except ModuleNotFoundError as exc:
            if exc.name != f"services.{name}.entrypoints.cli":
                raise
            continue
        module.register(sub)
    for extra in ("bench.cli", "shared.demo", "shared.backup"):
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
    if check := getattr(args, "check", None):
        check(args)  # usage errors found across arguments: parser.error, exit 2
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print(msg.INTERRUPTED, file=sys.stderr)
        return 130
    except Exception as exc:  # a refusal, a bad setting or an unreachable server is a sentence, not a traceback
        message = _explain(exc)
        if message is None:
            raise
        print(message, file=sys.stderr)
        return 1


def _explain(exc: Exception) -> str | None:
    """The Bahasa sentence for a failure a person can fix (None for a bug, which keeps its traceback)."""
    import pydantic

    from shared.errors import DomainError

    if isinstance(exc, DomainError):
        return msg.FAILED.format(message=exc.message)
    if isinstance(exc, pydantic.ValidationError) and exc.title.endswith("Settings"):
        # A rule across settings (a model validator: no one field) says its own sentence, naming the variable.
        problems = "; ".join(e["msg"].removeprefix("Value error, ") if e["type"] == "value_error" and not e["loc"]
                             else msg.setting_problem(e) for e in exc.errors())
        return msg.BAD_SETTING.format(problems=problems)
    try:
        import httpx
        from sqlalchemy.exc import ArgumentError, DBAPIError

        reachable = (httpx.HTTPError, DBAPIError, ConnectionError, TimeoutError)
        if isinstance(exc, ArgumentError):  # an unreadable *_DATABASE_URL
            return msg.BAD_SETTING.format(problems=msg.BAD_DATABASE_URL)
    except ImportError:  # pragma: no cover
        reachable = (ConnectionError, TimeoutError)
    if isinstance(exc, reachable) or isinstance(exc, OSError) and exc.errno is not None:
        return msg.UNREACHABLE.format(problem=f"{exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    return None


if __name__ == "__main__":
    sys.exit(main())
