"""Who may do what: the roles, their names in words, and the principal a verified token stands for.

No web framework here: domains decide by role, and importing a domain never imports FastAPI (shared/auth.py reads
tokens from requests)."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel


class Role(StrEnum):
    ADMIN = "admin"  # provincial administrator: sees everything, manages accounts
    TRAINING_STAFF = "training_staff"  # UPTD training staff: plan, run and close batches
    DISTRICT_OFFICER = "district_officer"  # bound to one district
    TRAINER = "trainer"
    VIEWER = "viewer"  # ministry: reports only
    RECONCILER = "reconciler"  # service account of reporting's reconciliation: reads counts, nothing personal


ROLE_NAMES = {
    Role.ADMIN: "Admin Provinsi",
    Role.TRAINING_STAFF: "Staf Pelatihan UPTD",
    Role.DISTRICT_OFFICER: "Petugas Dinas",
    Role.TRAINER: "Narasumber",
    Role.VIEWER: "Pimpinan / Kementerian",
    Role.RECONCILER: "Akun Layanan Rekonsiliasi",
}
PERSON_ROLES = tuple(r for r in Role if r != Role.RECONCILER)


class Principal(BaseModel):
    subject: str  # the account id (a UUID for people and service accounts)
    role: Role
    district: str | None = None
    name: str = ""
    session_id: str | None = None
    csrf: str | None = None
    issued_at: datetime | None = None

    def can_touch_district(self, district_code: str) -> bool:
        return self.role == Role.ADMIN or (self.role == Role.DISTRICT_OFFICER and self.district == district_code)

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]

    @property
    def label(self) -> str:
        """The header line: "Petugas Dinas · Kab. Kutai Kartanegara"."""
        if self.district:
            from shared.regions import district_name

            return f"{self.role_name} · {district_name(self.district).replace('Kabupaten ', 'Kab. ')}"
        return self.role_name
