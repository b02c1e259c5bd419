"""The public certificate verification needs the number AND the code printed in the QR link: with both it says
genuine or revoked and whose certificate it is; with the number alone it asks for the code and says nothing about
the person; an unknown number and a wrong code get one and the same answer. Staff still see the link with the code.
Training in process over real PostgreSQL, through its HTTP API and its page."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from services.training.config import DEV_CERTIFICATE_KEY, TrainingSettings
from services.training.domain.certificates import normalise_code, verification_code, written_code
from tests.integration.training.conftest import PUBLIC_URL, scheduled
from tests.integration.training.conftest import training  # noqa: F401  (the in-process training fixture)
from tests.integration.training.test_certificates import _finish

HTML = {"Accept": "text/html"}


@pytest.fixture
async def certificate(training):  # noqa: F811
    batch, people = await scheduled(training, participants=2, days=1)
    await _finish(training, batch, people)
    trainer = training.client("trainer", "pelatih-1")
    assert (await trainer.post(f"/api/v1/batches/{batch['id']}/sessions/1/complete")).status_code == 200
    cert = (await trainer.get(f"/api/v1/batches/{batch['id']}/certificates")).json()[0]
    return batch, cert


def code_of(cert: dict) -> str:
    url = urlsplit(cert["verification_url"])
    assert f"{url.scheme}://{url.netloc}" == PUBLIC_URL and url.path == "/verifikasi"
    query = parse_qs(url.query)
    assert query["nomor"] == [cert["number"]]
    return query["kode"][0]


async def test_number_and_code_show_whose_certificate_it_is(training, certificate):  # noqa: F811
    batch, cert = certificate
    code = code_of(cert)
    assert len(code) == 10
    public = training.client(None)
    genuine = await public.get(f"/api/v1/certificates/{cert['number']}", params={"kode": code})
    assert genuine.status_code == 200
    assert genuine.json()["full_name"] == cert["full_name"] and genuine.json()["genuine"] is True
    # As people type it from paper: lower case, a dash, a zero for an O.
    typed = written_code(code).lower().replace("o", "0")
    assert (await public.get(f"/api/v1/certificates/{cert['number']}", params={"kode": typed})).status_code == 200
    page = await public.get("/verifikasi", params={"nomor": cert["number"], "kode": code}, headers=HTML)
    assert page.status_code == 200 and "ASLI" in page.text and cert["full_name"] in page.text
    assert batch["title"] in page.text


async def test_the_number_alone_asks_for_the_code_and_shows_nothing_personal(training, certificate):  # noqa: F811
    _, cert = certificate
    public = training.client(None)
    api = await public.get(f"/api/v1/certificates/{cert['number']}")
    assert api.status_code == 422
    assert api.json()["error"]["fields"] == [{"field": "kode", "message": "wajib diisi: tertulis pada sertifikat"}]
    assert cert["full_name"] not in api.text
    page = await public.get("/verifikasi", params={"nomor": cert["number"]}, headers=HTML)
    assert page.status_code == 422
    assert "Masukkan kode verifikasi yang tertulis pada sertifikat" in page.text
    assert cert["full_name"] not in page.text and "ASLI" not in page.text


async def test_an_unknown_number_and_a_wrong_code_get_the_same_answer(training, certificate):  # noqa: F811
    _, cert = certificate
    public = training.client(None)
    wrong = await public.get(f"/api/v1/certificates/{cert['number']}", params={"kode": "AAAAAAAAAA"})
    unknown_number = "UPTD-KUKM/1999/0001"
    unknown = await public.get(f"/api/v1/certificates/{unknown_number}",
                               params={"kode": verification_code(DEV_CERTIFICATE_KEY, unknown_number)})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    assert cert["full_name"] not in wrong.text
    page = await public.get("/verifikasi", params={"nomor": cert["number"], "kode": "AAAAAAAAAA"}, headers=HTML)
    assert page.status_code == 404 and "tidak cocok" in page.text and cert["full_name"] not in page.text


async def test_a_revoked_certificate_is_shown_as_revoked_with_its_code(training, certificate):  # noqa: F811
    _, cert = certificate
    admin, public = training.client(), training.client(None)
    assert (await admin.post(f"/api/v1/certificates/{cert['number']}/revoke",
                             json={"reason": "nama peserta tertukar"})).status_code == 200
    seen = (await public.get(f"/api/v1/certificates/{cert['number']}", params={"kode": code_of(cert)})).json()
    assert (seen["genuine"], seen["status"], seen["revoked_reason"]) == (False, "revoked", "nama peserta tertukar")


def test_codes_are_keyed_and_read_as_written():
    assert verification_code("kunci-satu-0123456789", "UPTD-KUKM/2023/0001") != verification_code(
        "kunci-dua-0123456789", "UPTD-KUKM/2023/0001")
    assert verification_code("kunci-satu-0123456789", "UPTD-KUKM/2023/0001") != verification_code(
        "kunci-satu-0123456789", "UPTD-KUKM/2023/0002")
    assert normalise_code(" abcde-fgh2 3 ") == "ABCDEFGH23" and normalise_code("0I8") == "OIB"


def test_production_refuses_the_development_key():
    with pytest.raises(ValueError, match="TRAINING_CERTIFICATE_KEY"):
        TrainingSettings(env="production", evaluation_key="x" * 32, database_url="sqlite+aiosqlite:///x.db")
