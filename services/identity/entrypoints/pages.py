"""Identity's pages (Bahasa, no JavaScript): the one sign-in page /masuk for every service, sign-out, the
password change and the admins' account management. Forms that change state carry the session's CSRF token."""
from __future__ import annotations

import hmac
import secrets
import uuid
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException

from services.identity.entrypoints.web import (clear_cookies, client_ip, home_of, safe_next, set_access_cookie,
                                               set_session_cookies)
from services.identity.service_layer import accounts, sign_in
from services.identity.service_layer.throttle import TooManyAttempts
from shared.auth import ACCESS_COOKIE, PERSON_ROLES, ROLE_NAMES, SESSION_COOKIE, Principal, Role, csrf_matches
from shared.deps import UowDep
from shared.errors import DomainError, Forbidden, Unauthorized
from shared.regions import districts
from shared.web import page_templates

LOGIN_CSRF_COOKIE = "sipelkop_login_csrf"
templates = page_templates(Path(__file__).parent / "templates", "identity")
templates.env.globals["role_name"] = lambda role: ROLE_NAMES.get(Role(role), role)
# What the account history calls the fields a change touched.
FIELD_NAMES = {"username": "nama pengguna", "full_name": "nama lengkap", "role": "peran",
               "district_code": "kabupaten/kota", "nip": "NIP", "phone": "telepon", "email": "e-mail",
               "active": "status", "password": "kata sandi", "sso": "akun SSO"}
templates.env.globals["field_names"] = lambda names: ", ".join(FIELD_NAMES.get(n, n.replace("_", " "))
                                                               for n in names or [])
ROLE_CHOICES = [(r.value, ROLE_NAMES[r]) for r in PERSON_ROLES if r != Role.ADMIN] + [
    (Role.ADMIN.value, ROLE_NAMES[Role.ADMIN])]
ALL_ROLE_CHOICES = [(r.value, ROLE_NAMES[r]) for r in Role]

router = APIRouter(include_in_schema=False)


def render(request: Request, name: str, principal: Principal | None, status_code: int = 200, **context):
    return templates.TemplateResponse(request, name, {"principal": principal, **context}, status_code=status_code)


def _back_to_sign_in(request: Request) -> HTTPException:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return HTTPException(303, "Silakan masuk.", headers={"Location": f"/masuk?next={quote(target, safe='')}"})


async def page_principal(request: Request) -> Principal:
    """The signed-in person, from the access cookie; without one (or expired) to /masuk, which mints a fresh
    access token from the session cookie and comes straight back."""
    token = request.cookies.get(ACCESS_COOKIE)
    if token:
        try:
            return await request.app.state.verifier.verify(token)
        except Unauthorized:
            pass
    raise _back_to_sign_in(request)


async def admin_principal(principal: Annotated[Principal, Depends(page_principal)]) -> Principal:
    if principal.role != Role.ADMIN:
        raise Forbidden("Halaman ini hanya untuk admin provinsi.")
    return principal


PagePrincipal = Annotated[Principal, Depends(page_principal)]
AdminPrincipal = Annotated[Principal, Depends(admin_principal)]


async def checked_form(request: Request, principal: Principal) -> dict:
    form = await request.form()
    if not csrf_matches(principal, str(form.get("csrf", ""))):
        raise Forbidden("Formulir kedaluwarsa; muat ulang halaman lalu coba lagi.")
    return {key: str(value) for key, value in form.items() if key != "csrf"}


def _errors(exc: DomainError) -> dict[str, str]:
    return {f["field"]: f["message"] for f in exc.fields}


# --- sign-in -------------------------------------------------------------------------------------------------

def _after_sign_in(request: Request, account, target: str | None) -> str:
    settings = request.app.state.settings
    if account.must_change_password:
        return "/sandi" + (f"?next={quote(target, safe='')}" if target else "")
    return target or home_of(settings, account.role)


