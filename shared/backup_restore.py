"""`sipelkop restore ARCHIVE`: the manifest checked first, refusal of targets that are not empty (unless --force),
then the topics refilled in order with the groups' offsets, then each database, the signing keys and the evidence.
The archive is the one `sipelkop backup` writes (shared/backup.py; its format: docs/OPERATIONS.md)."""
from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from shared.backup import ORDER, NO_PASSPHRASE, _generation_db, _kafka, _quiet_kafka_client, _settings, say
from shared.backup_manifest import Manifest
from shared.backup_parts import PASSPHRASE_ENV, Database

NOT_STOPPED = ("Layanan {names} masih berjalan. Pemulihan dilakukan saat semua layanan berhenti (hentikan "
               "`sipelkop up` dengan Ctrl-C), Kafka tetap menyala.")
NOT_EMPTY = ("Tujuan pemulihan tidak kosong: {what}. Pemulihan ditolak agar data yang ada tidak tertimpa; "
             "tambahkan --force untuk menimpanya.")
BROKEN = "Arsip {archive} rusak atau tidak lengkap, tidak ada yang dipulihkan: {problems}"


def _running_services() -> list[str]:
    import httpx

    running = []
    for service in ORDER:
        try:
            if httpx.get(f"http://127.0.0.1:{_settings(service).port}/healthz", timeout=1).status_code == 200:
                running.append(service)
        except httpx.HTTPError:
            pass
    return running


def _open(archive: Path, scratch: Path) -> Path:
    if archive.is_dir():
        return archive
    with tarfile.open(archive, "r:*") as tar:
        tar.extractall(scratch, filter="data")
    (root,) = [p for p in scratch.iterdir() if p.is_dir()]
    return root


def _database_of(part: dict) -> Database:
    if part.get("generation"):
        return _generation_db(part["generation"])
    return Database(part["service"], part["name"], _settings(part["service"]).database_url)


async def refill_topics(kafka, root: Path, manifest: Manifest, *, new_prefix: str, replication: int) -> None:
    """Create the archive's topics (under this installation's prefix), refill them in order, and put the consumer
    groups' offsets back, translated to the refilled offsets (also `sipelkop kafka recover`'s first step)."""
    import json

    old_prefix = manifest.doc["topic_prefix"]
    rename = lambda name: new_prefix + name.removeprefix(old_prefix)  # noqa: E731
    originals = {}
    for part in manifest.parts("topic"):
        topic = rename(part["topic"])
        await kafka.create(topic, part["partitions"], replication)
        originals[topic] = await kafka.refill(topic, root / part["path"])
        say(f"Topik {topic}: {part['messages']} pesan dikembalikan.")
    groups = json.loads((root / manifest.parts("groups")[0]["path"]).read_text())
    groups = {rename(g): {rename(t): o for t, o in topics.items()} for g, topics in groups.items()}
    await kafka.commit(groups, originals)
    say(f"Offset {len(groups)} grup konsumen dikembalikan.")


