"""What the API and the pages share: the cookies of a browser session, the client's address, safe `next`
addresses and each role's home page."""
from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request, Response

from services.identity.config import IdentitySettings
from services.identity.service_layer.sign_in import AccessToken, NewSession
from shared.auth import ACCESS_COOKIE, SESSION_COOKIE, Role
from shared.rate_limit import client_key


def client_ip(request: Request) -> str | None:
    """The client as the throttle counts it: uvicorn believes X-Forwarded-For only from SIPELKOP_TRUSTED_PROXIES
    networks; an IPv6 client counts by its /64 (shared/rate_limit.py)."""
    return client_key(request) if request.client else None


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_access_cookie(response: Response, request: Request, access: AccessToken) -> None:
    response.set_cookie(ACCESS_COOKIE, access.token, max_age=access.expires_in, path="/", httponly=True,
                        samesite="lax", secure=_secure(request))


def set_session_cookies(response: Response, request: Request, settings: IdentitySettings, new: NewSession,
                        access: AccessToken) -> None:
    response.set_cookie(SESSION_COOKIE, new.refresh_token, max_age=int(settings.session_absolute_hours * 3600),
                        path="/", httponly=True, samesite="lax", secure=_secure(request))
    set_access_cookie(response, request, access)


def clear_cookies(response: Response, request: Request) -> None:
    for name in (SESSION_COOKIE, ACCESS_COOKIE):
        response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=_secure(request))


def safe_next(request: Request, target: str | None) -> str | None:
    """`next` only when it stays on this host: a relative path ("/x", not "//x") or http(s) to the same hostname."""
    if not target or len(target) > 2000 or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    if target.startswith("/"):
        return None if target.startswith("//") else target
    try:
        parts = urlsplit(target)
    except ValueError:
        return None
    if parts.scheme in ("http", "https") and parts.hostname and parts.hostname == request.url.hostname:
        return target
    return None


def home_of(settings: IdentitySettings, role: str) -> str:
    """Where a person lands after signing in without a `next`: their first page (shared.web.nav); an admin on
    the accounts page, a role without pages (a service account) on /sandi."""
    if role == Role.ADMIN:
        return "/akun"
    from shared.web.nav import home_for

    return home_for(Role(role), settings) or "/sandi"
