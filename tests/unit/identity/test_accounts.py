"""Account management through the API: bad input named field by field in Bahasa, the revocations that reach
every service through the outbox (account id and a time, nothing else), and the account's profile (no password,
hash, NIP, e-mail or phone) on every change other services show."""
import logging

import pytest

from tests.unit.identity.conftest import (ADMIN_PASSWORD, OFFICER_PASSWORD, client_for, login, outbox)

NEW = {"username": "pelatih.budi", "full_name": "Budi Santoso", "role": "trainer"}
REVOCATIONS = {"sipelkop.identity.account.deactivated.v1", "sipelkop.identity.account.sessions_revoked.v1"}
PROFILES = {"sipelkop.identity.account.registered.v1", "sipelkop.identity.account.updated.v1"}


async def revocations(runtime) -> list[dict]:
    return [e for e in await outbox(runtime) if e["type"] in REVOCATIONS]


async def profiles(runtime, account) -> list[dict]:
    return [e for e in await outbox(runtime) if e["type"] in PROFILES and e["subject"] == str(account)]


def fields(response) -> dict:
    return {f["field"]: f["message"] for f in response.json()["error"]["fields"]}


async def test_admin_creates_an_officer_with_a_one_time_password(client, admin_headers):
    response = await client.post("/api/v1/accounts", headers=admin_headers, json={
        "username": "Petugas.Berau", "full_name": "Andi  Wijaya", "role": "district_officer",
        "district_code": "64.03", "nip": "198501012010011001", "phone": "0812-3456-7890",
        "email": "andi@example.go.id"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["username"] == "petugas.berau" and body["full_name"] == "Andi Wijaya"
    assert body["phone"] == "+6281234567890" and body["district_name"]
    assert body["role_name"] == "Petugas Dinas" and body["must_change_password"] is True
    one_time = body["one_time_password"]
    assert one_time and "password_hash" not in body
    async with client_for(client._transport.app, "10.7.7.7") as c:
        signed_in = await login(c, "petugas.berau", one_time)
    assert signed_in.status_code == 200 and signed_in.json()["must_change_password"] is True
    again = await client.get(f"/api/v1/accounts/{body['id']}", headers=admin_headers)
    assert again.json()["one_time_password"] is None


@pytest.mark.parametrize("change, field", [
    ({"password": "password123"}, "password"),
    ({"password": "pendek"}, "password"),
    ({"password": "qwertyuiop123"}, "password"),
    ({"role": "district_officer"}, "district_code"),
    ({"role": "district_officer", "district_code": "99.99"}, "district_code"),
    ({"district_code": "64.02"}, "district_code"),
    ({"nip": "12345678901234567"}, "nip"),
    ({"nip": "1234567890123456ab"}, "nip"),
    ({"phone": "12"}, "phone"),
    ({"email": "bukan-email"}, "email"),
    ({"role": "raja"}, "role"),
    ({"username": "A"}, "username"),
    ({"username": "budi santoso"}, "username"),
])
async def test_bad_input_is_refused_naming_the_field(client, admin_headers, change, field):
    response = await client.post("/api/v1/accounts", headers=admin_headers, json={**NEW, **change})
    assert response.status_code == 422, response.text
    assert field in fields(response)
    assert response.json()["error"]["message"]


async def test_a_username_is_taken_once(client, admin_headers):
    assert (await client.post("/api/v1/accounts", headers=admin_headers, json=NEW)).status_code == 201
    again = await client.post("/api/v1/accounts", headers=admin_headers, json={**NEW, "username": "PELATIH.BUDI"})
    assert again.status_code == 409 and "username" in fields(again)


async def test_only_admins_manage_accounts(app, client, officer):
    token = (await login(client, "petugas.kukar", OFFICER_PASSWORD)).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.post("/api/v1/accounts", headers=headers, json=NEW)).status_code == 403
    assert (await client.get("/api/v1/accounts", headers=headers)).status_code == 403
    own = await client.get(f"/api/v1/accounts/{officer.id}", headers=headers)
    assert own.status_code == 200 and own.json()["username"] == "petugas.kukar"
    assert (await client.get("/api/v1/accounts")).status_code == 403  # the access cookie: still the officer
    client.cookies.clear()
    assert (await client.get("/api/v1/accounts")).status_code == 401


async def test_list_filters(client, admin_headers, officer):
    await client.post("/api/v1/accounts", headers=admin_headers, json=NEW)
    officers = (await client.get("/api/v1/accounts", headers=admin_headers,
                                 params={"role": "district_officer"})).json()
    assert [a["username"] for a in officers] == ["petugas.kukar"]
    in_kukar = (await client.get("/api/v1/accounts", headers=admin_headers, params={"district_code": "64.02"})).json()
    assert [a["username"] for a in in_kukar] == ["petugas.kukar"]
    active = (await client.get("/api/v1/accounts", headers=admin_headers, params={"active": "true"})).json()
    assert {a["username"] for a in active} == {"admin.prov", "petugas.kukar", "pelatih.budi"}
    assert (await client.get("/api/v1/accounts", headers=admin_headers, params={"role": "raja"})).status_code == 422


async def test_patch_keeps_the_district_rules_and_a_new_district_ends_the_sessions(client, admin_headers, officer,
                                                                                   runtime):
    url = f"/api/v1/accounts/{officer.id}"
    trainer = await client.patch(url, headers=admin_headers, json={"role": "trainer", "district_code": "64.02"})
    assert trainer.status_code == 422 and "district_code" in fields(trainer)
    bad_nip = await client.patch(url, headers=admin_headers, json={"nip": "123"})
    assert bad_nip.status_code == 422 and "nip" in fields(bad_nip)
    renamed = await client.patch(url, headers=admin_headers, json={"full_name": "Siti Rahmawati, S.E."})
    assert renamed.status_code == 200 and renamed.json()["district_code"] == "64.02"
    assert renamed.json()["updated_by"]
    moved = await client.patch(url, headers=admin_headers, json={"district_code": "64.71"})
    assert moved.status_code == 200 and moved.json()["district_code"] == "64.71"
    as_trainer = await client.patch(url, headers=admin_headers, json={"role": "trainer"})
    assert as_trainer.status_code == 200 and as_trainer.json()["district_code"] is None
    events = [e["type"] for e in await revocations(runtime)]
    assert events == ["sipelkop.identity.account.sessions_revoked.v1"] * 2
    # The profile follows each change other services show, at the account's version (the NIP never travels).
    published = [(e["type"].rsplit(".", 2)[1], e["aggregate_version"], e["data"]["full_name"], e["data"]["role"],
                  e["data"]["district_code"]) for e in await profiles(runtime, officer.id)]
    assert published == [("registered", 1, "Siti Rahmawati", "district_officer", "64.02"),
                         ("updated", 2, "Siti Rahmawati, S.E.", "district_officer", "64.02"),
                         ("updated", 3, "Siti Rahmawati, S.E.", "district_officer", "64.71"),
                         ("updated", 4, "Siti Rahmawati, S.E.", "trainer", None)]


async def test_a_new_account_announces_its_profile_and_nothing_private(client, admin_headers, runtime):
    created = await client.post("/api/v1/accounts", headers=admin_headers, json={
        **NEW, "nip": "198501012010011001", "phone": "0812-3456-7890", "email": "budi@example.go.id",
        "password": "kapal-sungai-mahakam-8"})
    assert created.status_code == 201, created.text
    (event,) = await profiles(runtime, created.json()["id"])
    assert event["type"] == "sipelkop.identity.account.registered.v1" and event["aggregate_version"] == 1
    assert event["data"] == {"account_id": created.json()["id"], "username": "pelatih.budi",
                             "full_name": "Budi Santoso", "role": "trainer", "district_code": None, "active": True}
    for private in ("198501012010011001", "6281234567890", "budi@example.go.id", "kapal-sungai", "$argon2"):
        assert private not in str(event)
    # A change no other service shows (the phone) bumps the version but announces nothing.
    url = f"/api/v1/accounts/{created.json()['id']}"
    assert (await client.patch(url, headers=admin_headers, json={"phone": "0813-1111-2222"})).status_code == 200
    assert len(await profiles(runtime, created.json()["id"])) == 1


async def test_deactivation_reaches_the_outbox_and_ends_every_way_in(app, client, admin_headers, officer, runtime):
    async with client_for(app, "10.8.8.8") as browser:
        token = (await login(browser, "petugas.kukar", OFFICER_PASSWORD)).json()["access_token"]
        bearer = {"Authorization": f"Bearer {token}"}
        assert (await client.get(f"/api/v1/accounts/{officer.id}", headers=bearer)).status_code == 200
        done = await client.post(f"/api/v1/accounts/{officer.id}/deactivate", headers=admin_headers)
        assert done.status_code == 200 and done.json()["active"] is False
        (event,) = await revocations(runtime)
        assert event["type"] == "sipelkop.identity.account.deactivated.v1"
        assert event["subject"] == str(officer.id)
        assert event["data"]["account_id"] == str(officer.id) and event["data"]["not_before"]
        assert set(event["data"]) == {"account_id", "not_before"}
        assert (await browser.post("/api/v1/auth/refresh")).status_code == 401
        assert (await client.get(f"/api/v1/accounts/{officer.id}", headers=bearer)).status_code == 401
        assert (await login(browser, "petugas.kukar", OFFICER_PASSWORD)).status_code == 401
    again = await client.post(f"/api/v1/accounts/{officer.id}/reactivate", headers=admin_headers)
    assert again.json()["active"] is True
    assert [(e["type"].rsplit(".", 2)[1], e["aggregate_version"], e["data"]["active"])
            for e in await profiles(runtime, officer.id)] == [("registered", 1, True), ("updated", 2, False),
                                                              ("updated", 3, True)]
    async with client_for(app, "10.8.8.9") as browser:
        fresh = await login(browser, "petugas.kukar", OFFICER_PASSWORD)
        assert fresh.status_code == 200
        assert (await client.get(f"/api/v1/accounts/{officer.id}", headers={
            "Authorization": f"Bearer {fresh.json()['access_token']}"})).status_code == 200


async def test_reset_password_ends_sessions_and_the_new_one_must_be_changed(app, client, admin_headers, officer,
                                                                           runtime):
    async with client_for(app, "10.8.1.1") as browser:
        await login(browser, "petugas.kukar", OFFICER_PASSWORD)
        reset = await client.post(f"/api/v1/accounts/{officer.id}/reset-password", headers=admin_headers)
        one_time = reset.json()["one_time_password"]
        assert reset.status_code == 200 and one_time and reset.json()["must_change_password"]
        assert (await browser.post("/api/v1/auth/refresh")).status_code == 401
        assert (await login(browser, "petugas.kukar", OFFICER_PASSWORD)).status_code == 401
        signed_in = await login(browser, "petugas.kukar", one_time)
        assert signed_in.json()["must_change_password"] is True
        bearer = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        weak = await browser.post("/api/v1/auth/password", headers=bearer,
                                  json={"current_password": one_time, "new_password": "password1234"})
        assert weak.status_code == 422 and "new_password" in fields(weak)
        wrong = await browser.post("/api/v1/auth/password", headers=bearer,
                                   json={"current_password": "bukan-itu-123", "new_password": "sungai-mahakam-99"})
        assert wrong.status_code == 422 and "current_password" in fields(wrong)
        changed = await browser.post("/api/v1/auth/password", headers=bearer,
                                     json={"current_password": one_time, "new_password": "sungai-mahakam-99"})
        assert changed.status_code == 200, changed.text
        fresh = {"Authorization": f"Bearer {changed.json()['access_token']}"}
        me = await browser.get(f"/api/v1/accounts/{officer.id}", headers=fresh)
        assert me.status_code == 200 and me.json()["must_change_password"] is False
        # The session that changed the password lives on.
        assert (await browser.post("/api/v1/auth/refresh")).status_code == 200
    types = [e["type"] for e in await revocations(runtime)]
    assert types == ["sipelkop.identity.account.sessions_revoked.v1"] * 2


async def test_sign_out_everywhere(app, client, admin_headers, officer, runtime):
    async with client_for(app, "10.8.2.1") as one, client_for(app, "10.8.2.2") as two:
        await login(one, "petugas.kukar", OFFICER_PASSWORD)
        token = (await login(two, "petugas.kukar", OFFICER_PASSWORD)).json()["access_token"]
        out = await two.post("/api/v1/auth/logout-all", headers={"Authorization": f"Bearer {token}"})
        assert out.status_code == 204
        assert (await one.post("/api/v1/auth/refresh")).status_code == 401
    by_admin = await client.post(f"/api/v1/accounts/{officer.id}/revoke-sessions", headers=admin_headers)
    assert by_admin.status_code == 200
    assert [e["type"] for e in await revocations(runtime)] == ["sipelkop.identity.account.sessions_revoked.v1"] * 2


async def test_the_audit_trail_names_who_did_what(client, admin_headers, officer, runtime, admin):
    from sqlalchemy import select

    from services.identity.adapters.orm import AuditEntry

    await client.post(f"/api/v1/accounts/{officer.id}/deactivate", headers=admin_headers)
    async with runtime.sessions() as s:
        rows = (await s.execute(select(AuditEntry).where(AuditEntry.account_id == officer.id)
                                .order_by(AuditEntry.id))).scalars().all()
    assert [(r.action, r.actor_name) for r in rows] == [("akun dibuat", "Sistem (baris perintah)"),
                                                        ("akun dinonaktifkan", "Admin Provinsi Kaltim")]
    assert rows[-1].actor_id == str(admin.id)


async def test_no_password_or_hash_in_logs_or_events(app, client, admin_headers, officer, runtime, caplog):
    caplog.set_level(logging.INFO)  # aiosqlite at DEBUG logs every SQL parameter: see the report
    caplog.set_level(logging.DEBUG, logger="sipelkop")
    created = await client.post("/api/v1/accounts", headers=admin_headers,
                                json={**NEW, "password": "hutan-kayu-ulin-77"})
    async with client_for(app, "10.8.3.3") as c:
        await login(c, "pelatih.budi", "hutan-kayu-ulin-77")
        await login(c, "pelatih.budi", "salah-salah-salah-1")
    reset = await client.post(f"/api/v1/accounts/{created.json()['id']}/reset-password", headers=admin_headers)
    await client.post(f"/api/v1/accounts/{officer.id}/deactivate", headers=admin_headers)
    from sqlalchemy import select

    from services.identity.adapters.orm import Account

    async with runtime.sessions() as s:
        hashes = list((await s.execute(select(Account.password_hash))).scalars())
    secrets_ = ["hutan-kayu-ulin-77", "salah-salah-salah-1", reset.json()["one_time_password"], OFFICER_PASSWORD,
                ADMIN_PASSWORD, *hashes, "$argon2"]
    payloads = [str(e) for e in await outbox(runtime)]
    assert payloads
    text = caplog.text + "".join(payloads)
    for secret in secrets_:
        assert secret not in text
