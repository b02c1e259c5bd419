"""Every answer carries its correlation id and is counted and timed by route template; a declared oversized body is
refused with 413 before anything else (shared/http.py's pure ASGI middleware)."""
import httpx
import pytest

from services.registration.bootstrap import create_registration_app
from services.registration.config import RegistrationSettings
from shared.observability import current_correlation_id
from tests.fixtures.tokens import test_token


@pytest.fixture
async def service(tmp_path):
    settings = RegistrationSettings(env="test", database_url=f"sqlite+aiosqlite:///{tmp_path}/r.db",
                                    max_request_bytes=10_000, kafka_bootstrap="127.0.0.1:9")
    app = create_registration_app(settings, handlers={})

    async def echo_correlation() -> dict:
        return {"bound": current_correlation_id()}

    app.add_api_route("/gema/{nomor}", echo_correlation)
    token = test_token(subject="a", role="admin")
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://r",
                                     headers={"Authorization": f"Bearer {token}"}) as client:
            yield client, app.state.runtime.registry


def sample(registry, name: str, **labels) -> float:
    return registry.get_sample_value(name, labels) or 0.0


async def test_the_clients_correlation_id_is_bound_for_the_request_and_echoed(service):
    client, _ = service
    answer = await client.get("/gema/1", headers={"X-Correlation-Id": "kor-123"})
    assert answer.status_code == 200
    assert answer.json() == {"bound": "kor-123"}
    assert answer.headers["x-correlation-id"] == "kor-123"


async def test_a_request_without_one_gets_a_new_id_per_request(service):
    client, _ = service
    first, second = await client.get("/gema/1"), await client.get("/gema/2")
    assert first.json()["bound"] == first.headers["x-correlation-id"]
    assert first.headers["x-correlation-id"] != second.headers["x-correlation-id"]
    assert len(first.headers.get_list("x-correlation-id")) == 1


async def test_requests_are_counted_and_timed_by_route_template_and_status(service):
    client, registry = service
    for n in range(3):
        await client.get(f"/gema/{n}")
    await client.get("/tidak-ada-halaman-ini", headers={"accept": "application/json"})
    assert sample(registry, "sipelkop_http_requests_total", service="registration", method="GET",
                  route="/gema/{nomor}", status="200") == 3
    assert sample(registry, "sipelkop_http_request_duration_seconds_count", service="registration", method="GET",
                  route="/gema/{nomor}") == 3
    assert sample(registry, "sipelkop_http_requests_total", service="registration", method="GET",
                  route="unmatched", status="404") == 1


async def test_a_declared_oversized_body_gets_413_with_the_security_headers_and_is_not_counted(service):
    client, registry = service
    answer = await client.post("/api/v1/cooperatives", content=b"x" * 20_000,
                               headers={"content-type": "application/json"})
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "payload_too_large"
    assert "10000 byte" in answer.json()["error"]["message"]
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "x-correlation-id" not in answer.headers  # refused before a request id exists, as before
    assert sample(registry, "sipelkop_http_requests_total", service="registration", method="POST",
                  route="/api/v1/cooperatives", status="413") == 0


async def test_a_refusal_by_the_app_is_counted_with_its_status(service):
    client, registry = service
    answer = await client.post("/api/v1/cooperatives", json={"name": "x"})
    assert answer.status_code == 422 and answer.headers["x-correlation-id"]
    assert sample(registry, "sipelkop_http_requests_total", service="registration", method="POST",
                  route="/api/v1/cooperatives", status="422") == 1
