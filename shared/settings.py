"""Settings every service shares; each service subclasses ServiceSettings once, in its config.py."""
from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

def _common(name: str, **kwargs):
    # Common settings are read from SIPELKOP_* whatever the service's own prefix is.
    return Field(validation_alias=AliasChoices(f"SIPELKOP_{name.upper()}"), **kwargs)


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    # Production unless said otherwise: a forgotten variable must not accept the secrets published in this
    # repository. `make run` and `sipelkop up` say development, the test suite says test or development.
    env: Literal["development", "test", "production"] = _common("env", default="production")
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
    relay_interval_s: float = 0.2  # the poll on SQLite; on PostgreSQL a safety net beside the NOTIFY wake-up
    relay_batch_size: int = Field(default=500, ge=1, le=10_000)
    # How far an event's aggregate_version may be ahead of the highest its consumer applied for that subject
    # before it is parked as forged (shared/messaging/inbox.py).
    event_version_margin: int = _common("event_version_margin", default=1000, ge=1)
    # How long published outbox rows are kept: `sipelkop kafka recover` republishes those published since a backup,
    # so this must exceed the time between two backups (docs/OPERATIONS.md).
    outbox_retention_days: int = _common("outbox_retention_days", default=30, ge=1, le=3650)
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

    # Secret values published in this repository (templates' placeholders, the local PostgreSQL's password):
    # refused in production whatever setting holds them; a service adds its own development defaults.
    published_secrets: ClassVar[frozenset[str]] = frozenset({"GANTI", "sipelkop", "admin-lokal-saja"})

    def secret_values(self) -> dict[str, str]:
        """The secrets this service holds, by the variable that sets them (a subclass adds its own)."""
        found = {}
        if self.kafka_security_protocol != "PLAINTEXT":
            found["SIPELKOP_KAFKA_SASL_PASSWORD"] = self.kafka_sasl_password.get_secret_value()
        for variable, url in self.database_urls().items():
            password = _remote_password(url)
            if password is not None:
                found[f"{variable} (kata sandi)"] = password
        return found

    def database_urls(self) -> dict[str, str]:
        """The databases this service connects to, by the variable that sets each."""
        if not self.database_url:  # the shared settings alone (a command that opens no database)
            return {}
        return {f"{self.model_config.get('env_prefix', '').upper()}DATABASE_URL": self.database_url}

    @property
    def api_docs_enabled(self) -> bool:
        return self.api_docs if self.api_docs is not None else self.env != "production"

    def sqlite_url(self, name: str) -> str:
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{name}.db').resolve()}"


# --- what a production start refuses (no I/O: the settings in, the problems out) ---------------------------------

MIN_SECRET_LENGTH = 16  # as identity's one-time passwords (22) and the local broker's (32); examples make 64
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# The TLS modes that refuse a server without TLS ("prefer" and "allow" fall back to plain text silently).
TLS_MODES = frozenset({"require", "verify-ca", "verify-full"})


def production_problems(settings: ServiceSettings) -> list[str]:
    """Why this service must not start with SIPELKOP_ENV=production (empty: it may), each naming its setting."""
    problems = secret_problems(settings.secret_values(), settings.published_secrets)
    if settings.kafka_security_protocol == "PLAINTEXT":
        problems.append("SIPELKOP_KAFKA_SECURITY_PROTOCOL=PLAINTEXT: Kafka tanpa autentikasi; pakai SASL_SSL dengan "
                        "SIPELKOP_KAFKA_SASL_USERNAME dan SIPELKOP_KAFKA_SASL_PASSWORD")
    for variable, url in settings.database_urls().items():
        if (problem := database_tls_problem(url)) is not None:
            problems.append(f"{variable}: {problem}")
    return problems


def secret_problems(secrets: dict[str, str], published: frozenset[str]) -> list[str]:
    problems = []
    for variable, value in secrets.items():
        if value.strip() in published:
            problems.append(f"{variable} masih bernilai contoh yang diterbitkan di repositori; isi dengan rahasia "
                            f"acak (openssl rand -hex 32)")
        elif len(value) < MIN_SECRET_LENGTH:
            problems.append(f"{variable} terlalu pendek ({len(value)} karakter; paling sedikit {MIN_SECRET_LENGTH})")
    return problems


def database_tls_problem(url: str) -> str | None:
    """None for SQLite, a local or Unix-socket server, or TLS required; else what is wrong and how to fix it."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:
        return "alamat basis data tidak dapat dibaca"
    if parsed.get_backend_name() == "sqlite" or _is_local(parsed):
        return None
    query = {k: v if isinstance(v, str) else v[-1] for k, v in parsed.query.items()}
    if parsed.get_driver_name() == "asyncpg":
        if query.get("ssl", "").lower() in TLS_MODES | {"true"}:
            return None
        return f"basis data di {parsed.host} tanpa TLS; tambahkan ?ssl=require (atau verify-full) pada alamatnya"
    if query.get("sslmode", "").lower() in TLS_MODES:
        return None
    return f"basis data di {parsed.host} tanpa TLS; tambahkan ?sslmode=require (atau verify-full) pada alamatnya"


def _is_local(parsed) -> bool:
    host = parsed.query.get("host") or parsed.host  # ?host=/run/postgresql: a Unix socket
    if isinstance(host, tuple):
        host = host[-1]
    return not host or host.startswith("/") or host.lower() in LOCAL_HOSTS


def _remote_password(url: str) -> str | None:
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:
        return None
    if parsed.get_backend_name() == "sqlite" or _is_local(parsed) or parsed.password is None:
        return None
    return str(parsed.password)
