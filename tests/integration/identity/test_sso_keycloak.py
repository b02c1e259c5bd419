"""Federation end to end against a real Keycloak (the Quarkus distribution from Maven Central, `kc.sh start-dev`,
realm deploy/keycloak/kaltim-realm.json): identity sends the browser to Keycloak, the person signs in on
Keycloak's own form, Keycloak sends them back, and identity opens its own session with its own tokens.

The "browser" is httpx with a cookie jar, following each redirect by hand and posting Keycloak's login form."""
from __future__ import annotations

import asyncio
import json
import os
import re
import sqlite3
import threading
import time
import urllib.request
import uuid
from html.parser import HTMLParser
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn

from services.identity.bootstrap import create_identity_app
from services.identity.config import IdentitySettings
from services.identity.service_layer import accounts
from shared.auth import ACCESS_COOKIE, SESSION_COOKIE, Role, TokenVerifier
from shared.infra.keycloak_local import LocalKeycloak
from shared.tokens import JwksCache
from tests.fixtures.infra import free_port

pytestmark = pytest.mark.integration

REALM_FILE = Path(__file__).resolve().parents[3] / "deploy" / "keycloak" / "kaltim-realm.json"
REALM = json.loads(REALM_FILE.read_text())
CLIENT = next(c for c in REALM["clients"] if c["clientId"] == "sipelkop")
PASSWORDS = {u["username"]: u["credentials"][0]["value"] for u in REALM["users"]}
ROLE_MAP = {"sipelkop-admin": "admin", "sipelkop-pelatihan": "training_staff", "sipelkop-dinas": "district_officer"}


@pytest.fixture(scope="module")
def keycloak(tmp_path_factory):
    if os.environ.get("SIPELKOP_TEST_KEYCLOAK_PORT"):  # iterate against one already running (kaltim imported)
        yield LocalKeycloak(tmp_path_factory.mktemp("keycloak"), port=int(os.environ["SIPELKOP_TEST_KEYCLOAK_PORT"]))
        return
    kc = LocalKeycloak(tmp_path_factory.mktemp("keycloak"), realm_files=[REALM_FILE])
    try:
        kc.start(ready_realm="kaltim")
        print(f"\nKeycloak {kc.version} (start-dev, realm imported) ready in {kc.started_in:.1f}s on {kc.url}")
        yield kc
    finally:
        kc.stop()


def _serve(app) -> tuple[uvicorn.Server, threading.Thread]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=app.state.port, log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "identity did not start"
    return server, thread


@pytest.fixture(scope="module")
def identity(keycloak, tmp_path_factory):
    """Identity on an SQLite file, SSO pointed at the realm, served by uvicorn on a free port; with one local
    account made beforehand (a different username, the same e-mail as Keycloak's dewi.smd)."""
    data = tmp_path_factory.mktemp("identity")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = IdentitySettings(
        data_dir=data, database_url=f"sqlite+aiosqlite:///{data}/identity.db", kafka_bootstrap="127.0.0.1:1",
        identity_url=url, revocation_refresh_s=0, registration_url="http://127.0.0.1:1",
        sso_issuer=keycloak.issuer("kaltim"), sso_client_id="sipelkop", sso_client_secret=CLIENT["secret"],
        sso_label="SSO Pemprov Kaltim", sso_role_map=ROLE_MAP, sso_state_secret="uji-" + uuid.uuid4().hex)

    async def prepare():
        app = create_identity_app(settings, start_background=False)
        async with app.router.lifespan_context(app):  # migrations
            account, _ = await accounts.create_account(
                app.state.runtime.uow(), accounts.SYSTEM, username="dewi.lestari", full_name="Dewi Lestari",
                role="district_officer", district_code="64.72", email="dewi.lestari@kaltimprov.go.id")
            return account.id

    holder = {}
    loader = threading.Thread(target=lambda: holder.setdefault("dewi", asyncio.run(prepare())))
    loader.start()
    loader.join(60)
    app = create_identity_app(settings, start_background=False)
    app.state.port = port
    server, thread = _serve(app)
    yield {"url": url, "db": data / "identity.db", "dewi": holder["dewi"], "settings": settings}
    server.should_exit = True
    thread.join(10)


