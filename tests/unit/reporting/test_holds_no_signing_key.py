"""Reporting verifies tokens but can mint none: no signing key in its settings, its running app or its data dir,
and a token it could make without identity's key is refused like any forgery."""
import httpx

from services.reporting.bootstrap import create_reporting_app
from services.reporting.config import ReportingSettings
from tests.fixtures.tokens import foreign_token


async def test_reporting_has_no_private_key_and_refuses_tokens_identity_did_not_sign(tmp_path):
    settings = ReportingSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/reporting.db",
                                 kafka_bootstrap="127.0.0.1:1", data_dir=tmp_path)
    dumped = settings.model_dump()
    assert not [k for k in dumped if any(w in k for w in ("secret_key", "signing", "private"))], sorted(dumped)
    app = create_reporting_app(settings, background=False)
    async with app.router.lifespan_context(app):
        verifier = app.state.verifier
        assert verifier.jwks.url.endswith("jwks.json")  # public keys only
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reporting") as client:
            forged = await client.get("/api/v1/reports/summary",
                                      headers={"Authorization": f"Bearer {foreign_token('admin')}"})
            assert forged.status_code == 401
    for path in tmp_path.rglob("*"):
        if path.is_file() and not path.suffix.startswith(".db"):
            assert b"PRIVATE KEY" not in path.read_bytes(), path
    assert not list(tmp_path.rglob("signing-keys*"))
