"""Identity settings: IDENTITY_* plus the common SIPELKOP_* ones."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings
from shared.tokens import MAX_ACCESS_MINUTES


class IdentitySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="IDENTITY_", extra="ignore", populate_by_name=True)

    port: int = 8004
    # Access tokens are short-lived (at most 15 minutes): a revoked account's token dies quickly even unseen.
    access_token_minutes: int = Field(default=10, ge=1, le=MAX_ACCESS_MINUTES)
    # The browser's refresh session: ends after this long unused, and at the latest after the absolute lifetime.
    session_idle_minutes: int = Field(default=60, ge=1, le=24 * 60)
    session_absolute_hours: float = Field(default=12, gt=0, le=24 * 30)
    # Identity's private keys (mode 0600); default <data_dir>/identity/signing-keys.json.
    signing_keys_file: Path | None = None
    # Failed sign-ins, counted in the database so the limit holds across replicas and restarts.
    throttle_account_failures: int = Field(default=5, ge=1)
    throttle_ip_failures: int = Field(default=20, ge=1)
    throttle_window_minutes: float = Field(default=15, gt=0)
    throttle_wait_minutes: float = Field(default=5, gt=0)
    # How often identity re-reads its own revocation table (seconds).
    revocation_refresh_s: float = Field(default=2.0, ge=0)
    # Where people land after signing in, per role.
    registration_url: str = "http://127.0.0.1:8001"
    training_url: str = "http://127.0.0.1:8002"
    reporting_url: str = "http://127.0.0.1:8003"

    @model_validator(mode="after")
    def _defaults(self):
        if not self.database_url:
            self.database_url = self.sqlite_url("identity")
        if self.signing_keys_file is None:
            self.signing_keys_file = self.data_dir / "identity" / "signing-keys.json"
        for name in ("registration_url", "training_url", "reporting_url"):
            setattr(self, name, getattr(self, name).rstrip("/"))
        return self
