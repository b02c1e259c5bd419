"""The officers' sign-in page (/masuk) takes 10 attempts per client address in 5 minutes; the 11th gets 429."""
import httpx
import pytest

from services.registration.bootstrap import create_registration_app
from services.registration.config import RegistrationSettings
from shared import ratelimit
from shared.auth import issue_token
from tests.conftest import TEST_SECRET


@pytest.fixture(autouse=True)
def fresh_limiter():
    ratelimit.SIGN_IN._hits.clear()
    yield
    ratelimit.SIGN_IN._hits.clear()


@pytest.fixture
def pages(tmp_path):
    settings = RegistrationSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/r.db", secret_key=TEST_SECRET)
    app = create_registration_app(settings, handlers={}, start_background=False)
    return lambda client: httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(client, 5000)),
                                            base_url="http://registration")


async def test_the_eleventh_attempt_from_one_address_is_refused_in_indonesian(pages):
    guesser = pages("10.0.0.7")
    answers = [(await guesser.post("/masuk", data={"token": f"tebakan-{i}"})).status_code for i in range(10)]
    assert answers == [401] * 10
    refused = await guesser.post("/masuk", data={"token": "tebakan-11"})
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "too_many_attempts" and "Terlalu banyak percobaan masuk" in error["message"]
    # Even a good token waits: the limit counts attempts, not failures.
    good = issue_token(TEST_SECRET, subject="petugas", role="district_officer", district="64.02")
    assert (await guesser.post("/masuk", data={"token": good})).status_code == 429
    # Another address is not punished.
    officer = pages("10.0.0.8")
    signed_in = await officer.post("/masuk", data={"token": good})
    assert signed_in.status_code == 303 and "sipelkop_token" in signed_in.cookies
