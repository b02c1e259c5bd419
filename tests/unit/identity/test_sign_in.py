"""Signing in through the API: one message for a wrong username or password, the throttle in the database,
sessions and refresh, the published keys verifying what identity signs, service accounts."""
import httpx
import jwt
import pytest

from services.identity.service_layer import accounts
from shared.auth import ACCESS_COOKIE, SESSION_COOKIE, TokenVerifier
from shared.errors import Unauthorized
from shared.tokens import JwksCache
from tests.unit.identity.conftest import ISSUER, OFFICER_PASSWORD, client_for, identity_settings, login


def verifier_over_jwks(app) -> TokenVerifier:
    return TokenVerifier(JwksCache(f"{ISSUER}/.well-known/jwks.json", transport=httpx.ASGITransport(app=app),
                                   min_refresh_s=0), issuer=ISSUER)


async def test_sign_in_gives_a_token_the_published_keys_verify_and_both_cookies(app, client, officer):
    response = await login(client, "Petugas.Kukar", OFFICER_PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 600
    principal = await verifier_over_jwks(app).verify(body["access_token"])
    assert principal.subject == str(officer.id) and principal.role == "district_officer"
    assert principal.district == "64.02" and principal.name == "Siti Rahmawati"
    assert principal.session_id and principal.csrf
    cookies = {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}
    for name in (SESSION_COOKIE, ACCESS_COOKIE):
        assert "HttpOnly" in cookies[name] and "samesite=lax" in cookies[name].lower()
        assert "Path=/" in cookies[name] and "Secure" not in cookies[name]
    assert "Max-Age=600" in cookies[ACCESS_COOKIE]
    assert client.cookies[ACCESS_COOKIE] == body["access_token"]


async def test_cookies_are_secure_when_the_request_came_over_https(app, officer):
    async with client_for(app, base_url="https://identity.test") as c:
        response = await login(c, "petugas.kukar", OFFICER_PASSWORD)
    assert all("Secure" in h for h in response.headers.get_list("set-cookie"))


async def test_wrong_password_and_unknown_username_get_the_same_answer(client, officer):
    wrong = await login(client, "petugas.kukar", "salah-sekali-123")
    unknown = await login(client, "tidak.ada", "salah-sekali-123")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["message"] == "Nama pengguna atau kata sandi salah."


@pytest.mark.parametrize("username", ["petugas.kukar", "tidak.ada"])
async def test_after_five_failures_the_account_waits_even_with_the_right_password(app, officer, username):
    async with client_for(app, "10.2.2.2") as c:
        answers = [(await login(c, username, f"tebakan-{i}-xyz")).status_code for i in range(5)]
        assert answers == [401] * 5
        refused = await login(c, username, OFFICER_PASSWORD)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 300
    assert "Terlalu banyak percobaan" in refused.json()["error"]["message"]
    # Another address cannot sign in to the waiting account either (the account key holds)...
    async with client_for(app, "10.3.3.3") as other:
        assert (await login(other, username, OFFICER_PASSWORD)).status_code == 429


async def test_a_known_and_an_unknown_username_are_throttled_alike(app, officer):
    answers = {}
    for username in ("petugas.kukar", "tidak.ada"):
        async with client_for(app, f"10.4.4.{len(answers)}") as c:
            answers[username] = [(await login(c, username, "salah-salah-1")).status_code for _ in range(6)]
            answers[username].append((await login(c, username, "salah-salah-1")).json())
    assert answers["petugas.kukar"] == answers["tidak.ada"]


async def test_a_success_forgets_the_failures(app, officer):
    async with client_for(app, "10.5.5.5") as c:
        for _ in range(4):
            assert (await login(c, "petugas.kukar", "salah-salah-1")).status_code == 401
        assert (await login(c, "petugas.kukar", OFFICER_PASSWORD)).status_code == 200
        for _ in range(4):
            assert (await login(c, "petugas.kukar", "salah-salah-1")).status_code == 401
        assert (await login(c, "petugas.kukar", OFFICER_PASSWORD)).status_code == 200


async def test_one_address_guessing_many_usernames_waits(tmp_path, officer):
    from services.identity.bootstrap import create_identity_app

    app = create_identity_app(identity_settings(tmp_path, throttle_ip_failures=3), start_background=False)
    async with app.router.lifespan_context(app):
        async with client_for(app, "10.6.6.6") as c:
            assert [(await login(c, f"nama{i}", "salah-salah-1")).status_code for i in range(3)] == [401] * 3
            assert (await login(c, "nama9", "salah-salah-1")).status_code == 429
        async with client_for(app, "10.6.6.7") as c:
            assert (await login(c, "nama9", "salah-salah-1")).status_code == 401


async def test_refresh_gives_a_new_token_until_sign_out(app, client, officer):
    first = await login(client, "petugas.kukar", OFFICER_PASSWORD)
    refreshed = await client.post("/api/v1/auth/refresh")
    assert refreshed.status_code == 200
    token = refreshed.json()["access_token"]
    assert token != first.json()["access_token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sid"] == jwt.decode(first.json()["access_token"], options={"verify_signature": False})["sid"]
    out = await client.post("/api/v1/auth/logout")
    assert out.status_code == 204
    assert not client.cookies.get(SESSION_COOKIE)
    async with client_for(app) as other:
        other.cookies.set(SESSION_COOKIE, first.cookies[SESSION_COOKIE])
        assert (await other.post("/api/v1/auth/refresh")).status_code == 401
    assert (await client.post("/api/v1/auth/refresh")).status_code == 401


async def test_an_idle_session_ends(tmp_path, officer):
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from services.identity.adapters.orm import Session
    from services.identity.bootstrap import create_identity_app

    app = create_identity_app(identity_settings(tmp_path, session_idle_minutes=5), start_background=False)
    async with app.router.lifespan_context(app):
        async with client_for(app) as c:
            assert (await login(c, "petugas.kukar", OFFICER_PASSWORD)).status_code == 200
            async with app.state.runtime.sessions() as s:
                await s.execute(update(Session).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=6)))
                await s.commit()
            assert (await c.post("/api/v1/auth/refresh")).status_code == 401


