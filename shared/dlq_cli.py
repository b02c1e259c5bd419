"""`sipelkop dlq SERVICE list|show|redrive|discard`: operate on a service's parked events from the shell.
(Whether an id is needed is checked by the parser in shared/cli.py, with exit status 2.)"""
from __future__ import annotations

import importlib
import json

from shared import cli_messages as msg

STATUS = {"parked": "diparkir", "redriven": "diterapkan ulang", "discarded": "dibuang"}


async def run(args) -> int:
    bootstrap = importlib.import_module(f"services.{args.service}.bootstrap").bootstrap
    runtime = bootstrap()
    store = runtime.dead_letters
    try:
        if args.action == "list":
            letters = await store.list(status=None, limit=1000)
            for l in letters:
                print(f"{l['id']:>6}  {STATUS.get(l['status'], l['status']):<16} {l['parked_at']:%d-%m-%Y %H:%M:%S}  "
                      f"{l['topic']}[{l['partition']}]@{l['offset']}  {l['event_type'] or '-'}  {l['error'][:100]}")
            print(msg.DLQ_TOTALS.format(parked=sum(1 for l in letters if l["status"] == "parked"), total=len(letters)))
            return 0
        letter = await store.get(args.id)
        if letter is None:
            print(msg.DLQ_NOT_FOUND.format(id=args.id))
            return 1
        if args.action == "show":
            payload = letter.pop("payload")
            print(json.dumps(letter, default=str, indent=2, ensure_ascii=False))
            print((payload or b"").decode("utf-8", "replace")[:20_000])
        elif args.action == "discard":
            await store.mark(args.id, "discarded")
            print(msg.DLQ_DISCARDED.format(id=args.id))
        elif args.action == "redrive":
            ok = await store.redrive(args.id, runtime.consumer)
            print((msg.DLQ_REDRIVEN if ok else msg.DLQ_NOT_PARKED).format(id=args.id))
            return 0 if ok else 1
        return 0
    finally:
        await runtime.engine.dispose()
