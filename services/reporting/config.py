"""Reporting settings: REPORTING_* plus the common SIPELKOP_* ones."""
from __future__ import annotations

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class ReportingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore", populate_by_name=True)

    port: int = 8003
    # The DAK 2023 target; a programme's own target (ProgrammePlanned) takes precedence.
    default_target_cooperatives: int = Field(default=600, ge=1)
    # Where reconcile asks the source services what they hold about themselves (inside a cluster, the internal
    # addresses; SIPELKOP_REGISTRATION_URL and the like are the public ones, for the pages' navigation).
    source_registration_url: str = Field(default="http://127.0.0.1:8001",
                                         validation_alias=AliasChoices("REPORTING_REGISTRATION_URL"))
    source_training_url: str = Field(default="http://127.0.0.1:8002",
                                     validation_alias=AliasChoices("REPORTING_TRAINING_URL"))
    # Reconcile's service account at identity (role reconciler) and where its token is fetched.
    reconcile_client_id: str = "reporting-reconcile"
    reconcile_client_secret: str = ""
    token_url: str = ""  # default: <SIPELKOP_IDENTITY_URL>/api/v1/auth/token
    # How often a running instance looks for a rebuilt projection store to switch to.
    store_poll_s: float = Field(default=2.0, gt=0)
    # How often business gauges and the projection lag are refreshed for /metrics.
    metrics_interval_s: float = Field(default=15.0, gt=0)
    # Where generation N of the projection store lives; "{generation}" is replaced. Empty: derived from
    # database_url (SQLite: reporting.gN.db beside it; PostgreSQL: database <name>_gN on the same server).
    store_url_template: str = ""

    def secret_values(self) -> dict[str, str]:
        found = super().secret_values()
        if self.reconcile_client_secret:  # empty: reconciliation is not set up
            found["REPORTING_RECONCILE_CLIENT_SECRET"] = self.reconcile_client_secret
        return found

    def database_urls(self) -> dict[str, str]:
        found = super().database_urls()
        if self.store_url_template:
            found["REPORTING_STORE_URL_TEMPLATE"] = self.store_url_template
        return found

    @model_validator(mode="after")
    def _default_database(self):
        if not self.database_url:
            self.database_url = self.sqlite_url("reporting")
        if not self.token_url:
            self.token_url = f"{self.identity_url}/api/v1/auth/token"
        return self