async def restore(root: Path, *, force: bool, passphrase: str) -> dict:
    from shared.backup_parts import evidence_files, holds_data, restore_database, unseal, write_private

    manifest = Manifest.read(root)
    say(f"Memeriksa arsip ({len(manifest.doc['parts'])} bagian, SHA-256) ...")
    if problems := manifest.problems():
        raise ValueError(BROKEN.format(archive=root, problems="; ".join(problems[:5])))
    if manifest.parts("signing_keys") and not passphrase:
        raise ValueError(NO_PASSPHRASE)
    # Opened now: a wrong passphrase is found before anything is written.
    keys = [unseal((root / part["path"]).read_bytes(), passphrase) for part in manifest.parts("signing_keys")]
    common = _settings("identity")
    kafka = _kafka(common)
    new_prefix = common.topic_prefix
    databases = [(_database_of(p), root / p["path"]) for p in manifest.parts("database")]
    training = _settings("training")
    keys_file = common.signing_keys_file
    evidence = None if training.evidence_bucket is not None else training.evidence_dir  # a bucket: its own tools
    occupied = [f"basis data {db.name}" for db, _ in databases if await holds_data(db)]
    existing = await kafka.holding_data()
    occupied += [f"topik {t}" for t in existing]
    occupied += [f"kunci {keys_file}"] if keys_file.exists() and keys else []
    occupied += [f"berkas bukti di {evidence}"] if evidence is not None and evidence_files(evidence) else []
    if occupied and not force:
        raise ValueError(NOT_EMPTY.format(what=", ".join(occupied[:8]) + (" ..." if len(occupied) > 8 else "")))

    if force:
        await kafka.delete(sorted(set(existing) | set(await kafka.layout())))
    await refill_topics(kafka, root, manifest, new_prefix=new_prefix, replication=common.topic_replication)
    for db, source in databases:
        say(f"Memulihkan basis data {db.name} ({'PostgreSQL, pg_restore' if db.engine == 'postgresql' else 'SQLite'}) ...")
        await restore_database(db, source)
    for key_ring in keys:
        write_private(keys_file, key_ring)
        say(f"Kunci penanda tangan dikembalikan ke {keys_file} (mode 0600).")
    files = manifest.parts("evidence")
    if evidence is None:
        say(f"Berkas bukti kegiatan ada di bucket {training.evidence_bucket.described}: pulihkan dengan alat bucket "
            f"itu sendiri ({len(files)} berkas dari direktori di arsip ini tidak disalin ke bucket).")
        return manifest.doc
    if force and evidence.is_dir():
        shutil.rmtree(evidence)
    for part in files:
        target = evidence / part["path"].removeprefix("evidence/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / part["path"], target)
    say(f"Berkas bukti kegiatan: {len(files)} berkas dikembalikan ke {evidence}.")
    return manifest.doc


def _local_kafka_if_stopped(settings):
    """`sipelkop up` runs its own broker and stops it with the services: start that one for the restore when
    nothing answers at a local bootstrap address (a remote broker that does not answer fails further on)."""
    import socket

    host, _, port = settings.kafka_bootstrap.split(",")[0].rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
        return None
    except OSError:
        if host not in ("127.0.0.1", "localhost"):
            return None
    from shared.infra.kafka_local import LocalKafka

    kafka = LocalKafka(settings.data_dir.resolve() / "kafka", port=int(port), sasl=True,
                       topic_prefix=settings.topic_prefix)  # as `sipelkop up` starts it
    say(f"Menyalakan Kafka lokal untuk pemulihan (port {port}) ...")
    kafka.start()
    return kafka


def on_archive(args, work):
    """The frame of `restore` and `kafka recover`: every service stopped (a relay running now would publish into
    empty topics before they are refilled), the archive opened in a scratch folder beside it, the local broker
    started if it is not running; `work(root)` (a coroutine) gives the result. None after a refusal, said on
    stderr."""
    _quiet_kafka_client()
    if running := _running_services():
        print(NOT_STOPPED.format(names=", ".join(running)), file=sys.stderr)
        return None
    archive = args.archive.resolve()
    if not archive.exists():
        print(f"Gagal: arsip {archive} tidak ada.", file=sys.stderr)
        return None
    scratch = Path(tempfile.mkdtemp(prefix=".sipelkop-pulih-", dir=archive.parent))
    kafka = _local_kafka_if_stopped(_settings("identity"))
    try:
        return asyncio.run(work(_open(archive, scratch)))
    except (ValueError, tarfile.TarError) as exc:
        print(f"Gagal: {exc}", file=sys.stderr)
        return None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if kafka is not None:
            kafka.stop()


def cmd_restore(args) -> int:
    started = time.monotonic()
    doc = on_archive(args, lambda root: restore(root, force=args.force,
                                                passphrase=os.environ.get(PASSPHRASE_ENV, "")))
    if doc is None:
        return 1
    say(f"Pemulihan selesai dalam {time.monotonic() - started:.1f} detik (cadangan {doc['created_at']}). "
        "Nyalakan lagi dengan `sipelkop up`.")
    return 0
