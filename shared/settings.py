"""Settings every service shares; each service subclasses ServiceSettings once, in its config.py."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
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
    # Public addresses of the other services' pages, for the one navigation across them (same host, own port
    # on a laptop; behind the front door, wherever it publishes each service).
    registration_url: str = _common("registration_url", default="http://127.0.0.1:8001", pattern=r"^https?://[^/]+(/.*)?$")
    training_url: str = _common("training_url", default="http://127.0.0.1:8002", pattern=r"^https?://[^/]+(/.*)?$")
    reporting_url: str = _common("reporting_url", default="http://127.0.0.1:8003", pattern=r"^https?://[^/]+(/.*)?$")
    # Swagger UI at /docs (served from the package, no CDN): on unless SIPELKOP_ENV=production, where it is off
    # unless SIPELKOP_API_DOCS=true.
    api_docs: bool | None = _common("api_docs", default=None)
    kafka_bootstrap: str = _common("kafka_bootstrap", default="127.0.0.1:9092")
    # How the service authenticates to Kafka: SASL_SSL (SCRAM over TLS) in a deployment, SASL_PLAINTEXT on the
    # loopback-only local broker of `sipelkop up`; each service has its own principal (shared/infra/kafka_access.py).
    kafka_security_protocol: Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL"] = _common(
        "kafka_security_protocol", default="PLAINTEXT")
    kafka_sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256"] = _common("kafka_sasl_mechanism",
                                                                             default="SCRAM-SHA-512")
    kafka_sasl_username: str = _common("kafka_sasl_username", default="")
    kafka_sasl_password: SecretStr = _common("kafka_sasl_password", default=SecretStr(""))
    # CA certificate (PEM) that signed the brokers' TLS certificates, for SASL_SSL; empty: the system's CAs.
    kafka_ssl_cafile: str = _common("kafka_ssl_cafile", default="")
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
    # How far an event's aggregate_version may be ahead of the highest its consumer applied for that subject
    # before it is parked as forged (shared/messaging/inbox.py).
    event_version_margin: int = _common("event_version_margin", default=1000, ge=1)
    max_request_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)

    @model_validator(mode="after")
    def _jwks_default(self):
        for name in ("identity_url", "registration_url", "training_url", "reporting_url"):
            setattr(self, name, getattr(self, name).rstrip("/"))
        if not self.jwks_url:
            self.jwks_url = f"{self.identity_url}/.well-known/jwks.json"
        if self.kafka_security_protocol != "PLAINTEXT" and not (
                self.kafka_sasl_username and self.kafka_sasl_password.get_secret_value()):
            raise ValueError(f"SIPELKOP_KAFKA_SASL_USERNAME dan SIPELKOP_KAFKA_SASL_PASSWORD wajib diisi bila "
                             f"SIPELKOP_KAFKA_SECURITY_PROTOCOL={self.kafka_security_protocol}")
        return self

    @property
    def api_docs_enabled(self) -> bool:
        return self.api_docs if self.api_docs is not None else self.env != "production"

    def sqlite_url(self, name: str) -> str:
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{name}.db').resolve()}"