class _LoginForm(HTMLParser):
    def __init__(self):
        super().__init__()
        self.action, self.fields = None, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.action is None and "action" in attrs:
            self.action = attrs["action"]
        elif tag == "input" and attrs.get("name") and attrs.get("type") in ("hidden",):
            self.fields[attrs["name"]] = attrs.get("value") or ""


class _LoopbackIsSecure(DefaultCookiePolicy):
    """As Chromium and Firefox do: http://127.0.0.1 is a secure context, so Secure cookies (Keycloak marks its
    login cookies Secure even over http) are sent back to it."""

    def return_ok_secure(self, cookie, request):
        host = urlsplit(request.get_full_url()).hostname
        return host in ("127.0.0.1", "localhost") or super().return_ok_secure(cookie, request)


def browser_client() -> httpx.Client:
    jar = CookieJar(policy=_LoopbackIsSecure())

    def cookie_header(request: httpx.Request) -> None:
        # httpx copies the jar into one with the default policy for each request: ask ours instead.
        compat = urllib.request.Request(str(request.url), method=request.method)
        jar.add_cookie_header(compat)
        if header := compat.get_header("Cookie"):
            request.headers["Cookie"] = header

    return httpx.Client(timeout=30, follow_redirects=False, cookies=jar, event_hooks={"request": [cookie_header]})


def sso_sign_in(identity_url: str, username: str, *, next: str | None = None) -> tuple[httpx.Client, httpx.Response]:
    """The whole authorisation code flow in a fresh browser; returns the browser and identity's last answer."""
    browser = browser_client()
    page = browser.get(f"{identity_url}/masuk")
    assert page.status_code == 200 and 'href="/masuk/sso"' in page.text
    assert "Masuk dengan SSO Pemprov Kaltim" in page.text
    start = browser.get(f"{identity_url}/masuk/sso" + (f"?next={next}" if next else ""))
    assert start.status_code == 302, start.text
    to_keycloak = start.headers["location"]
    assert "code_challenge=" in to_keycloak and "nonce=" in to_keycloak and "state=" in to_keycloak
    login_page = browser.get(to_keycloak)
    assert login_page.status_code == 200, login_page.text[:2000]
    form = _LoginForm()
    form.feed(login_page.text)
    assert form.action, login_page.text[:2000]
    back = browser.post(form.action, data={**form.fields, "username": username, "password": PASSWORDS[username],
                                            "credentialId": ""})
    assert back.status_code == 302, back.text[:2000]
    callback = back.headers["location"]
    assert callback.startswith(f"{identity_url}/masuk/sso/kembali?"), callback
    return browser, browser.get(callback)


def verify(identity_url: str, token: str):
    verifier = TokenVerifier(JwksCache(f"{identity_url}/.well-known/jwks.json"), issuer=identity_url)
    return asyncio.run(verifier.verify(token))


def rows(db: Path, query: str, *args) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(query, args).fetchall()


def _id(value) -> uuid.UUID:
    return uuid.UUID(str(value))


def test_keycloak_issues_tokens_for_the_realm(keycloak):
    """The realm as shipped: the sipelkop client gets an ID token carrying roles and district."""
    answer = httpx.post(f"{keycloak.issuer('kaltim')}/protocol/openid-connect/token", data={
        "grant_type": "password", "client_id": "sipelkop", "client_secret": CLIENT["secret"], "scope": "openid",
        "username": "rina.kukar", "password": PASSWORDS["rina.kukar"]})
    assert answer.status_code == 200, answer.text
    import jwt

    claims = jwt.decode(answer.json()["id_token"], options={"verify_signature": False})
    assert claims["iss"] == keycloak.issuer("kaltim") and claims["aud"] == "sipelkop"
    assert "sipelkop-dinas" in claims["roles"] and claims["district"] == "64.02"


