"""A participant's category that is not text (a list, a number: what the fuzzer sent) is refused as a 422 naming
the field, on create and on correction; it was a 500 (the normaliser called .strip() on it)."""
from __future__ import annotations

import uuid

import httpx
import pytest

from services.registration.bootstrap import create_registration_app
from services.registration.config import RegistrationSettings
from tests.fixtures.tokens import test_token


@pytest.fixture
async def officer(tmp_path):
    app = create_registration_app(RegistrationSettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/r.db", kafka_bootstrap="127.0.0.1:9",
        identity_url="http://identity.test"), handlers={}, start_background=False)
    token = test_token(subject="officer-64.02", role="district_officer", district="64.02")
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://registration",
                                     headers={"Authorization": f"Bearer {token}"}) as client:
            yield client


@pytest.mark.parametrize("category", [["pelaku_umk"], 7, {"kode": "umk"}], ids=["list", "number", "object"])
async def test_a_category_that_is_not_text_is_refused_naming_the_field(officer, category):
    created = await officer.post("/api/v1/participants", json={
        "nik": "6402014506850003", "full_name": "Siti Aminah", "category": category})
    corrected = await officer.patch(f"/api/v1/participants/{uuid.uuid4()}", json={"category": category})
    for answer in (created, corrected):
        assert answer.status_code == 422, answer.text
        fields = {f["field"]: f["message"] for f in answer.json()["error"]["fields"]}
        assert "kategori peserta harus berupa teks" in fields["category"]
