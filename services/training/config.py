"""Training settings: TRAINING_* plus the common SIPELKOP_* ones."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from services.training.adapters.evidence_s3 import S3Location
from shared.budget import DEFAULT_COMPONENTS, Component, parse_components
from shared.settings import ServiceSettings, secret_problems


DEV_EVALUATION_KEY = "dev-only-evaluation-key-change-me"
DEV_CERTIFICATE_KEY = "dev-only-certificate-key-change-me"


class TrainingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TRAINING_", extra="ignore", populate_by_name=True)
    published_secrets = ServiceSettings.published_secrets | {DEV_EVALUATION_KEY, DEV_CERTIFICATE_KEY}

    port: int = 8002
    # Who signs the certificates of a batch that names no official (GET /api/v1/officials); copied onto each
    # certificate when it is issued.
    signing_official: str = "Kepala UPTD Pelatihan Koperasi dan UKM"
    signing_title: str = "UPTD Pelatihan Koperasi dan UKM Provinsi Kalimantan Timur"
    certificate_prefix: str = Field(default="UPTD-KUKM", pattern=r"^[A-Za-z0-9.-]{1,30}$")
    # The agency's logo in the kop of certificates and attendance sheets (PNG, JPEG or SVG); empty: the project's
    # logo (shared/web/static/logo.svg).
    logo_file: str = ""
    # Where the public verification page is reachable from a phone scanning the QR code.
    public_base_url: str = ""
    # Kalimantan Timur keeps WITA (UTC+8) all year: "today" on the trainers' pages is the hall's day.
    utc_offset_hours: int = Field(default=8, ge=-12, le=14)
    # Minutes in one jam pelajaran (JP): a session's JP follows its hours unless set by hand.
    jp_minutes: int = Field(default=45, ge=1, le=240)
    # The DAK components a batch closes with, "kode=Label; kode=Label" (empty: shared/budget.py's list; "lainnya" is
    # always kept). The list is data: a new component is a setting, not a release.
    budget_components: str = ""

    # --- the report bundle (issue 16): evidence photographs and scans ------------------------------------------------
    # Where evidence files go: empty = a directory beside the database in the data dir (<data>/training-evidence),
    # file:///an/absolute/path, or an S3-compatible bucket (MinIO, SeaweedFS, Ceph, a cloud's object storage):
    # s3://ACCESS_KEY:SECRET_KEY@host:port/bucket[/prefix][?secure=false&region=...] (TLS unless secure=false; the
    # bucket is made on the first upload if missing). A malformed address stops the service at start.
    evidence_url: str = ""
    evidence_max_file_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    evidence_max_batch_bytes: int = Field(default=200 * 1024 * 1024, ge=1024)

    # --- the participants' evaluation (issue 15) ----------------------------------------------------------------------
    # Signs the personal evaluation links (HMAC-SHA256): a code not made with it is refused before any lookup. The
    # development default is refused when SIPELKOP_ENV=production.
    evaluation_key: str = Field(default=DEV_EVALUATION_KEY, min_length=16)
    # Makes each certificate's verification code (HMAC-SHA256 of its number), printed in its QR link: the public
    # verification shows the name only with it. Changing it changes every code. Refused in production as default.
    certificate_key: str = Field(default=DEV_CERTIFICATE_KEY, min_length=16)

    @model_validator(mode="after")
    def _defaults(self):
        if not self.database_url:
            self.database_url = self.sqlite_url("training")
        if not self.public_base_url:
            self.public_base_url = f"http://{self.host}:{self.port}"
        self.public_base_url = self.public_base_url.rstrip("/")
        parse_components(self.budget_components)  # a malformed list stops the service at start
        # Refused as soon as production settings are read (every command, not only a start): the keys sign
        # what is printed and handed out. The rule is shared/settings.py's, as at a production start.
        if self.env == "production" and (problems := secret_problems(self._keys(), self.published_secrets)):
            raise ValueError("; ".join(problems))
        # An unusable evidence store stops the service at start, not at the first upload.
        self.evidence_bucket if self.evidence_url.strip().startswith("s3://") else self.evidence_dir
        if self.logo_file and not Path(self.logo_file).is_file():  # refused at start, not at the first certificate
            raise ValueError(f"TRAINING_LOGO_FILE {self.logo_file!r} is not a file")
        return self

    def _keys(self) -> dict[str, str]:
        return {"TRAINING_EVALUATION_KEY": self.evaluation_key, "TRAINING_CERTIFICATE_KEY": self.certificate_key}

    def secret_values(self) -> dict[str, str]:
        bucket = self.evidence_bucket
        return super().secret_values() | self._keys() | (
            {"TRAINING_EVIDENCE_URL (kunci rahasia)": bucket.secret_key} if bucket else {})

    @property
    def components(self) -> tuple[Component, ...]:
        return parse_components(self.budget_components) if self.budget_components.strip() else DEFAULT_COMPONENTS

    @property
    def evidence_bucket(self) -> S3Location | None:
        """The bucket evidence goes to, or None when it is kept in a directory (evidence_dir)."""
        url = self.evidence_url.strip()
        return S3Location.parse(url) if url.startswith("s3://") else None

    @property
    def evidence_dir(self) -> Path:
        url = self.evidence_url.strip()
        if not url:
            return (self.data_dir / "training-evidence").resolve()
        if url.startswith("file://"):
            return Path(url.removeprefix("file://")).resolve()
        if url.startswith("s3://"):
            raise ValueError(f"TRAINING_EVIDENCE_URL: bukti disimpan di bucket {S3Location.parse(url).described}, "
                             "bukan di direktori; cadangkan bucket itu dengan alat bucket itu sendiri")
        raise ValueError("TRAINING_EVIDENCE_URL: hanya file:///jalur/mutlak, s3://... atau kosong")