def test_a_district_officer_signs_in_through_keycloak_and_gets_identitys_own_tokens(identity):
    url, db = identity["url"], identity["db"]
    browser, answer = sso_sign_in(url, "rina.kukar")
    assert answer.status_code == 303, answer.text[:2000]
    assert answer.headers["location"] == "http://127.0.0.1:1/koperasi"  # a district officer's home
    assert browser.cookies.get(SESSION_COOKIE) and browser.cookies.get(ACCESS_COOKIE)
    assert not any(c.name == "sipelkop_sso" and c.value for c in browser.cookies.jar)  # state cookie used up
    principal = verify(url, browser.cookies.get(ACCESS_COOKIE))
    assert principal.role == Role.DISTRICT_OFFICER and principal.district == "64.02"
    assert principal.name == "Rina Kartika" and principal.session_id and principal.csrf
    local = rows(db, "SELECT id, username, role, district_code, email, active FROM accounts WHERE username = ?",
                 "rina.kukar")
    assert len(local) == 1 and _id(local[0][0]) == _id(principal.subject)
    assert local[0][1:] == ("rina.kukar", "district_officer", "64.02", "rina.kukar@kaltimprov.go.id", 1)
    links = rows(db, "SELECT issuer, account_id FROM external_identities")
    assert [(i, _id(a)) for i, a in links] == [(identity["settings"].sso_issuer, _id(principal.subject))]
    # The session is identity's own: it refreshes like a password sign-in's.
    refreshed = browser.post(f"{url}/api/v1/auth/refresh")
    assert refreshed.status_code == 200 and verify(url, refreshed.json()["access_token"]).subject == principal.subject

    # A second SSO sign-in (a new browser, so Keycloak asks again) lands on the same account.
    again, answer = sso_sign_in(url, "rina.kukar", next="/sandi")
    assert answer.status_code == 303 and answer.headers["location"] == "/sandi"
    assert verify(url, again.cookies.get(ACCESS_COOKIE)).subject == principal.subject
    assert len(rows(db, "SELECT id FROM accounts WHERE username = 'rina.kukar'")) == 1
    assert len(rows(db, "SELECT id FROM external_identities")) == 1


def test_a_keycloak_user_links_to_the_local_account_with_the_same_verified_email(identity):
    url, db = identity["url"], identity["db"]
    browser, answer = sso_sign_in(url, "dewi.smd")
    assert answer.status_code == 303, answer.text[:2000]
    principal = verify(url, browser.cookies.get(ACCESS_COOKIE))
    assert _id(principal.subject) == identity["dewi"]  # the account made beforehand, not a new one
    assert principal.role == Role.DISTRICT_OFFICER and principal.district == "64.72"
    assert rows(db, "SELECT count(*) FROM accounts WHERE username = 'dewi.smd'") == [(0,)]
    audit = rows(db, "SELECT action, actor_name FROM audit_log WHERE account_id = ? ORDER BY id",
                 identity["dewi"].hex)
    assert ("akun ditautkan ke SSO", "SSO (SSO Pemprov Kaltim)") in audit


def test_a_keycloak_user_without_a_mapped_role_is_refused_with_a_page(identity):
    url, db = identity["url"], identity["db"]
    browser, answer = sso_sign_in(url, "budi.tamu")
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("text/html")
    assert "belum diberi peran di SIPELKOP" in answer.text and 'href="/masuk"' in answer.text
    assert not re.search(r'^\s*[{\[]', answer.text)  # a page, not JSON
    assert not browser.cookies.get(SESSION_COOKIE) and not browser.cookies.get(ACCESS_COOKIE)
    assert rows(db, "SELECT count(*) FROM accounts WHERE username = 'budi.tamu'") == [(0,)]


def test_a_callback_without_the_flows_state_is_refused(identity):
    """A forged or replayed callback (no state cookie of this browser) gets a page, no session."""
    answer = httpx.get(f"{identity['url']}/masuk/sso/kembali?code=abc&state=forged", follow_redirects=False)
    assert answer.status_code == 401 and "Masuk dengan SSO gagal" in answer.text
    assert SESSION_COOKIE not in answer.cookies
