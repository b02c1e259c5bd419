"""Bring one service's database to the newest Alembic revision and exit: the Kubernetes migration Job.

The services also migrate on start; running this first (a Job per service, before the rollout) means replicas
never race each other over the first migration of an upgrade. Usage: `SERVICE=registration python migrate.py`.
"""
from __future__ import annotations

import asyncio
import importlib
import os
import sys

SERVICES = ("registration", "training", "reporting")


def main(argv: list[str]) -> int:
    service = argv[1] if len(argv) > 1 else os.environ.get("SERVICE", "")
    if service not in SERVICES:
        print(f"usage: migrate.py {{{','.join(SERVICES)}}} (or SERVICE=...)", file=sys.stderr)
        return 2
    from shared.db import migrate
    from shared.settings import ServiceSettings

    config = importlib.import_module(f"services.{service}.config")
    # Each service's config.py holds exactly one ServiceSettings subclass.
    settings_cls = next(v for v in vars(config).values()
                        if isinstance(v, type) and issubclass(v, ServiceSettings) and v is not ServiceSettings)
    settings = settings_cls()  # first: a refused setting (e.g. the development secret) fails before the imports
    migrations = importlib.import_module(f"services.{service}.bootstrap").MIGRATIONS
    asyncio.run(migrate(migrations, settings.database_url))
    print(f"{service}: database at the newest revision", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
