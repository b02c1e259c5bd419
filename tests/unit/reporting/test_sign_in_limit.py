"""The dashboard's sign-in form stops guessing: the eleventh try in five minutes waits."""
import httpx
import pytest

from shared import ratelimit


@pytest.fixture(autouse=True)
def fresh_limiter():
    ratelimit.SIGN_IN._hits.clear()
    yield
    ratelimit.SIGN_IN._hits.clear()


async def test_the_eleventh_sign_in_attempt_is_refused(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reporting") as client:
        answers = [await client.post("/dasbor/masuk", data={"token": "salah"}) for _ in range(11)]
    assert [a.status_code for a in answers[:10]] == [401] * 10
    assert answers[10].status_code == 429
    assert "Terlalu banyak percobaan" in answers[10].json()["error"]["message"]


async def test_exports_are_documented_as_files_not_json(app):
    paths = app.openapi()["paths"]
    assert "text/csv" in paths["/api/v1/reports/{name}.csv"]["get"]["responses"]["200"]["content"]
    assert "application/pdf" in paths["/api/v1/reports/summary.pdf"]["get"]["responses"]["200"]["content"]
