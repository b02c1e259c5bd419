"""The one page sign-in every service's pages share: the access token identity put in the `sipelkop_access`
cookie (cookies are per host, not per port, so one sign-in at identity's /masuk serves every service), CSRF
tokens bound to the session, and the way back to /masuk when the session is missing, expired or revoked."""
from __future__ import annotations

import hmac
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse

from shared.auth import ACCESS_COOKIE, Principal, Role
from shared.errors import Forbidden, Unauthorized


class SignInRequired(Exception):
    """No valid session: the page sends the visitor to identity's sign-in page, and back here afterwards."""


def sign_in_url(request: Request) -> str:
    return f"{request.app.state.settings.identity_url}/masuk?next={quote(str(request.url), safe='')}"


def sign_out_url(request: Request) -> str:
    return f"{request.app.state.settings.identity_url}/keluar"


async def page_principal(request: Request, roles: tuple[Role, ...], message: str) -> Principal:
    """The signed-in person, if their role may see the page; else to /masuk (no session) or a refusal (role)."""
    token = request.cookies.get(ACCESS_COOKIE)
    if not token:
        raise SignInRequired()
    try:
        principal = await request.app.state.verifier.verify(token)
    except Unauthorized:  # expired, revoked or forged: sign in again (identity away stays a 503)
        raise SignInRequired() from None
    if principal.role not in roles:
        raise Forbidden(message)
    return principal


def csrf_token(principal: Principal | None) -> str:
    return (principal.csrf or "") if principal else ""


async def checked_form(request: Request, principal: Principal) -> dict:
    """The posted form without its `csrf` field, once that field matches the session's CSRF token."""
    form = await request.form()
    presented = str(form.get("csrf", ""))
    if not (principal.csrf and hmac.compare_digest(presented, principal.csrf)):
        raise Forbidden("Formulir kedaluwarsa; muat ulang halaman lalu coba lagi.")
    return {key: value for key, value in form.items() if key != "csrf"}


def install_page_sign_in(app: FastAPI) -> None:
    """Pages answer a missing session with a redirect to /masuk; a service's own /masuk sends there too."""

    @app.exception_handler(SignInRequired)
    async def _to_sign_in(request: Request, _exc: SignInRequired):
        return RedirectResponse(sign_in_url(request), status_code=303)

    @app.get("/masuk", include_in_schema=False)
    async def _masuk(request: Request, next: str = "/"):  # noqa: A002 (the query parameter's name)
        base = str(request.base_url).rstrip("/")
        target = next if next.startswith("/") and not next.startswith("//") else "/"
        return RedirectResponse(f"{request.app.state.settings.identity_url}/masuk?next="
                                f"{quote(base + target, safe='')}", status_code=303)


def form_errors(exc) -> tuple[dict[str, str], str]:
    """A refused form as inline messages per field (pydantic's or a DomainError's) and a summary line."""
    from pydantic import ValidationError

    from shared.errors import translate_validation

    if isinstance(exc, ValidationError):
        fields = translate_validation(exc.errors())
        # A rule over several fields (e.g. the end before the start) names no field: it goes in the summary.
        whole = [f["message"] for f in fields if f["field"] == "(body)"]
        summary = "Periksa kembali isian yang ditandai." if len(whole) < len(fields) else ""
        return ({f["field"]: f["message"] for f in fields if f["field"] != "(body)"},
                " ".join([summary, *(m[:1].upper() + m[1:] + "." for m in whole)]).strip())
    return {f["field"]: f["message"] for f in exc.fields}, exc.message
