"""FastAPI dependency aliases for training's routes."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.training.config import TrainingSettings
from services.training.service_layer.certificates import CertificateSettings
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.auth import Principal, Role, decode_token
from shared.errors import Forbidden, Unauthorized
from shared.unit_of_work import UnitOfWork


async def get_uow(request: Request) -> UnitOfWork:
    return request.app.state.runtime.uow()


async def get_settings(request: Request) -> TrainingSettings:
    return request.app.state.settings


async def get_certificate_settings(request: Request) -> CertificateSettings:
    return CertificateSettings.of(request.app.state.settings)


# Async dependencies: FastAPI runs a plain `def` dependency in its thread pool, a hop per dependency per request
# (four on a write). These do the same as shared.auth.require and the getters above, on the event loop.
_bearer = HTTPBearer(auto_error=False)


def _require(*roles: Role):
    async def check(request: Request,
                    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> Principal:
        token = credentials.credentials if credentials else request.cookies.get("sipelkop_token")
        if not token:
            raise Unauthorized("Perlu token: kirim header 'Authorization: Bearer <token>'.")
        principal = decode_token(request.app.state.settings.secret_key, token)
        if principal.role not in roles:
            raise Forbidden(f"Peran '{principal.role.value}' tidak boleh melakukan ini.")
        return principal

    return check


UowDep = Annotated[UnitOfWork, Depends(get_uow)]
SettingsDep = Annotated[TrainingSettings, Depends(get_settings)]
CertificateSettingsDep = Annotated[CertificateSettings, Depends(get_certificate_settings)]
Admin = Annotated[Principal, Depends(_require(Role.ADMIN))]
Staff = Annotated[Principal, Depends(_require(Role.ADMIN, Role.TRAINER))]
