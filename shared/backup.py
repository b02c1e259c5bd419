"""`sipelkop backup --to DIR` (and the registration of `sipelkop restore`, shared/backup_restore.py): the whole
installation in one archive.

The backup runs while the services serve: consumer groups' offsets are read first, then each database (consumers
before producers: reporting, training, registration, identity), then every topic up to its end at that moment,
leaving out the events of writes a database copy does not hold (their outbox rows are not in it). So a restore
never holds an event without its source row, and nothing a restored inbox applied is lost. Parts are written by
shared/backup_parts.py and shared/backup_topics.py; shared/backup_manifest.py checks them."""
from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tarfile
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from shared.backup_manifest import Manifest
from shared.backup_parts import PASSPHRASE_ENV, Database

# Consumers before producers: what a consumer's copy applied is always in the producers' copies and the topics.
ORDER = ("reporting", "training", "registration", "identity")
EVIDENCE_IN_BUCKET = "dicadangkan dengan alat bucket itu sendiri (mis. mc mirror / rclone), tidak masuk arsip ini"
NAME = "sipelkop-cadangan-"
# An event published within this long before a database copy began is kept only if that copy holds its outbox
# row; older ones are kept whatever (outbox rows are pruned after the relay's retention, 30 days by
# default). Covers clocks a little apart; `sipelkop kafka recover` republishes from this margin before a backup.
CLOCK_MARGIN_S = 3600

NO_PASSPHRASE = (f"{PASSPHRASE_ENV} belum diisi: kunci penanda tangan layanan identitas dienkripsi dengan frasa "
                 "sandi itu. Isi variabel lingkungan tersebut (simpan frasanya di luar server ini).")


def say(line: str) -> None:
    print(line, flush=True)


def _settings(service: str):
    from shared.cli import _settings_for

    return _settings_for(service)


def _kafka(settings):
    """The broker as its admin principal: the backup reads every topic and group, the restore creates topics and
    writes every service's. Credentials from SIPELKOP_KAFKA_SASL_* (the deployment's admin), else, next to
    `sipelkop up`'s broker, its generated admin password (<data dir>/kafka/credentials.json)."""
    from shared.backup_topics import Topics
    from shared.messaging.broker import kafka_options

    local = settings.data_dir.resolve() / "kafka" / "credentials.json"
    if settings.kafka_security_protocol == "PLAINTEXT" and local.is_file():
        import json

        from shared.infra.kafka_access import ADMIN, client_env
        from shared.settings import ServiceSettings

        env = client_env(ADMIN, json.loads(local.read_text())[ADMIN])
        settings = ServiceSettings(kafka_bootstrap=settings.kafka_bootstrap, topic_prefix=settings.topic_prefix,
                                   **{k.removeprefix("SIPELKOP_").lower(): v for k, v in env.items()})
    return Topics(settings.kafka_bootstrap, settings.topic_prefix, kafka_options(settings))


def _generation_db(generation: int) -> Database:
    from services.reporting.adapters.store import store_url

    s = _settings("reporting")
    return Database("reporting", f"reporting.g{generation}",
                    store_url(s.database_url, generation, s.store_url_template))


# --- backup ----------------------------------------------------------------------------------------------------

def held_by_copy(outbox_ids: set[str] | None, copy_started: float, value: bytes | None, timestamp_ms: int) -> bool:
    """Whether a message goes into the archive: always when its producer's database was not copied, when it is
    older than CLOCK_MARGIN_S before the copy began, or when it is not one of our envelopes; else only if the
    copy holds its outbox row (a write the copy does not hold must not reach the restored consumers)."""
    from shared.backup_topics import event_id

    if outbox_ids is None or timestamp_ms < (copy_started - CLOCK_MARGIN_S) * 1000:
        return True
    found = event_id(value)
    return found is None or found in outbox_ids


