"""`sipelkop dlq SERVICE list|show|redrive|discard`: operate on a service's parked events from the shell."""
from __future__ import annotations

import importlib
import json


async def run(args) -> int:
    bootstrap = importlib.import_module(f"services.{args.service}.bootstrap").bootstrap
    runtime = bootstrap()
    store = runtime.dead_letters
    try:
        if args.action == "list":
            letters = await store.list(status=None, limit=1000)
            for l in letters:
                print(f"{l['id']:>6}  {l['status']:<9} {l['parked_at']:%Y-%m-%d %H:%M:%S}  {l['topic']}"
                      f"[{l['partition']}]@{l['offset']}  {l['event_type'] or '-'}  {l['error'][:100]}")
            print(f"{sum(1 for l in letters if l['status'] == 'parked')} parked, {len(letters)} in all")
            return 0
        if args.id is None:
            print("an id is needed: sipelkop dlq SERVICE show|redrive|discard ID")
            return 2
        letter = await store.get(args.id)
        if letter is None:
            print(f"no dead letter {args.id}")
            return 1
        if args.action == "show":
            payload = letter.pop("payload")
            print(json.dumps(letter, default=str, indent=2))
            print((payload or b"").decode("utf-8", "replace")[:20_000])
        elif args.action == "discard":
            await store.mark(args.id, "discarded")
            print(f"discarded {args.id}")
        elif args.action == "redrive":
            ok = await store.redrive(args.id, runtime.consumer)
            print(f"redriven {args.id}" if ok else f"{args.id} is not parked")
            return 0 if ok else 1
        return 0
    finally:
        await runtime.engine.dispose()
