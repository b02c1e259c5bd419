"""FastAPI dependency aliases for training's routes."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.training.config import TrainingSettings
from services.training.service_layer.certificates import CertificateSettings
from shared.auth import Principal, Role, require
from shared.deps import UowDep  # noqa: F401  (re-exported for the routes)


# Async on purpose: a plain `def` dependency runs in FastAPI's thread pool, a hop per request.
async def get_settings(request: Request) -> TrainingSettings:
    return request.app.state.settings


async def get_certificate_settings(request: Request) -> CertificateSettings:
    return CertificateSettings.of(request.app.state.settings)


SettingsDep = Annotated[TrainingSettings, Depends(get_settings)]
CertificateSettingsDep = Annotated[CertificateSettings, Depends(get_certificate_settings)]
# The UPTD's training staff run the training cycle as the provincial admin does.
Admin = Annotated[Principal, Depends(require(Role.ADMIN, Role.TRAINING_STAFF))]
Staff = Annotated[Principal, Depends(require(Role.ADMIN, Role.TRAINING_STAFF, Role.TRAINER))]
# A certificate's paper: the batch's staff and trainers, and the district officer of the participant's district.
CertificateReader = Annotated[Principal, Depends(require(Role.ADMIN, Role.TRAINING_STAFF, Role.TRAINER,
                                                         Role.DISTRICT_OFFICER))]
# What reporting's reconciliation reads (its service account): programmes, batches, rosters' sizes, completion.
Reader = Annotated[Principal, Depends(require(Role.ADMIN, Role.TRAINING_STAFF, Role.TRAINER, Role.RECONCILER))]