async def test_key_rotation_keeps_tokens_signed_before_it_valid(app, client, officer):
    verifier = verifier_over_jwks(app)
    before = (await login(client, "petugas.kukar", OFFICER_PASSWORD)).json()["access_token"]
    await verifier.verify(before)
    app.state.keys.rotate()
    after = (await client.post("/api/v1/auth/refresh")).json()["access_token"]
    assert jwt.get_unverified_header(after)["kid"] != jwt.get_unverified_header(before)["kid"]
    assert (await verifier.verify(before)).subject == (await verifier.verify(after)).subject
    kids = {k["kid"] for k in (await client.get("/.well-known/jwks.json")).json()["keys"]}
    assert {jwt.get_unverified_header(t)["kid"] for t in (before, after)} <= kids


async def test_a_rotation_by_another_process_is_picked_up(app, client, settings, officer):
    from shared.tokens import KeyRing

    before = (await client.get("/.well-known/jwks.json")).json()["keys"]
    KeyRing.load_or_create(settings.signing_keys_file).rotate()
    token = (await login(client, "petugas.kukar", OFFICER_PASSWORD)).json()["access_token"]
    after = (await client.get("/.well-known/jwks.json")).json()["keys"]
    assert len(after) == len(before) + 1
    assert jwt.get_unverified_header(token)["kid"] not in {k["kid"] for k in before}


async def test_openid_configuration(client):
    doc = (await client.get("/.well-known/openid-configuration")).json()
    assert doc["issuer"] == ISSUER and doc["jwks_uri"] == f"{ISSUER}/.well-known/jwks.json"
    assert doc["id_token_signing_alg_values_supported"] == ["EdDSA"]
    assert doc["token_endpoint"] == f"{ISSUER}/api/v1/auth/token"


