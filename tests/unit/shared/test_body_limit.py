"""Oversized bodies are refused with 413, whether announced by Content-Length or streamed in chunks."""
import httpx
import pytest

from services.registration.bootstrap import create_registration_app
from services.registration.config import RegistrationSettings
from tests.fixtures.tokens import test_token


@pytest.fixture
async def client(tmp_path):
    settings = RegistrationSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/r.db",
                                    max_request_bytes=10_000, kafka_bootstrap="127.0.0.1:9")
    app = create_registration_app(settings, handlers={})  # no consumer: nothing waits for Kafka here
    token = test_token(subject="a", role="admin")
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://r",
                                     headers={"Authorization": f"Bearer {token}"}) as c:
            yield c


async def test_an_announced_oversized_body_is_refused_before_it_is_read(client):
    answer = await client.post("/api/v1/cooperatives", content=b"x" * 20_000,
                               headers={"content-type": "application/json"})
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "payload_too_large"


async def test_a_chunked_body_without_length_stops_at_the_limit(client):
    async def chunks():
        for _ in range(50):
            yield b'{"x": "' + b"y" * 1000 + b'"}'

    answer = await client.post("/api/v1/cooperatives", content=chunks(), headers={"content-type": "application/json"})
    assert answer.status_code == 413


async def test_a_body_under_the_limit_goes_through_to_validation(client):
    answer = await client.post("/api/v1/cooperatives", json={"name": "x"})
    assert answer.status_code == 422
