"""Signed bearer tokens (HS256) with a role and, for district officers, one district code."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from shared.errors import Forbidden, Unauthorized

ISSUER = "sipelkop"


class Role(StrEnum):
    ADMIN = "admin"  # provincial administrator: sees everything
    DISTRICT_OFFICER = "district_officer"  # bound to one district
    TRAINER = "trainer"
    VIEWER = "viewer"  # ministry: reports only


class Principal(BaseModel):
    subject: str
    role: Role
    district: str | None = None

    def can_touch_district(self, district_code: str) -> bool:
        return self.role == Role.ADMIN or (self.role == Role.DISTRICT_OFFICER and self.district == district_code)


def issue_token(secret: str, *, subject: str, role: Role | str, district: str | None = None,
                ttl: timedelta = timedelta(hours=12)) -> str:
    role = Role(role)
    if role == Role.DISTRICT_OFFICER and not district:
        raise ValueError("a district officer's token needs a district code")
    now = datetime.now(UTC)
    claims = {"iss": ISSUER, "sub": subject, "role": role.value, "iat": now, "exp": now + ttl}
    if district:
        claims["district"] = district
    return jwt.encode(claims, secret, algorithm="HS256")


def decode_token(secret: str, token: str) -> Principal:
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], issuer=ISSUER,
                            options={"require": ["exp", "iat", "sub", "role"]})
        return Principal(subject=claims["sub"], role=Role(claims["role"]), district=claims.get("district"))
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("Token kedaluwarsa; silakan masuk lagi.") from exc
    except (jwt.InvalidTokenError, ValueError) as exc:
        raise Unauthorized("Token tidak sah.") from exc


_bearer = HTTPBearer(auto_error=False)


def principal_from(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    """The caller of a request: bearer header first, then the pages' cookie."""
    token = credentials.credentials if credentials else request.cookies.get("sipelkop_token")
    if not token:
        raise Unauthorized("Perlu token: kirim header 'Authorization: Bearer <token>'.")
    return decode_token(request.app.state.settings.secret_key, token)


# Async on purpose: a plain `def` dependency is run in FastAPI's thread pool, a thread hop per request.
async def current_principal(request: Request,
                            credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> Principal:
    return principal_from(request, credentials)


def require(*roles: Role):
    """Dependency: the caller must hold one of `roles`."""

    async def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"Peran '{principal.role.value}' tidak boleh melakukan ini.")
        return principal

    return check


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
