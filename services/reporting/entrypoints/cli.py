"""`sipelkop reporting rebuild|reconcile|store`: operate reporting's projections from the shell."""
from __future__ import annotations

import asyncio
import json
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser("reporting", help="reporting: rebuild | reconcile | store")
    commands = parser.add_subparsers(dest="reporting_command", required=True)
    rebuild = commands.add_parser("rebuild", help="replay every topic into a fresh projection store, then switch")
    rebuild.add_argument("--grace", type=float, default=None,
                         help="seconds to keep applying after the switch (default 3 x store poll + 5)")
    rebuild.set_defaults(func=lambda args: asyncio.run(_rebuild(args)))
    reconcile = commands.add_parser("reconcile", help="compare counts with registration and training (HTTP)")
    reconcile.add_argument("--json", action="store_true", help="print the result as JSON")
    reconcile.set_defaults(func=lambda args: asyncio.run(_reconcile(args)))
    store = commands.add_parser("store", help="which generation of the projection store is live")
    store.set_defaults(func=lambda args: asyncio.run(_store(args)))


async def _rebuild(args) -> int:
    from services.reporting.bootstrap import MIGRATIONS
    from services.reporting.config import ReportingSettings
    from services.reporting.entrypoints.consumers import HANDLERS
    from services.reporting.service_layer.rebuild import rebuild

    def progress(read, seconds, state={"next": 0}):
        if read >= state["next"]:
            print(f"  {read:>10,} events  {seconds:7.1f} s", file=sys.stderr, flush=True)
            state["next"] = read + 100_000

    result = await rebuild(ReportingSettings(), migrations=MIGRATIONS, handlers=HANDLERS, grace_s=args.grace,
                           progress=progress)
    print(f"generasi {result.generation} aktif (sebelumnya {result.previous_generation}): {result.events_read} "
          f"event dibaca, {result.parked} diparkir, replay {result.replay_seconds} s, total {result.total_seconds} s")
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
    sources = SourceServices(registration_url=settings.registration_url, training_url=settings.training_url,
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
        print(json.dumps(await pointer_row(runtime.sessions), default=str))
    finally:
        await runtime.engine.dispose()
    return 0