async def test_service_account_gets_a_token_without_session_by_client_credentials(app, client, runtime, officer):
    await accounts.create_account(runtime.uow(), accounts.SYSTEM, username="svc.rekonsiliasi",
                                  full_name="Rekonsiliasi Pelaporan", role="reconciler",
                                  password="rahasia-layanan-rekon-42")
    form = await client.post("/api/v1/auth/token", data={"grant_type": "client_credentials",
                                                        "client_id": "svc.rekonsiliasi",
                                                        "client_secret": "rahasia-layanan-rekon-42"})
    assert form.status_code == 200
    principal = await verifier_over_jwks(app).verify(form.json()["access_token"])
    assert principal.role == "reconciler" and principal.session_id is None and principal.csrf is None
    as_json = await client.post("/api/v1/auth/token", json={"grant_type": "client_credentials",
                                                           "client_id": "svc.rekonsiliasi",
                                                           "client_secret": "rahasia-layanan-rekon-42"})
    assert as_json.status_code == 200
    person = await client.post("/api/v1/auth/token", data={"grant_type": "client_credentials",
                                                          "client_id": "petugas.kukar",
                                                          "client_secret": OFFICER_PASSWORD})
    assert person.status_code == 401
    missing = await client.post("/api/v1/auth/token", data={"grant_type": "client_credentials"})
    assert missing.status_code == 422
    assert {f["field"] for f in missing.json()["error"]["fields"]} == {"client_id", "client_secret"}


async def test_a_token_from_another_issuer_or_key_is_refused(app, client):
    from tests.fixtures.tokens import foreign_token, hs256_token

    for token in (foreign_token(), hs256_token()):
        response = await client.get("/api/v1/accounts", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
    with pytest.raises(Unauthorized):
        await app.state.verifier.verify(foreign_token())


async def test_the_throttle_forgets_addresses_and_names_whose_window_ended(tmp_path, officer):
    """Bounded: a scan of many addresses leaves rows only for the last window's keys."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import func, select

    from services.identity.adapters.orm import SignInFailure
    from services.identity.service_layer import throttle

    settings = identity_settings(tmp_path)
    from services.identity.bootstrap import create_identity_app

    app = create_identity_app(settings, start_background=False)
    async with app.router.lifespan_context(app):
        sessions = app.state.runtime.sessions
        start = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)
        async with sessions() as session:
            for n in range(50):
                await throttle.count_attempt(session, settings, {throttle.ip_key(f"198.51.100.{n}"): 20},
                                             now=start)
            await session.commit()
            assert await session.scalar(select(func.count()).select_from(SignInFailure)) == 50
            later = start + timedelta(minutes=settings.throttle_window_minutes + 1)
            await throttle.count_attempt(session, settings, {throttle.ip_key("203.0.113.1"): 20}, now=later)
            await session.commit()
            assert (await session.scalars(select(SignInFailure.key))).all() == ["ip:203.0.113.1"]


async def test_a_forged_forwarded_for_from_an_untrusted_peer_does_not_escape_the_address_limit(tmp_path, officer):
    """As `sipelkop` starts identity: uvicorn's proxy headers with SIPELKOP_TRUSTED_PROXIES (a CIDR list)."""
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    from services.identity.bootstrap import create_identity_app

    settings = identity_settings(tmp_path, throttle_ip_failures=3, trusted_proxies="10.0.0.0/8")
    app = create_identity_app(settings, start_background=False)
    behind = ProxyHeadersMiddleware(app, trusted_hosts=settings.trusted_proxies)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=behind, client=("203.0.113.9", 5000)),
                                     base_url=ISSUER) as c:
            answers = [(await c.post("/api/v1/auth/login", json={"username": f"nama{i}", "password": "salah-salah-1"},
                                     headers={"X-Forwarded-For": f"192.0.2.{i}"})).status_code for i in range(4)]
        assert answers == [401, 401, 401, 429]
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=behind, client=("10.0.0.2", 5000)),
                                     base_url=ISSUER) as proxy:
            # Behind the trusted front door each client has its own count.
            passed = [(await proxy.post("/api/v1/auth/login", json={"username": f"lain{i}", "password": "salah-salah-1"},
                                        headers={"X-Forwarded-For": f"192.0.2.{i}"})).status_code for i in range(4)]
        assert passed == [401] * 4
