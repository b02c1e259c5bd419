"""Registration's composition root: every dependency wired once, overridable by keyword for tests."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from services.registration.adapters.orm import messaging
from services.registration.config import RegistrationSettings
from services.registration.entrypoints.consumers import HANDLERS
from services.registration.entrypoints import (http, http_enrollments, http_imports, http_planning, pages,
                                              pages_batches, pages_planning)
from shared.http import create_app
from shared.runtime import ServiceRuntime, build_runtime

NAME = "registration"
MIGRATIONS = Path(__file__).parent / "migrations"


def bootstrap(settings: RegistrationSettings | None = None, *, registry: CollectorRegistry | None = None,
              handlers: dict | None = None) -> ServiceRuntime:
    return build_runtime(name=NAME, settings=settings or RegistrationSettings(), tables=messaging,
                         migrations=MIGRATIONS, handlers=HANDLERS if handlers is None else handlers, registry=registry)


def create_registration_app(settings: RegistrationSettings | None = None, *, start_background: bool = True,
                            **kwargs) -> FastAPI:
    return create_app(bootstrap(settings, **kwargs), start_background=start_background, title="SIPELKOP Registrasi",
                      description="Pendaftaran koperasi, pengurus dan peserta pelatihan oleh dinas kabupaten/kota.",
                      routers=[http.router, http_enrollments.router, http_imports.router, http_planning.router,
                               pages.router, pages_batches.router, pages_planning.router])
