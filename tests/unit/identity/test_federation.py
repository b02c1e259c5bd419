"""SSO claims to a local account, without a provider: the mapping rules and the linking (the flow itself is
tested against a real Keycloak in tests/integration/identity/test_sso_keycloak.py)."""
from __future__ import annotations

import pytest

from services.identity.service_layer import accounts, federation
from tests.unit.identity.conftest import identity_settings

ISSUER = "https://sso.example/realms/kaltim"
MAP = {"sipelkop-admin": "admin", "sipelkop-dinas": "district_officer"}


def claims(**extra) -> dict:
    return {"sub": "kc-1", "preferred_username": "Rina.Kukar", "name": "Rina Kartika", "email": "rina@kaltim.go.id",
            "email_verified": True, "roles": ["offline_access", "sipelkop-dinas"], "district": "64.02", **extra}


def test_claims_map_to_role_and_district(tmp_path):
    person = federation.external_person(identity_settings(tmp_path, sso_role_map=MAP), ISSUER, claims())
    assert (person.username, person.role, person.district_code, person.email) == (
        "rina.kukar", "district_officer", "64.02", "rina@kaltim.go.id")


def test_a_dotted_role_claim_and_an_unverified_email(tmp_path):
    settings = identity_settings(tmp_path, sso_role_map=MAP, sso_role_claim="realm_access.roles")
    person = federation.external_person(settings, ISSUER, claims(roles=None, email_verified=False,
                                                                 realm_access={"roles": ["sipelkop-admin"]}))
    assert person.role == "admin" and person.district_code is None and person.email is None


@pytest.mark.parametrize("extra, words", [({"roles": ["sipelkop-tamu"]}, "belum diberi peran"),
                                          ({"district": None}, "tidak memiliki kode kabupaten"),
                                          ({"sub": ""}, "tidak mengirim identitas")])
def test_refusals_are_in_bahasa(tmp_path, extra, words):
    with pytest.raises(federation.SsoRefused, match=words):
        federation.external_person(identity_settings(tmp_path, sso_role_map=MAP), ISSUER, claims(**extra))


def test_the_service_account_role_cannot_be_mapped():
    with pytest.raises(ValueError, match="reconciler"):
        federation.check_role_map({"x": "reconciler"})


async def test_first_sign_in_creates_then_links_and_the_provider_decides_the_district(runtime, settings):
    settings = settings.model_copy(update={"sso_role_map": MAP})
    person = federation.external_person(settings, ISSUER, claims())
    first = await federation.sign_in_external(runtime.uow(), settings, person)
    again = await federation.sign_in_external(runtime.uow(), settings, person)
    assert first.id == again.id and first.username == "rina.kukar" and not first.must_change_password
    moved = federation.external_person(settings, ISSUER, claims(district="64.72", preferred_username="other"))
    assert (await federation.sign_in_external(runtime.uow(), settings, moved)).district_code == "64.72"
    await accounts.deactivate(runtime.uow(), accounts.SYSTEM, first.id)
    with pytest.raises(federation.SsoRefused, match="dinonaktifkan"):
        await federation.sign_in_external(runtime.uow(), settings, person)


async def test_sso_off_means_no_button_and_a_page_for_its_routes(client):
    assert "Masuk dengan" not in (await client.get("/masuk")).text
    answer = await client.get("/masuk/sso")
    assert answer.status_code == 404 and "tidak diaktifkan" in answer.text
    assert answer.headers["content-type"].startswith("text/html")
