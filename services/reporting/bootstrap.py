"""Reporting's composition root: every dependency wired once, overridable by keyword for tests."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from services.reporting.adapters.orm import messaging
from services.reporting.config import ReportingSettings
from services.reporting.entrypoints.consumers import HANDLERS
from services.reporting.entrypoints.http import router
from shared.http import create_app
from shared.runtime import ServiceRuntime, build_runtime

NAME = "reporting"
MIGRATIONS = Path(__file__).parent / "migrations"


def bootstrap(settings: ReportingSettings | None = None, *, registry: CollectorRegistry | None = None,
              handlers: dict | None = None) -> ServiceRuntime:
    return build_runtime(name=NAME, settings=settings or ReportingSettings(), tables=messaging, migrations=MIGRATIONS,
                         handlers=HANDLERS if handlers is None else handlers, registry=registry,
                         relay=False)  # reporting publishes nothing


def create_reporting_app(settings: ReportingSettings | None = None, **kwargs) -> FastAPI:
    return create_app(bootstrap(settings, **kwargs), title="SIPELKOP Pelaporan", description="Capaian pelatihan untuk dasbor kementerian: target, anggaran, kabupaten/kota, sektor.", routers=[router])
