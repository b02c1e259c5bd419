"""`sipelkop reporting rebuild|reconcile|store`: operate reporting's projections from the shell."""
from __future__ import annotations

import asyncio
import json
import sys


def register(subparsers) -> None:
    from shared import cli_messages as msg

    parser = subparsers.add_parser("reporting", help="layanan pelaporan: rebuild | reconcile | store",
                                   description="Pemeliharaan proyeksi layanan pelaporan.")
    commands = parser.add_subparsers(dest="reporting_command", required=True, metavar="TINDAKAN", title="tindakan")
    rebuild = commands.add_parser("rebuild", help="putar ulang semua topik ke penyimpanan proyeksi baru, lalu pindah",
                                  description="Bangun ulang proyeksi dari awal semua topik ke generasi baru; "
                                              "layanan yang berjalan pindah ke generasi itu tanpa jeda.")
    rebuild.add_argument("--grace", type=msg.decimal_number(0, 3600), default=None, metavar="DETIK",
                         help="berapa detik tetap menerapkan event setelah pindah (bawaan: 3 x REPORTING_STORE_POLL_S "
                              "+ 5)")
    rebuild.set_defaults(func=lambda args: asyncio.run(_rebuild(args)))
    reconcile = commands.add_parser("reconcile", help="bandingkan angka dengan layanan registrasi dan pelatihan (HTTP)",
                                    description="Bandingkan angka pelaporan dengan yang dikatakan layanan registrasi "
                                                "dan pelatihan; status keluar 1 bila ada yang berbeda.")
    reconcile.add_argument("--json", action="store_true", help="cetak hasilnya sebagai JSON")
    reconcile.set_defaults(func=lambda args: asyncio.run(_reconcile(args)))
    store = commands.add_parser("store", help="generasi penyimpanan proyeksi yang sedang aktif",
                                description="Tampilkan generasi penyimpanan proyeksi yang sedang dipakai.")
    store.add_argument("--json", action="store_true", help="cetak sebagai JSON")
    store.set_defaults(func=lambda args: asyncio.run(_store(args)))


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


async def _rebuild(args) -> int:
    from services.reporting.bootstrap import rebuild_projections
    from services.reporting.config import ReportingSettings

    def progress(read, seconds, state={"next": 0}):
        if read >= state["next"]:
            print(f"  {_thousands(read):>11} event dibaca  {seconds:7.1f} detik", file=sys.stderr, flush=True)
            state["next"] = read + 100_000

    result = await rebuild_projections(ReportingSettings(), grace_s=args.grace, progress=progress)
    print(f"generasi {result.generation} aktif (sebelumnya {result.previous_generation}): "
          f"{_thousands(result.events_read)} event dibaca, {result.parked} diparkir, putar ulang "
          f"{result.replay_seconds} detik, total {result.total_seconds} detik")
    return 0


async def _reconcile(args) -> int:
    from services.reporting.adapters.source_services import SourceServices
    from services.reporting.bootstrap import bootstrap, live_store
    from services.reporting.service_layer.reconcile import reconcile

    runtime = bootstrap()
    settings = runtime.settings
    if not settings.reconcile_client_secret:
        print("REPORTING_RECONCILE_CLIENT_SECRET belum diisi: rekonsiliasi memakai akun layanan dari layanan "
              "identitas (peran reconciler).", file=sys.stderr)
        return 2
    sources = SourceServices(registration_url=settings.source_registration_url,
                             training_url=settings.source_training_url,
                             token_url=settings.token_url, client_id=settings.reconcile_client_id,
                             client_secret=settings.reconcile_client_secret)
    store = live_store(runtime)
    try:
        await store.activate_current()
        async with runtime.sessions() as session:
            result = await reconcile(session, sources)
    finally:
        await sources.close()
        await store.close()
        await runtime.engine.dispose()
    if args.json:
        print(json.dumps({"checked": result.checked, "differences": result.differences,
                          "not_checked": result.not_checked}, indent=2, default=str))
    else:
        for d in result.differences:
            print(f"BEDA  {d['what']:<34} {d['key']:<38} pelaporan={d['reporting']!r:<12} "
                  f"{d['source']}={d['source_value']!r}")
        for what in result.not_checked:
            print(f"TIDAK DIPERIKSA  {what}")
        print(f"{result.checked} angka diperiksa, {len(result.differences)} berbeda")
    return 0 if result.ok else 1


async def _store(args) -> int:
    from services.reporting.adapters.store import pointer_row
    from services.reporting.bootstrap import bootstrap

    runtime = bootstrap()
    try:
        row = await pointer_row(runtime.sessions)
    finally:
        await runtime.engine.dispose()
    if args.json:
        print(json.dumps(row, default=str))
    elif row["switched_at"] is None:
        print(f"generasi {row['generation']} aktif (belum pernah dibangun ulang)")
    else:
        from datetime import UTC, timedelta, timezone

        switched = row["switched_at"] if row["switched_at"].tzinfo else row["switched_at"].replace(tzinfo=UTC)
        print(f"generasi {row['generation']} aktif sejak "
              f"{switched.astimezone(timezone(timedelta(hours=8))):%d-%m-%Y %H:%M} WITA")
    return 0
