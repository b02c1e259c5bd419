"""Reporting settings: REPORTING_* plus the common SIPELKOP_* ones."""
from __future__ import annotations

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class ReportingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore", populate_by_name=True)

    port: int = 8003

    @model_validator(mode="after")
    def _default_database(self):
        if not self.database_url:
            self.database_url = self.sqlite_url("reporting")
        return self
