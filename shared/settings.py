"""Settings every service shares; each service subclasses ServiceSettings once, in its config.py."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

def _common(name: str, **kwargs):
    # Common settings are read from SIPELKOP_* whatever the service's own prefix is.
    return Field(validation_alias=AliasChoices(f"SIPELKOP_{name.upper()}"), **kwargs)


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    env: Literal["development", "test", "production"] = _common("env", default="development")
    # Identity: the issuer of every access token and the public address of its sign-in page (/masuk).
    identity_url: str = _common("identity_url", default="http://127.0.0.1:8004", pattern=r"^https?://[^/]+(/.*)?$")
    # Where identity's public keys are fetched (default: identity_url's /.well-known/jwks.json); inside a cluster
    # the internal address, or a file:// path to a mounted key set.
    jwks_url: str = _common("jwks_url", default="")
    kafka_bootstrap: str = _common("kafka_bootstrap", default="127.0.0.1:9092")
    # Namespace for every topic and consumer group, e.g. "kaltim." when one cluster serves several provinces.
    topic_prefix: str = _common("topic_prefix", default="", pattern=r"^[a-zA-Z0-9._-]*$", max_length=60)
    # Used only if a service has to create a missing topic itself (the deployment's init step normally does).
    topic_replication: int = _common("topic_replication", default=1, ge=1, le=5)
    data_dir: Path = _common("data_dir", default=Path(".data"))
    log_level: str = _common("log_level", default="INFO")
    # Proxies whose X-Forwarded-For is believed (uvicorn's forwarded_allow_ips): behind a reverse proxy, the
    # sign-in rate limit must count each district office's address, not the proxy's.
    trusted_proxies: str = _common("trusted_proxies", default="127.0.0.1")
    host: str = "127.0.0.1"
    # Service-specific, set by the subclass: port and database_url.
    port: int = 8000
    database_url: str = ""
    # Outbox relay: how often to poll and how many rows per round.
    relay_interval_s: float = 0.2
    relay_batch_size: int = Field(default=500, ge=1, le=10_000)
    max_request_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)

    @model_validator(mode="after")
    def _jwks_default(self):
        self.identity_url = self.identity_url.rstrip("/")
        if not self.jwks_url:
            self.jwks_url = f"{self.identity_url}/.well-known/jwks.json"
        return self

    def sqlite_url(self, name: str) -> str:
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{name}.db').resolve()}"