async def backup(target_dir: Path, *, as_directory: bool, passphrase: str) -> Path:
    from shared.backup_parts import copy_database, copy_evidence, seal

    started = time.monotonic()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    root = target_dir / f"{NAME}{stamp}"
    root.mkdir(parents=True)
    common = _settings("identity")
    kafka = _kafka(common)
    manifest = Manifest.new(root, topic_prefix=common.topic_prefix)
    (root / "topics").mkdir()

    say("Membaca offset grup konsumen di Kafka ...")
    import json

    groups = await kafka.group_offsets()
    (root / "topics" / "groups.json").write_text(json.dumps(groups, indent=1, sort_keys=True) + "\n")
    manifest.add("topics/groups.json", "groups", groups=len(groups))

    outbox_ids: dict[str, set[str]] = {}
    copy_started: dict[str, float] = {}
    for service in ORDER:
        db = Database(service, service, _settings(service).database_url)
        say(f"Mencadangkan basis data {service} ({'PostgreSQL, pg_dump' if db.engine == 'postgresql' else 'SQLite'}) ...")
        copy_started[service] = time.time()
        copied = await copy_database(db, root / db.part)
        outbox_ids[service] = copied.outbox_ids
        manifest.add(db.part, "database", service=service, name=db.name, engine=db.engine)
        if copied.live_generation:  # reporting's live projection store is a generation of its own
            live = _generation_db(copied.live_generation)
            say(f"Mencadangkan basis data {live.name} (generasi aktif pelaporan) ...")
            await copy_database(live, root / live.part)
            manifest.add(live.part, "database", service=service, name=live.name, engine=live.engine,
                         generation=copied.live_generation)

    layout = await kafka.layout()
    ends = await kafka.end_offsets(layout)
    for topic, partitions in layout.items():
        producer = topic.removeprefix(common.topic_prefix).split(".")[1]
        keep = partial(held_by_copy, outbox_ids.get(producer), copy_started.get(producer, 0))
        part = f"topics/{topic}.jsonl"
        counts = await kafka.export(topic, partitions, ends[topic], root / part, keep)
        manifest.add(part, "topic", topic=topic, partitions=partitions, **counts)
        say(f"Topik {topic}: {counts['messages']} pesan" + (
            f" ({counts['left_out']} dari tulisan sesudah salinan basis data, tidak disertakan)"
            if counts["left_out"] else ""))

    keys_file = _settings("identity").signing_keys_file
    if keys_file.is_file():
        say("Mengenkripsi kunci penanda tangan layanan identitas ...")
        (root / "keys").mkdir()
        (root / "keys" / "identity-signing-keys.json.enc").write_bytes(seal(keys_file.read_bytes(), passphrase))
        manifest.add("keys/identity-signing-keys.json.enc", "signing_keys", service="identity")

    training = _settings("training")
    if (bucket := training.evidence_bucket) is not None:  # a bucket is backed up by its own tools, not copied here
        manifest.doc["evidence"] = {"store": "s3", "bucket": bucket.described, "note": EVIDENCE_IN_BUCKET}
        say(f"Berkas bukti kegiatan pelatihan ada di bucket {bucket.described}: {EVIDENCE_IN_BUCKET}.")
    else:
        copied_files = copy_evidence(training.evidence_dir, root / "evidence")
        for relative in copied_files:
            manifest.add(f"evidence/{relative}", "evidence", service="training")
        say(f"Berkas bukti kegiatan pelatihan: {len(copied_files)} berkas.")
    manifest.doc["duration_s"] = round(time.monotonic() - started, 1)
    manifest.write()
    if as_directory:
        return root
    say("Mengemas arsip (.tar.gz) ...")
    archive = root.with_name(root.name + ".tar.gz")
    unfinished = archive.with_name(archive.name + ".sebagian")
    with tarfile.open(unfinished, "w:gz", compresslevel=6) as tar:
        tar.add(root, arcname=root.name)
    os.replace(unfinished, archive)  # an interrupted run never leaves something that looks like an archive
    shutil.rmtree(root)
    return archive


def write_metric(metrics_dir: Path, archive: Path, duration: float) -> None:
    """The node exporter's textfile collector reads this (deploy/prometheus/alerts.yml: SipelkopBackupTooOld)."""
    metrics_dir.mkdir(parents=True, exist_ok=True)
    size = archive.stat().st_size if archive.is_file() else sum(p.stat().st_size for p in archive.rglob("*")
                                                                  if p.is_file())
    text = ("# HELP sipelkop_backup_last_success_timestamp_seconds When the last complete backup finished.\n"
            "# TYPE sipelkop_backup_last_success_timestamp_seconds gauge\n"
            f"sipelkop_backup_last_success_timestamp_seconds {time.time():.0f}\n"
            "# HELP sipelkop_backup_last_size_bytes Size of the last backup archive.\n"
            "# TYPE sipelkop_backup_last_size_bytes gauge\n"
            f"sipelkop_backup_last_size_bytes {size}\n"
            "# HELP sipelkop_backup_last_duration_seconds How long the last backup took.\n"
            "# TYPE sipelkop_backup_last_duration_seconds gauge\n"
            f"sipelkop_backup_last_duration_seconds {duration:.1f}\n")
    unfinished = metrics_dir / "sipelkop_backup.prom.sebagian"
    unfinished.write_text(text)
    os.replace(unfinished, metrics_dir / "sipelkop_backup.prom")


