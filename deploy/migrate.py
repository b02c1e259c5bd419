"""Bring one service's database to the newest Alembic revision and exit: the Kubernetes migration Job.

The services also migrate on start; running this first (a Job per service, before the rollout) means replicas
never race each other over the first migration of an upgrade. Usage: `SERVICE=registration python migrate.py`.
"""
from __future__ import annotations

import asyncio
import importlib
import os
import sys

SERVICES = ("identity", "registration", "training", "reporting")


def main(argv: list[str]) -> int:
    service = argv[1] if len(argv) > 1 else os.environ.get("SERVICE", "")
    if service not in SERVICES:
        print(f"usage: migrate.py {{{','.join(SERVICES)}}} (or SERVICE=...)", file=sys.stderr)
        return 2
    # In production the Job must migrate the real database: without <SERVICE>_DATABASE_URL the service would fall
    # back to a SQLite file in the pod's scratch space, and the Job would "succeed" while migrating nothing.
    url_variable = f"{service.upper()}_DATABASE_URL"
    # SIPELKOP_ENV unset is production, as for every settings class.
    if os.environ.get("SIPELKOP_ENV", "production") == "production" and not os.environ.get(url_variable):
        print(f"{service}: {url_variable} is not set; refusing to migrate a throw-away SQLite file in production",
              file=sys.stderr)
        return 3
    from shared.db import migrate
    from shared.settings import ServiceSettings

    config = importlib.import_module(f"services.{service}.config")
    # Each service's config.py holds exactly one ServiceSettings subclass.
    settings_cls = next(v for v in vars(config).values()
                        if isinstance(v, type) and issubclass(v, ServiceSettings) and v is not ServiceSettings)
    settings = settings_cls()  # first: a refused setting fails before the imports
    migrations = importlib.import_module(f"services.{service}.bootstrap").MIGRATIONS
    asyncio.run(migrate(migrations, settings.database_url))
    print(f"{service}: database at the newest revision", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
