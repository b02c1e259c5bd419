"""Identity's API: sign-in, refresh, sign-out, password change, service tokens, account management and the
OpenID discovery document with the published keys."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from services.identity.entrypoints.web import (clear_cookies, client_ip, set_access_cookie, set_session_cookies)
from services.identity.schemas import AccountIn, AccountOut, AccountPatch, LoginIn, PasswordChangeIn, TokenOut
from services.identity.service_layer import accounts, sign_in
from services.identity.service_layer.throttle import TooManyAttempts
from shared.auth import SESSION_COOKIE, CurrentPrincipal, Principal, Role, require
from shared.deps import UowDep
from shared.errors import Forbidden, Invalid, error_body, field_error
from shared.tokens import ALGORITHM

router = APIRouter()
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
THROTTLED = {429: {"description": "Terlalu banyak percobaan gagal untuk akun atau alamat ini; tunggu Retry-After detik",
                   "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "detik"}},
                   "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}


def throttled(exc: TooManyAttempts) -> JSONResponse:
    return JSONResponse(error_body(exc.code, exc.message), status_code=429,
                        headers={"Retry-After": str(exc.retry_after)})


def _token(access: sign_in.AccessToken, must_change: bool = False) -> dict:
    return TokenOut(access_token=access.token, expires_in=access.expires_in,
                    must_change_password=must_change).model_dump()


# --- discovery -----------------------------------------------------------------------------------------------

@router.get("/.well-known/openid-configuration", tags=["kunci"], summary="Dokumen penemuan OpenID")
async def openid_configuration(request: Request) -> dict:
    issuer = request.app.state.settings.identity_url
    return {"issuer": issuer, "jwks_uri": f"{issuer}/.well-known/jwks.json",
            "token_endpoint": f"{issuer}/api/v1/auth/token",
            "authorization_endpoint": f"{issuer}/masuk",
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "response_types_supported": ["token"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [ALGORITHM],
            "claims_supported": ["iss", "aud", "sub", "name", "role", "district", "iat", "exp", "jti", "sid"]}


@router.get("/.well-known/jwks.json", tags=["kunci"], summary="Kunci publik penanda tangan token (JWKS)")
async def jwks(request: Request) -> JSONResponse:
    return JSONResponse(request.app.state.keys.jwks(), headers={"Cache-Control": "public, max-age=60"})


# --- signing in ----------------------------------------------------------------------------------------------

@router.post("/api/v1/auth/login", tags=["masuk"], summary="Masuk dengan nama pengguna dan kata sandi",
             response_model=TokenOut, responses=THROTTLED)
async def login(body: LoginIn, request: Request, uow: UowDep):
    settings, keys = request.app.state.settings, request.app.state.keys
    try:
        account = await sign_in.authenticate(uow, settings, body.username, body.password, client_ip(request))
    except TooManyAttempts as exc:
        return throttled(exc)
    new = await sign_in.open_session(uow, settings, account)
    access = sign_in.mint(keys, settings, account, new.session)
    response = JSONResponse(_token(access, account.must_change_password))
    set_session_cookies(response, request, settings, new, access)
    return response


@router.post("/api/v1/auth/refresh", tags=["masuk"], summary="Token akses baru dari sesi (cookie)",
             response_model=TokenOut)
async def refresh(request: Request, uow: UowDep):
    settings = request.app.state.settings
    session, account = await sign_in.resume_session(uow, settings, request.cookies.get(SESSION_COOKIE))
    access = sign_in.mint(request.app.state.keys, settings, account, session)
    response = JSONResponse(_token(access, account.must_change_password))
    set_access_cookie(response, request, access)
    return response


@router.post("/api/v1/auth/logout", tags=["masuk"], summary="Keluar: sesi ini dicabut", status_code=204)
async def logout(request: Request, uow: UowDep):
    await sign_in.close_session(uow, request.cookies.get(SESSION_COOKIE))
    response = Response(status_code=204)
    clear_cookies(response, request)
    return response


@router.post("/api/v1/auth/logout-all", tags=["masuk"], summary="Keluar dari semua perangkat", status_code=204)
async def logout_all(principal: CurrentPrincipal, request: Request, uow: UowDep):
    await accounts.revoke_sessions(uow, accounts.Actor.of(principal), _own_id(principal))
    response = Response(status_code=204)
    clear_cookies(response, request)
    return response


@router.post("/api/v1/auth/password", tags=["masuk"], summary="Ganti kata sandi sendiri", response_model=TokenOut)
async def change_password(body: PasswordChangeIn, principal: CurrentPrincipal, request: Request, uow: UowDep):
    """Every other session ends; the answer carries a fresh access token for this one."""
    settings = request.app.state.settings
    keep = uuid.UUID(principal.session_id) if principal.session_id else None
    account = await accounts.change_password(uow, accounts.Actor.of(principal), _own_id(principal),
                                             body.current_password, body.new_password, keep_session=keep)
    session = None
    if keep is not None:
        session = await sign_in.session_by_id(uow, keep)
    access = sign_in.mint(request.app.state.keys, settings, account, session)
    response = JSONResponse(_token(access))
    if request.cookies.get(SESSION_COOKIE):
        set_access_cookie(response, request, access)
    return response


@router.post("/api/v1/auth/token", tags=["masuk"], summary="Token akun layanan (client credentials)",
             response_model=TokenOut, responses=THROTTLED)
async def service_token(request: Request, uow: UowDep):
    """OAuth 2 client credentials (form or JSON): client_id is the service account's username, client_secret its
    password. Only accounts of role reconciler; the token has no session and no CSRF claim."""
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            data = await request.json()
        except ValueError:
            data = None
        data = data if isinstance(data, dict) else {}
    else:
        data = dict(await request.form())
    fields = [field_error(name, "wajib diisi") for name in ("grant_type", "client_id", "client_secret")
              if not isinstance(data.get(name), str) or not data.get(name)]
    if fields:
        raise Invalid("Data tidak sah: " + ", ".join(f["field"] for f in fields) + " wajib diisi.", fields=fields)
    if data["grant_type"] != "client_credentials":
        raise Invalid("Hanya grant_type=client_credentials.",
                      fields=[field_error("grant_type", "hanya client_credentials")])
    try:
        access = await sign_in.service_token(uow, request.app.state.keys, request.app.state.settings,
                                             data["client_id"], data["client_secret"], client_ip(request))
    except TooManyAttempts as exc:
        return throttled(exc)
    return JSONResponse(_token(access), headers={"Cache-Control": "no-store"})


# --- accounts ------------------------------------------------------------------------------------------------

def _own_id(principal: Principal) -> uuid.UUID:
    try:
        return uuid.UUID(principal.subject)
    except ValueError:
        raise Forbidden("Token ini bukan milik akun identitas.") from None


@router.post("/api/v1/accounts", tags=["akun"], summary="Buat akun", status_code=201, response_model=AccountOut)
async def create_account(body: AccountIn, principal: Admin, uow: UowDep) -> AccountOut:
    account, one_time = await accounts.create_account(uow, accounts.Actor.of(principal), **body.model_dump())
    return AccountOut.of(account, one_time)


@router.get("/api/v1/accounts", tags=["akun"], summary="Daftar akun", response_model=list[AccountOut])
async def list_accounts(principal: Admin, uow: UowDep, role: Role | None = None,
                        district_code: Annotated[str | None, Query(max_length=20)] = None,
                        active: bool | None = None) -> list[AccountOut]:
    rows = await accounts.list_accounts(uow, role=role.value if role else None, district_code=district_code,
                                        active=active)
    return [AccountOut.of(a) for a in rows]


@router.get("/api/v1/accounts/{account_id}", tags=["akun"], summary="Satu akun", response_model=AccountOut)
async def get_account(account_id: uuid.UUID, principal: CurrentPrincipal, uow: UowDep) -> AccountOut:
    if principal.role != Role.ADMIN and principal.subject != str(account_id):
        raise Forbidden("Hanya admin provinsi yang boleh melihat akun orang lain.")
    return AccountOut.of(await accounts.get_account(uow, account_id))


@router.patch("/api/v1/accounts/{account_id}", tags=["akun"], summary="Ubah akun", response_model=AccountOut)
async def patch_account(account_id: uuid.UUID, body: AccountPatch, principal: Admin, uow: UowDep) -> AccountOut:
    changes = body.model_dump(exclude_unset=True)
    if "role" in changes and changes["role"] is not None:
        changes["role"] = changes["role"].value
    return AccountOut.of(await accounts.update_account(uow, accounts.Actor.of(principal), account_id, changes))


@router.post("/api/v1/accounts/{account_id}/deactivate", tags=["akun"], summary="Nonaktifkan akun",
             response_model=AccountOut)
async def deactivate(account_id: uuid.UUID, principal: Admin, uow: UowDep) -> AccountOut:
    return AccountOut.of(await accounts.deactivate(uow, accounts.Actor.of(principal), account_id))


@router.post("/api/v1/accounts/{account_id}/reactivate", tags=["akun"], summary="Aktifkan kembali akun",
             response_model=AccountOut)
async def reactivate(account_id: uuid.UUID, principal: Admin, uow: UowDep) -> AccountOut:
    return AccountOut.of(await accounts.reactivate(uow, accounts.Actor.of(principal), account_id))


@router.post("/api/v1/accounts/{account_id}/reset-password", tags=["akun"],
             summary="Reset kata sandi (kata sandi sekali pakai, tampil sekali)", response_model=AccountOut)
async def reset_password(account_id: uuid.UUID, principal: Admin, uow: UowDep) -> AccountOut:
    account, one_time = await accounts.reset_password(uow, accounts.Actor.of(principal), account_id)
    return AccountOut.of(account, one_time)


@router.post("/api/v1/accounts/{account_id}/revoke-sessions", tags=["akun"],
             summary="Keluarkan akun dari semua perangkat", response_model=AccountOut)
async def revoke_sessions(account_id: uuid.UUID, principal: Admin, uow: UowDep) -> AccountOut:
    return AccountOut.of(await accounts.revoke_sessions(uow, accounts.Actor.of(principal), account_id))
