"""Registration settings: REGISTRATION_* plus the common SIPELKOP_* ones."""
from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class RegistrationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRATION_", extra="ignore", populate_by_name=True)

    port: int = 8001
    # Bulk import: the province's whole registry (about 5,000 cooperatives) is well under 1 MiB as CSV.
    import_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    import_max_rows: int = Field(default=10_000, ge=1)

    @model_validator(mode="after")
    def _default_database(self):
        if not self.database_url:
            self.database_url = self.sqlite_url("registration")
        return self