def _sign_in_form(request: Request, *, status_code: int = 200, problem: str | None = None, next: str | None = None,
                  username: str = "", headers: dict | None = None):
    login_csrf = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = render(request, "sign_in.html", None, status_code=status_code, problem=problem, next=next,
                      username=username, login_csrf=login_csrf)
    response.set_cookie(LOGIN_CSRF_COOKIE, login_csrf, path="/masuk", httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", max_age=3600)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


@router.get("/masuk")
async def sign_in_page(request: Request, uow: UowDep, next: str | None = None):
    target = safe_next(request, next)
    settings = request.app.state.settings
    if request.cookies.get(SESSION_COOKIE):
        try:
            session, account = await sign_in.resume_session(uow, settings, request.cookies.get(SESSION_COOKIE))
        except Unauthorized:
            pass
        else:
            response = RedirectResponse(_after_sign_in(request, account, target), status_code=303)
            set_access_cookie(response, request, sign_in.mint(request.app.state.keys, settings, account, session))
            return response
    return _sign_in_form(request, next=target)


@router.post("/masuk")
async def sign_in_submit(request: Request, uow: UowDep):
    form = await request.form()
    username, password = str(form.get("username", ""))[:200], str(form.get("password", ""))
    target = safe_next(request, str(form.get("next", "")) or None)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    if not cookie or not hmac.compare_digest(cookie, str(form.get("csrf", ""))):
        return _sign_in_form(request, status_code=403, next=target, username=username,
                             problem="Formulir kedaluwarsa; silakan coba masuk lagi.")
    settings = request.app.state.settings
    try:
        account = await sign_in.authenticate(uow, settings, username, password, client_ip(request))
    except TooManyAttempts as exc:
        return _sign_in_form(request, status_code=429, next=target, username=username, problem=exc.message,
                             headers={"Retry-After": str(exc.retry_after)})
    except Unauthorized as exc:
        return _sign_in_form(request, status_code=401, next=target, username=username, problem=exc.message)
    new = await sign_in.open_session(uow, settings, account)
    response = RedirectResponse(_after_sign_in(request, account, target), status_code=303)
    set_session_cookies(response, request, settings, new, sign_in.mint(request.app.state.keys, settings, account,
                                                                         new.session))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/masuk")
    return response


@router.post("/keluar")
async def sign_out(request: Request, uow: UowDep):
    """Checked against the session's own CSRF token (the access token may already have expired)."""
    form = await request.form()
    refresh = request.cookies.get(SESSION_COOKIE)
    session = await sign_in.session_of(uow, refresh)
    if session is not None:
        if not hmac.compare_digest(session.csrf, str(form.get("csrf", ""))):
            raise Forbidden("Formulir kedaluwarsa; muat ulang halaman lalu coba lagi.")
        await sign_in.close_session(uow, refresh)
    response = RedirectResponse("/masuk", status_code=303)
    clear_cookies(response, request)
    return response


# --- own password --------------------------------------------------------------------------------------------

@router.get("/sandi")
async def password_page(request: Request, principal: PagePrincipal, uow: UowDep, next: str | None = None):
    account = await accounts.get_account(uow, uuid.UUID(principal.subject))
    return render(request, "password.html", principal, next=safe_next(request, next), errors={},
                  must_change=account.must_change_password)


@router.post("/sandi")
async def password_submit(request: Request, principal: PagePrincipal, uow: UowDep):
    form = await checked_form(request, principal)
    target = safe_next(request, form.get("next") or None)
    keep = uuid.UUID(principal.session_id) if principal.session_id else None
    try:
        account = await accounts.change_password(uow, accounts.Actor.of(principal), uuid.UUID(principal.subject),
                                                 form.get("current_password", ""), form.get("new_password", ""),
                                                 keep_session=keep)
    except DomainError as exc:
        if exc.status != 422:
            raise
        return render(request, "password.html", principal, status_code=422, next=target, errors=_errors(exc),
                      problem=exc.message, must_change=True)
    settings = request.app.state.settings
    session = await sign_in.session_by_id(uow, keep) if keep else None
    response = RedirectResponse(target or home_of(settings, account.role), status_code=303)
    set_access_cookie(response, request, sign_in.mint(request.app.state.keys, settings, account, session))
    return response


# --- account management (admins) -----------------------------------------------------------------------------

def _district_list():
    return sorted(districts().values(), key=lambda d: d.code)


@router.get("/akun")
async def accounts_page(request: Request, principal: AdminPrincipal, uow: UowDep, role: str = "",
                        district_code: str = "", active: str = ""):
    rows = await accounts.list_accounts(
        uow, role=role if role in {r.value for r in Role} else None,
        district_code=district_code or None, active={"true": True, "false": False}.get(active))
    return render(request, "accounts.html", principal, accounts=rows, roles=ALL_ROLE_CHOICES,
                  districts=_district_list(), filters={"role": role, "district_code": district_code, "active": active})


@router.get("/akun/baru")
async def new_account_page(request: Request, principal: AdminPrincipal):
    return render(request, "account_new.html", principal, form={}, errors={}, roles=ROLE_CHOICES,
                  districts=_district_list())


@router.post("/akun/baru")
async def new_account_submit(request: Request, principal: AdminPrincipal, uow: UowDep):
    form = await checked_form(request, principal)
    try:
        role = Role(form.get("role", ""))
        if role == Role.RECONCILER:
            raise ValueError
    except ValueError:
        return render(request, "account_new.html", principal, status_code=422, form=form,
                      errors={"role": "peran tidak dikenal"}, roles=ROLE_CHOICES, districts=_district_list(),
                      problem="Data akun tidak sah.")
    try:
        account, one_time = await accounts.create_account(
            uow, accounts.Actor.of(principal), username=form.get("username", ""),
            full_name=form.get("full_name", ""), role=role.value, district_code=form.get("district_code"),
            nip=form.get("nip"), phone=form.get("phone"), email=form.get("email"))
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        return render(request, "account_new.html", principal, status_code=exc.status, form=form,
                      errors=_errors(exc), roles=ROLE_CHOICES, districts=_district_list(), problem=exc.message)
    return await _account_view(request, principal, uow, account.id, status_code=201, one_time_password=one_time,
                               message="Akun dibuat.")


async def _account_view(request: Request, principal: Principal, uow, account_id: uuid.UUID, *, status_code=200,
                        form: dict | None = None, errors: dict | None = None, **context):
    account = await accounts.get_account(uow, account_id)
    audit = await accounts.audit_of(uow, account_id)
    form = form or {"full_name": account.full_name, "role": account.role, "district_code": account.district_code,
                    "nip": account.nip, "phone": account.phone, "email": account.email}
    return render(request, "account.html", principal, status_code=status_code, account=account, audit=audit,
                  form=form, errors=errors or {}, roles=ALL_ROLE_CHOICES, districts=_district_list(), **context)


@router.get("/akun/{account_id}")
async def account_page(account_id: uuid.UUID, request: Request, principal: AdminPrincipal, uow: UowDep):
    return await _account_view(request, principal, uow, account_id)


@router.post("/akun/{account_id}")
async def account_submit(account_id: uuid.UUID, request: Request, principal: AdminPrincipal, uow: UowDep):
    form = await checked_form(request, principal)
    changes = {k: form.get(k, "") for k in ("full_name", "role", "district_code", "nip", "phone", "email")}
    try:
        await accounts.update_account(uow, accounts.Actor.of(principal), account_id, changes)
    except DomainError as exc:
        if exc.status != 422:
            raise
        return await _account_view(request, principal, uow, account_id, status_code=422, form=form,
                                   errors=_errors(exc), problem=exc.message)
    return await _account_view(request, principal, uow, account_id, message="Perubahan disimpan.")


@router.post("/akun/{account_id}/nonaktifkan")
async def deactivate_submit(account_id: uuid.UUID, request: Request, principal: AdminPrincipal, uow: UowDep):
    await checked_form(request, principal)
    await accounts.deactivate(uow, accounts.Actor.of(principal), account_id)
    return await _account_view(request, principal, uow, account_id,
                               message="Akun dinonaktifkan; semua sesinya dicabut.")


@router.post("/akun/{account_id}/aktifkan")
async def reactivate_submit(account_id: uuid.UUID, request: Request, principal: AdminPrincipal, uow: UowDep):
    await checked_form(request, principal)
    await accounts.reactivate(uow, accounts.Actor.of(principal), account_id)
    return await _account_view(request, principal, uow, account_id, message="Akun diaktifkan kembali.")


@router.post("/akun/{account_id}/reset-sandi")
async def reset_submit(account_id: uuid.UUID, request: Request, principal: AdminPrincipal, uow: UowDep):
    await checked_form(request, principal)
    _, one_time = await accounts.reset_password(uow, accounts.Actor.of(principal), account_id)
    return await _account_view(request, principal, uow, account_id, one_time_password=one_time,
                               message="Kata sandi direset; semua sesi akun ini dicabut.")


@router.post("/akun/{account_id}/cabut-sesi")
async def revoke_submit(account_id: uuid.UUID, request: Request, principal: AdminPrincipal, uow: UowDep):
    await checked_form(request, principal)
    await accounts.revoke_sessions(uow, accounts.Actor.of(principal), account_id)
    return await _account_view(request, principal, uow, account_id,
                               message="Akun dikeluarkan dari semua perangkat.")
