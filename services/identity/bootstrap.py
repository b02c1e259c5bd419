"""Identity's composition root: every dependency wired once, overridable by keyword for tests."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from services.identity.adapters.keys import KeyStore
from services.identity.adapters.orm import messaging
from services.identity.config import IdentitySettings
from shared.auth import TokenVerifier
from shared.http import create_app
from shared.revocation import RevocationList
from shared.runtime import ServiceRuntime, build_runtime

NAME = "identity"
MIGRATIONS = Path(__file__).parent / "migrations"


def bootstrap(settings: IdentitySettings | None = None, *, registry: CollectorRegistry | None = None,
              keys: KeyStore | None = None) -> ServiceRuntime:
    """Identity verifies its own tokens with its own key ring (no HTTP round trip to itself)."""
    settings = settings or IdentitySettings()
    keys = keys or KeyStore(settings.signing_keys_file)
    holder: dict[str, ServiceRuntime] = {}
    verifier = TokenVerifier(keys, issuer=settings.identity_url,
                             revocations=RevocationList(lambda: holder["runtime"].sessions, messaging,
                                                        refresh_s=settings.revocation_refresh_s))
    runtime = build_runtime(name=NAME, settings=settings, tables=messaging, migrations=MIGRATIONS, handlers={},
                            registry=registry, verifier=verifier)
    holder["runtime"] = runtime
    runtime.keys = keys
    return runtime


def create_identity_app(settings: IdentitySettings | None = None, *, start_background: bool = True,
                        **kwargs) -> FastAPI:
    from services.identity.entrypoints import http, pages, sso

    runtime = bootstrap(settings, **kwargs)
    app = create_app(runtime, start_background=start_background, title="SIPELKOP Identitas",
                     description="Akun, masuk dan keluar, sesi, serta kunci penanda tangan token akses SIPELKOP.",
                     routers=[http.router, pages.router], page_sign_in=False)
    app.state.keys = runtime.keys
    sso.install(app, runtime.settings)  # "Masuk dengan SSO" when IDENTITY_SSO_ISSUER is set
    return app
