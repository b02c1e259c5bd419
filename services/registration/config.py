"""Registration settings: REGISTRATION_* plus the common SIPELKOP_* ones."""
from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings

DEV_CONFIRMATION_KEY = "dev-only-confirmation-key-change-me"


class RegistrationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRATION_", extra="ignore", populate_by_name=True)
    published_secrets = ServiceSettings.published_secrets | {DEV_CONFIRMATION_KEY}

    port: int = 8001
    # Bulk import: the province's whole registry (about 5,000 cooperatives) is well under 1 MiB as CSV.
    import_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    import_max_rows: int = Field(default=10_000, ge=1)

    # --- invitations and confirmation (issue 17 item 6) ---------------------------------------------------------------
    # Where invitation and reminder e-mails go: smtp://[user:password@]host[:port] (STARTTLS when the server offers
    # it), smtps://… for TLS from the first byte. Empty: messages are kept as "belum terkirim" until it is set.
    # SIPELKOP_SMTP_URL is the name for it; REGISTRATION_SMTP_URL wins when both are set.
    smtp_url: str = Field(default="", validation_alias=AliasChoices("REGISTRATION_SMTP_URL", "SIPELKOP_SMTP_URL"))
    mail_from: str = "SIPELKOP UPTD Pelatihan Koperasi dan UKM <noreply@sipelkop.invalid>"
    smtp_timeout_s: float = Field(default=10.0, gt=0, le=120)
    # How often the message job runs: queue the day-before reminders (WITA) and retry e-mails not yet sent.
    message_interval_s: float = Field(default=60.0, gt=0)
    # Signs the personal confirmation links (HMAC-SHA256): a code not made with it is refused before any lookup.
    # A production start (sipelkop serve) refuses the development default, as for every secret; settings built
    # otherwise in production (a test, a one-off command) refuse the invitations instead (409 naming the setting).
    confirmation_key: str = Field(default=DEV_CONFIRMATION_KEY, min_length=16)

    @model_validator(mode="after")
    def _default_database(self):
        if not self.database_url:
            self.database_url = self.sqlite_url("registration")
        if self.smtp_url and urlsplit(self.smtp_url).scheme not in ("smtp", "smtps"):
            raise ValueError("SIPELKOP_SMTP_URL must start with smtp:// or smtps://")
        return self

    def secret_values(self) -> dict[str, str]:
        return super().secret_values() | {"REGISTRATION_CONFIRMATION_KEY": self.confirmation_key}

    @property
    def confirmation_key_missing(self) -> bool:
        return self.env == "production" and self.confirmation_key == DEV_CONFIRMATION_KEY
