"""What every page needs: the templates, the signed-in officer (from the sipelkop_token cookie), CSRF tokens and
turning refusals into inline field errors."""
from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from shared.auth import Principal, Role, decode_token
from shared.errors import DomainError, Forbidden, Unauthorized, translate_validation
from shared.regions import district_name

COOKIE = "sipelkop_token"  # also what shared.auth reads, so the pages' links to the API work signed in
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals["district_name"] = district_name


def _redirect_to_sign_in() -> HTTPException:
    return HTTPException(303, "Silakan masuk.", headers={"Location": "/masuk"})


def page_principal(request: Request) -> Principal:
    """The signed-in admin or district officer; anyone else goes to the sign-in page."""
    token = request.cookies.get(COOKIE)
    if not token:
        raise _redirect_to_sign_in()
    try:
        principal = decode_token(request.app.state.settings.secret_key, token)
    except Unauthorized:
        raise _redirect_to_sign_in() from None
    if principal.role not in (Role.ADMIN, Role.DISTRICT_OFFICER):
        raise Forbidden("Halaman ini untuk petugas dinas dan admin provinsi.")
    return principal


PagePrincipal = Annotated[Principal, Depends(page_principal)]


def csrf_token(request: Request) -> str:
    """Bound to the session's token: a form from another site cannot know it. (The cookie is SameSite=Lax too.)"""
    secret = request.app.state.settings.secret_key.encode()
    return hmac.new(secret, (request.cookies.get(COOKIE) or "").encode(), hashlib.sha256).hexdigest()[:32]


async def checked_form(request: Request) -> dict:
    form = await request.form()
    if not hmac.compare_digest(str(form.get("csrf", "")), csrf_token(request)):
        raise Forbidden("Formulir kedaluwarsa; muat ulang halaman lalu coba lagi.")
    return {key: value for key, value in form.items() if key != "csrf"}


def render(request: Request, name: str, principal: Principal | None, status_code: int = 200, **context):
    return templates.TemplateResponse(request, name, {"principal": principal, "csrf": csrf_token(request),
                                                      **context}, status_code=status_code)


def field_errors(exc: ValidationError | DomainError) -> tuple[dict[str, str], str]:
    """Inline messages per field, plus a summary line for the top of the form."""
    if isinstance(exc, ValidationError):
        fields = translate_validation(exc.errors())
        return {f["field"]: f["message"] for f in fields}, "Periksa kembali isian yang ditandai."
    return {f["field"]: f["message"] for f in exc.fields}, exc.message


def blank_to_none(form: dict, *names: str) -> dict:
    return {key: (None if key in names and value == "" else value) for key, value in form.items()}