def prune(target_dir: Path, keep: int) -> list[Path]:
    """Keep the newest `keep` archives in `target_dir` (their names sort by time); remove older ones."""
    archives = sorted(p for p in target_dir.iterdir() if p.name.startswith(NAME) and not p.name.endswith(".sebagian")
                      and (p.is_dir() or p.name.endswith(".tar.gz")))
    removed = archives[:-keep] if keep > 0 else []
    for old in removed:
        shutil.rmtree(old) if old.is_dir() else old.unlink()
    return removed


def _quiet_kafka_client() -> None:
    import logging

    # aiokafka logs each retry (a broker just started, a coordinator moving) as a warning: noise on a terminal.
    logging.getLogger("aiokafka").setLevel(logging.ERROR)


def cmd_backup(args) -> int:
    _quiet_kafka_client()
    passphrase = os.environ.get(PASSPHRASE_ENV, "")
    if not passphrase:
        print(NO_PASSPHRASE, file=sys.stderr)
        return 1
    started = time.monotonic()
    target = args.to.resolve()
    archive = asyncio.run(backup(target, as_directory=args.directory, passphrase=passphrase))
    duration = time.monotonic() - started
    metrics_dir = args.metrics_dir or (_settings("identity").data_dir / "metrics").resolve()
    write_metric(metrics_dir, archive, duration)
    for old in prune(target, args.keep) if args.keep else []:
        say(f"Arsip lama dihapus (--keep {args.keep}): {old.name}")
    say(f"Cadangan selesai dalam {duration:.1f} detik.")
    print(archive, flush=True)
    return 0


def register(sub) -> None:
    from shared.backup_restore import cmd_restore  # that module reuses this one's helpers
    from shared.cli_messages import whole_number

    p = sub.add_parser("backup", help="cadangkan semua basis data, topik Kafka, kunci dan berkas bukti ke satu arsip",
                       description="Cadangkan seluruh instalasi selagi layanan berjalan: basis data tiap layanan, "
                                   "semua topik Kafka (JSON lines), offset grup konsumen, kunci penanda tangan "
                                   f"identitas (dienkripsi dengan {PASSPHRASE_ENV}), berkas bukti pelatihan, dan "
                                   "manifes (versi, waktu, ukuran, SHA-256). Baris terakhir: lokasi arsip.")
    p.add_argument("--to", type=Path, required=True, metavar="FOLDER", help="folder tempat arsip dibuat")
    p.add_argument("--directory", action="store_true", help="arsip berupa folder, bukan berkas .tar.gz")
    p.add_argument("--keep", type=whole_number(1), default=0, metavar="N",
                   help="simpan hanya N arsip terbaru di FOLDER, hapus yang lebih lama (bawaan: tidak menghapus)")
    p.add_argument("--metrics-dir", type=Path, metavar="FOLDER",
                   help="folder textfile node exporter untuk metrik cadangan (bawaan: <SIPELKOP_DATA_DIR>/metrics)")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="pulihkan arsip cadangan (saat layanan berhenti)",
                       description="Pulihkan arsip dari `sipelkop backup` ke basis data, Kafka dan folder data "
                                   "yang sama dengan `sipelkop up`. Manifes diperiksa dulu; tujuan yang tidak "
                                   "kosong ditolak kecuali dengan --force. Kafka lokal `sipelkop up` dinyalakan "
                                   "sendiri bila sedang mati.")
    p.add_argument("archive", type=Path, metavar="ARSIP", help="berkas .tar.gz atau folder cadangan")
    p.add_argument("--force", action="store_true", help="timpa basis data, topik dan berkas yang sudah ada")
    p.set_defaults(func=cmd_restore)
    if "kafka" in sub.choices:  # `sipelkop kafka recover --from ARSIP` (shared/backup_recover.py)
        from shared.backup_recover import register as register_recover

        register_recover(sub.choices["kafka"])
