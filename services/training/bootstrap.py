"""Training's composition root: every dependency wired once, overridable by keyword for tests."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from services.training.adapters.evidence_s3 import S3EvidenceStore
from services.training.adapters.evidence_store import EvidenceStore, FileEvidenceStore
from services.training.adapters.orm import messaging
from services.training.config import TrainingSettings
from services.training.entrypoints.consumers import HANDLERS
from services.training.entrypoints import (audit_pages, console, district_pages, http, http_attendance,
                                           http_certificates, http_evaluation, http_people, http_reports,
                                           http_scores, pages, pages_evaluation)
from shared.http import create_app
from shared.runtime import ServiceRuntime, build_runtime
from shared.spreadsheets import with_sheet_worker

NAME = "training"
MIGRATIONS = Path(__file__).parent / "migrations"


def bootstrap(settings: TrainingSettings | None = None, *, registry: CollectorRegistry | None = None,
              handlers: dict | None = None) -> ServiceRuntime:
    return build_runtime(name=NAME, settings=settings or TrainingSettings(), tables=messaging, migrations=MIGRATIONS,
                         handlers=HANDLERS if handlers is None else handlers, registry=registry)


def evidence_store(settings: TrainingSettings) -> EvidenceStore:
    """The bucket when TRAINING_EVIDENCE_URL is s3://..., else training's own directory."""
    bucket = settings.evidence_bucket
    return S3EvidenceStore(bucket) if bucket else FileEvidenceStore(settings.evidence_dir)


def create_training_app(settings: TrainingSettings | None = None, *, start_background: bool = True,
                        store: EvidenceStore | None = None, **kwargs) -> FastAPI:
    runtime = bootstrap(settings, **kwargs)
    app = create_app(runtime, start_background=start_background, title="SIPELKOP Pelatihan",
                     description="Program, angkatan dan jadwal acaranya, narasumber, pejabat, kehadiran, kelulusan dan "
                                 "sertifikat pelatihan.",
                     routers=[http.router, http_attendance.router, http_certificates.router, http_people.router,
                              pages.router, console.router, district_pages.router, audit_pages.router,
                              http_scores.router, http_evaluation.router, http_reports.router, pages_evaluation.router])
    app.state.evidence_store = store or evidence_store(runtime.settings)
    app.router.lifespan_context = with_sheet_worker(app.router.lifespan_context)  # score sheets are read in it
    return app
