"""`sipelkop kafka recover --from ARCHIVE`: a lost Kafka cluster brought back without losing what was published
after the last backup. The topics and the groups' offsets are refilled from the archive (as `sipelkop restore`
does), then each producing service's outbox rows published since the backup's time are marked unpublished, so
its relay publishes them again when the services start. The databases are not touched otherwise; consumers drop
the events they already applied by event id (their inboxes), reporting's rebuild too."""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from shared.backup import CLOCK_MARGIN_S, _kafka, _settings, say
from shared.backup_manifest import Manifest
from shared.backup_parts import Database

# The services whose relays publish (reporting publishes nothing).
PRODUCERS = ("identity", "registration", "training")

NOT_EMPTY = ("Kafka tidak kosong: {what}. Pemulihan topik ditolak agar event yang ada tidak tertimpa; tambahkan "
             "--force untuk menghapus topik itu dan mengisinya dari arsip.")
NO_OUTBOX = "Basis data {service} tidak ditemukan ({url}): outbox layanan ini tidak dapat diterbitkan ulang."
PRUNED = ("Peringatan: outbox {service} hanya menyimpan event yang terbit sejak {oldest}, sesudah waktu cadangan "
          "({backup}). Event {service} yang terbit di antaranya mungkin sudah dihapus oleh retensi outbox dan "
          "tidak dapat diterbitkan ulang; periksa angka dengan `sipelkop reporting reconcile`.")


def _wita(moment: datetime) -> str:
    from shared.web.format import tanggal_jam

    return tanggal_jam(moment)


async def republish_since(db: Database, since: datetime) -> tuple[int, datetime | None]:
    """Mark the rows published at or after `since` unpublished (the relay sends them again, in their order).
    Returns how many, and when the oldest row still kept was published."""
    from sqlalchemy import MetaData, func, select

    from shared.db import create_engine
    from shared.messaging.tables import messaging_tables

    outbox = messaging_tables(MetaData()).outbox
    engine = create_engine(db.url, pool_size=1)
    try:
        async with engine.begin() as conn:
            oldest = await conn.scalar(select(func.min(outbox.c.published_at)))
            marked = (await conn.execute(outbox.update().where(outbox.c.published_at >= since)
                                         .values(published_at=None))).rowcount
    finally:
        await engine.dispose()
    return marked, (oldest.replace(tzinfo=UTC) if oldest is not None and oldest.tzinfo is None else oldest)


def _published_in_archive(manifest: Manifest, service: str) -> bool:
    prefix = manifest.doc["topic_prefix"] + f"sipelkop.{service}."
    return any(p["topic"].startswith(prefix) and p["messages"] for p in manifest.parts("topic"))


async def recover(root: Path, *, force: bool) -> dict:
    from shared.backup_restore import BROKEN, refill_topics

    manifest = Manifest.read(root)
    say(f"Memeriksa arsip ({len(manifest.doc['parts'])} bagian, SHA-256) ...")
    if problems := manifest.problems():
        raise ValueError(BROKEN.format(archive=root, problems="; ".join(problems[:5])))
    databases = [Database(s, s, _settings(s).database_url) for s in PRODUCERS]
    for db in databases:
        if db.engine == "sqlite" and not db.sqlite_path.is_file():
            raise ValueError(NO_OUTBOX.format(service=db.service, url=db.sqlite_path))
    common = _settings("identity")
    kafka = _kafka(common)
    if existing := await kafka.holding_data():
        if not force:
            raise ValueError(NOT_EMPTY.format(what=", ".join(existing[:8]) + (" ..." if len(existing) > 8 else "")))
        await kafka.delete(sorted(set(existing) | set(await kafka.layout())))
    await refill_topics(kafka, root, manifest, new_prefix=common.topic_prefix, replication=common.topic_replication)

    backup_time = datetime.fromisoformat(manifest.doc["created_at"])
    # From a margin before the backup began: clocks a little apart, events exported while the copies ran. What
    # goes out twice (in the archive and republished) is dropped by every consumer's inbox.
    since = backup_time - timedelta(seconds=CLOCK_MARGIN_S)
    republished = {}
    for db in databases:
        marked, oldest = await republish_since(db, since)
        republished[db.service] = marked
        say(f"Outbox {db.service}: {marked} event sejak {_wita(since)} akan diterbitkan ulang oleh relay-nya.")
        if _published_in_archive(manifest, db.service) and (oldest is None or oldest > backup_time):
            say(PRUNED.format(service=db.service, oldest=_wita(oldest) if oldest else "(tidak ada)", backup=_wita(backup_time)))
    return {"created_at": manifest.doc["created_at"], "republished": republished}


def cmd_recover(args) -> int:
    from shared.backup_restore import on_archive

    started = time.monotonic()
    done = on_archive(args, lambda root: recover(root, force=args.force))
    if done is None:
        return 1
    say(f"Topik Kafka dipulihkan dalam {time.monotonic() - started:.1f} detik (cadangan {done['created_at']}); "
        f"{sum(done['republished'].values())} event menunggu diterbitkan ulang. Nyalakan layanan "
        "(`sipelkop up`): relay tiap layanan menerbitkannya, konsumen melewati yang sudah diterapkan.")
    return 0


def register(kafka_parser) -> None:
    """`recover` under `sipelkop kafka` (shared/cli.py's parser that runs the local broker when given nothing)."""
    actions = kafka_parser.add_subparsers(dest="kafka_action", metavar="TINDAKAN", title="tindakan (tanpa tindakan: jalankan broker lokal)",
                                          required=False)
    p = actions.add_parser("recover", help="pulihkan topik Kafka yang hilang dari arsip cadangan",
                           description="Setelah data Kafka hilang: isi ulang topik dan offset grup konsumen dari "
                                       "arsip `sipelkop backup`, lalu tandai baris outbox tiap layanan yang terbit "
                                       "sejak waktu cadangan agar relay-nya menerbitkannya lagi saat layanan "
                                       "dinyalakan. Dijalankan saat layanan berhenti; basis data tidak dipulihkan.")
    p.add_argument("--from", dest="archive", type=Path, required=True, metavar="ARSIP",
                   help="berkas .tar.gz atau folder cadangan")
    p.add_argument("--force", action="store_true", help="hapus topik yang sudah berisi lalu isi dari arsip")
    p.set_defaults(func=cmd_recover)
