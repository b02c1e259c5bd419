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
    # Federation (OpenID Connect relying party) with the province's SSO; off unless the issuer is set.
    # See service_layer/federation.py and the README's SSO section.
    sso_issuer: str | None = None  # e.g. https://sso.kaltimprov.go.id/realms/kaltim
    sso_client_id: str | None = None
    sso_client_secret: str | None = None
    sso_label: str = "SSO"  # the button reads "Masuk dengan <label>"
    sso_scope: str = "openid profile email"
    sso_role_claim: str = "roles"  # a dotted path such as realm_access.roles works too
    sso_role_map: dict[str, str] = Field(default_factory=dict)  # JSON: {"sipelkop-dinas": "district_officer"}
    sso_district_claim: str = "district"
    sso_username_claim: str = "preferred_username"
    # Signs the short-lived cookie holding the flow's state, nonce and PKCE verifier: every replica needs the
    # same one (a secret in production); without it each process picks a random one at start.
    sso_state_secret: str | None = None

    def secret_values(self) -> dict[str, str]:
        found = super().secret_values()
        if self.sso_issuer and self.sso_client_secret is not None:
            found["IDENTITY_SSO_CLIENT_SECRET"] = self.sso_client_secret
        if self.sso_state_secret is not None:
            found["IDENTITY_SSO_STATE_SECRET"] = self.sso_state_secret
        return found

    @model_validator(mode="after")
    def _defaults(self):
        if not self.database_url:
            self.database_url = self.sqlite_url("identity")
        if self.signing_keys_file is None:
            self.signing_keys_file = self.data_dir / "identity" / "signing-keys.json"
        return self
