"""The trainers' sign-in page (/pelatih/masuk) takes 10 attempts per client address in 5 minutes; the 11th gets 429."""
import httpx
import pytest

from services.training.bootstrap import create_training_app
from services.training.config import TrainingSettings
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
    settings = TrainingSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/t.db", secret_key=TEST_SECRET)
    app = create_training_app(settings, handlers={}, start_background=False)
    return lambda client: httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(client, 5000)),
                                            base_url="http://training")


async def test_the_eleventh_attempt_from_one_address_is_refused_in_indonesian(pages):
    guesser = pages("10.0.0.7")
    answers = [(await guesser.post("/pelatih/masuk", data={"token": f"tebakan-{i}"})).status_code for i in range(10)]
    assert answers == [401] * 10
    refused = await guesser.post("/pelatih/masuk", data={"token": "tebakan-11"})
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "too_many_attempts" and "Terlalu banyak percobaan masuk" in error["message"]
    good = issue_token(TEST_SECRET, subject="pelatih-1", role="trainer")
    assert (await guesser.post("/pelatih/masuk", data={"token": good})).status_code == 429
    trainer = pages("10.0.0.8")
    signed_in = await trainer.post("/pelatih/masuk", data={"token": good})
    assert signed_in.status_code == 303 and "sipelkop_token" in signed_in.cookies
