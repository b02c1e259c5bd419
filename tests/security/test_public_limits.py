"""The public certificate verification is rate limited per client address: page and API share one count, the
refusal says in Bahasa how long to wait and carries Retry-After; other clients are not affected."""
from __future__ import annotations

import httpx
import pytest

from services.training.bootstrap import create_training_app
from services.training.config import TrainingSettings


@pytest.fixture
async def training(tmp_path):
    settings = TrainingSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/training.db", env="test",
                                kafka_bootstrap="127.0.0.1:1", data_dir=tmp_path)
    app = create_training_app(settings, start_background=False, handlers={})
    await app.state.runtime.start(run_relay=False, run_consumers=False)
    yield app
    await app.state.runtime.stop()


def visitor(app, address: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 40000)),
                             base_url="http://training")


async def test_walking_the_number_sequence_is_refused_with_retry_after(training):
    async with visitor(training, "203.0.113.20") as walker:
        answers = [await walker.get(f"/api/v1/certificates/UPTD-KUKM/2023/{n:04d}", params={"kode": "AAAAAAAAAA"})
                   for n in range(1, 21)]
        pages = [await walker.get(f"/verifikasi?nomor=UPTD-KUKM/2023/{n:04d}&kode=AAAAAAAAAA",
                                  headers={"Accept": "text/html"}) for n in range(21, 31)]
        refused_api = await walker.get("/api/v1/certificates/UPTD-KUKM/2023/0031", params={"kode": "AAAAAAAAAA"})
        refused_page = await walker.get("/verifikasi?nomor=UPTD-KUKM/2023/0032&kode=AAAAAAAAAA",
                                        headers={"Accept": "text/html"})
    assert {a.status_code for a in answers} == {404} and {p.status_code for p in pages} == {404}
    assert refused_api.status_code == 429 and 0 < int(refused_api.headers["Retry-After"]) <= 60
    assert "Terlalu banyak permintaan dari alamat Anda" in refused_api.json()["error"]["message"]
    assert refused_page.status_code == 429 and refused_page.headers["Retry-After"]
    assert "text/html" in refused_page.headers["content-type"]
    assert "Terlalu banyak permintaan dari alamat Anda" in refused_page.text

    async with visitor(training, "198.51.100.7") as other:
        assert (await other.get("/verifikasi")).status_code == 200
