"""Signing in through the province's SSO (OpenID Connect authorisation code flow with PKCE, via Authlib).

GET /masuk/sso?next=...   sends the browser to the provider (state, nonce and PKCE verifier kept by Authlib in a
                          short-lived signed cookie limited to /masuk/sso);
GET /masuk/sso/kembali    the provider's redirect back: Authlib checks the state, exchanges the code and validates
                          the ID token (signature from the provider's JWKS, issuer, audience, expiry, nonce); then
                          federation maps the claims to a local account and identity opens its own session and
                          mints its own tokens, exactly as after a password sign-in.

Every refusal is a Bahasa page with a way back to /masuk, never JSON."""
from __future__ import annotations

import logging
import secrets

import httpx
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.starlette_client import OAuth
from joserfc.errors import JoseError  # what Authlib raises for a bad ID token (signature, claims, nonce)
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse
from starlette.middleware.sessions import SessionMiddleware

from services.identity.config import IdentitySettings
from services.identity.entrypoints.pages import render
from services.identity.entrypoints.web import home_of, safe_next, set_session_cookies
from services.identity.service_layer import federation, sign_in
from shared.deps import UowDep

log = logging.getLogger(__name__)
STATE_COOKIE = "sipelkop_sso"
STATE_MAX_AGE_S = 600  # a sign-in at the provider must finish within 10 minutes
router = APIRouter(include_in_schema=False)


class SsoClient:
    def __init__(self, settings: IdentitySettings):
        self.label, self.issuer = settings.sso_label, settings.sso_issuer.rstrip("/")
        oauth = OAuth()
        self.app = oauth.register(
            "sso", client_id=settings.sso_client_id, client_secret=settings.sso_client_secret,
            server_metadata_url=f"{self.issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": settings.sso_scope, "code_challenge_method": "S256", "timeout": 10})


def install(app: FastAPI, settings: IdentitySettings) -> None:
    """The SSO routes always answer (a Bahasa page when SSO is off); the client and the state cookie only when
    IDENTITY_SSO_ISSUER is set. Must run before the app serves its first request."""
    app.include_router(router)
    app.state.sso = None
    if not settings.sso_issuer:
        return
    if not (settings.sso_client_id and settings.sso_client_secret):
        raise ValueError("IDENTITY_SSO_ISSUER needs IDENTITY_SSO_CLIENT_ID and IDENTITY_SSO_CLIENT_SECRET")
    federation.check_role_map(settings.sso_role_map)
    if not settings.sso_role_map:
        raise ValueError("IDENTITY_SSO_ROLE_MAP is empty: nobody could sign in through SSO")
    app.state.sso = SsoClient(settings)
    if not settings.sso_state_secret:
        log.warning("IDENTITY_SSO_STATE_SECRET not set: a random one for this process (several replicas need one "
                    "shared secret, or a sign-in that returns to another replica fails)")
    app.add_middleware(SessionMiddleware, secret_key=settings.sso_state_secret or secrets.token_urlsafe(32),
                       session_cookie=STATE_COOKIE, max_age=STATE_MAX_AGE_S, path="/masuk/sso", same_site="lax",
                       https_only=settings.identity_url.startswith("https://"))


def _problem(request: Request, status_code: int, problem: str):
    return render(request, "sso_problem.html", None, status_code=status_code, problem=problem)


@router.get("/masuk/sso")
async def sso_start(request: Request, next: str | None = None):
    sso: SsoClient | None = request.app.state.sso
    if sso is None:
        return _problem(request, 404, "Masuk dengan SSO tidak diaktifkan di SIPELKOP ini.")
    request.session.clear()
    request.session["next"] = safe_next(request, next) or ""
    try:
        return await sso.app.authorize_redirect(request, str(request.url_for("sso_callback")))
    except (httpx.HTTPError, OAuthError, ValueError) as exc:
        log.warning("SSO provider unreachable: %s", exc)
        return _problem(request, 503, f"{sso.label} tidak dapat dihubungi saat ini; coba lagi sebentar lagi "
                                      "atau masuk dengan kata sandi.")


@router.get("/masuk/sso/kembali", name="sso_callback")
async def sso_callback(request: Request, uow: UowDep):
    sso: SsoClient | None = request.app.state.sso
    if sso is None:
        return _problem(request, 404, "Masuk dengan SSO tidak diaktifkan di SIPELKOP ini.")
    settings = request.app.state.settings
    target = safe_next(request, request.session.get("next") or None)
    try:
        token = await sso.app.authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        if not claims:
            raise OAuthError(error="no_id_token", description="the provider sent no ID token")
        if federation.claim(claims, settings.sso_role_claim) is None:  # some providers put roles in userinfo only
            extra = await sso.app.userinfo(token=token)
            if extra.get("sub") == claims.get("sub"):
                claims = {**dict(extra), **claims}
    except OAuthError as exc:
        log.info("SSO sign-in not completed: %s", exc.error)
        cancelled = exc.error == "access_denied"
        return _problem(request, 401, "Masuk dengan SSO dibatalkan." if cancelled else
                        "Masuk dengan SSO gagal atau kedaluwarsa; silakan coba lagi.")
    except JoseError as exc:
        log.warning("SSO ID token refused: %s", exc)
        return _problem(request, 401, "Tanda pengenal dari SSO tidak sah; silakan coba lagi.")
    except httpx.HTTPError as exc:
        log.warning("SSO provider unreachable: %s", exc)
        return _problem(request, 503, f"{sso.label} tidak dapat dihubungi saat ini; coba lagi sebentar lagi.")
    finally:
        request.session.clear()  # one use: the state cookie is deleted with this answer
    try:
        person = federation.external_person(settings, sso.issuer, claims)
        account = await federation.sign_in_external(uow, settings, person)
    except federation.SsoRefused as exc:
        return _problem(request, exc.status, exc.message)
    new = await sign_in.open_session(uow, settings, account)
    # No detour to /sandi for a pending one-time password: this person proved who they are at the provider.
    response = RedirectResponse(target or home_of(settings, account.role), status_code=303)
    set_session_cookies(response, request, settings, new, sign_in.mint(request.app.state.keys, settings, account,
                                                                         new.session))
    return response
