"""Who is calling: an access token minted by identity (EdDSA, verified with identity's published keys), from the
`Authorization: Bearer` header or the pages' cookie, refused when the account was revoked after it was issued."""
from __future__ import annotations

import hmac
from datetime import UTC, datetime
from typing import Annotated

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.errors import DomainError, Forbidden, Unauthorized
from shared.tokens import ALGORITHM, AUDIENCE, JwksCache, JwksUnavailable

ACCESS_COOKIE = "sipelkop_access"  # the access token of a browser session (HttpOnly), read by every service
SESSION_COOKIE = "sipelkop_session"  # identity's refresh session (HttpOnly); only identity reads it
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


from shared.roles import PERSON_ROLES, ROLE_NAMES, Principal, Role  # noqa: F401  (the roles live there)


class Revoked(Unauthorized):
    pass


class TokenVerifier:
    """Checks signature (published keys only), algorithm, issuer, audience, lifetime and revocation."""

    def __init__(self, jwks: JwksCache, *, issuer: str, revocations=None):
        self.jwks, self.issuer, self.revocations = jwks, issuer, revocations

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise Unauthorized("Token tidak sah.") from exc
        if header.get("alg") != ALGORITHM:
            raise Unauthorized("Token tidak sah.")
        try:
            key = await self.jwks.key(header.get("kid"))
        except JwksUnavailable as exc:
            raise IdentityUnavailable("Layanan identitas tidak terjangkau; coba lagi sebentar.") from exc
        if key is None:
            raise Unauthorized("Token tidak sah.")
        try:
            claims = jwt.decode(token, key.key, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=self.issuer,
                                options={"require": ["exp", "iat", "sub", "role", "jti"]}, leeway=5)
            principal = Principal(subject=claims["sub"], role=Role(claims["role"]), district=claims.get("district"),
                                  name=claims.get("name") or "", session_id=claims.get("sid"),
                                  csrf=claims.get("csrf"), issued_at=datetime.fromtimestamp(claims["iat"], UTC))
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("Sesi berakhir; silakan masuk lagi.") from exc
        except (jwt.InvalidTokenError, ValueError, TypeError) as exc:
            raise Unauthorized("Token tidak sah.") from exc
        if self.revocations is not None and await self.revocations.revoked(principal.subject, principal.issued_at):
            raise Revoked("Akun ini dinonaktifkan atau sesinya dicabut; silakan masuk lagi.")
        return principal


class IdentityUnavailable(DomainError):
    status, code = 503, "identity_unavailable"


_bearer = HTTPBearer(auto_error=False)


def request_token(request: Request, credentials: HTTPAuthorizationCredentials | None) -> tuple[str | None, bool]:
    """The caller's token and whether it came from the cookie (then state changes need the CSRF token)."""
    if credentials:
        return credentials.credentials, False
    token = request.cookies.get(ACCESS_COOKIE)
    return token, bool(token)


def csrf_matches(principal: Principal, presented: str | None) -> bool:
    return bool(principal.csrf and presented and hmac.compare_digest(principal.csrf, presented))


async def principal_from(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    """The caller of an API request: bearer header first, then the pages' cookie (with its CSRF header)."""
    token, from_cookie = request_token(request, credentials)
    if not token:
        raise Unauthorized("Anda belum masuk. Masuk di halaman /masuk, atau kirim token akses dari layanan "
                           "identitas di header Authorization.")
    principal = await request.app.state.verifier.verify(token)
    if from_cookie and request.method not in SAFE_METHODS and not csrf_matches(
            principal, request.headers.get(CSRF_HEADER)):
        raise Forbidden("Token CSRF tidak cocok; muat ulang halaman lalu coba lagi.")
    return principal


# Async on purpose: a plain `def` dependency is run in FastAPI's thread pool, a thread hop per request.
async def current_principal(request: Request,
                            credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> Principal:
    return await principal_from(request, credentials)


def require(*roles: Role):
    """Dependency: the caller must hold one of `roles`."""

    async def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"Peran {principal.role_name} tidak boleh melakukan ini.")
        return principal

    return check


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
