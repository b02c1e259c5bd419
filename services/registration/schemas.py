"""Request and response bodies of the registration API."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from shared.regions import is_district

KINDS = ("simpan pinjam", "konsumen", "produsen", "pemasaran", "jasa")
GRADES = ("A", "B", "C1", "C2", "D")
POSITIONS = ("ketua", "sekretaris", "bendahara", "pengawas", "manajer", "karyawan")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CooperativeCreate(Strict):
    name: str = Field(min_length=3, max_length=200)
    registration_number: str = Field(min_length=1, max_length=40, description="Nomor Induk Koperasi (angka)")
    legal_entity_number: str | None = Field(default=None, max_length=120)
    district_code: str = Field(description="Kode Kemendagri kabupaten/kota, mis. 64.02")
    address: str | None = Field(default=None, max_length=300)
    kind: Literal[KINDS] = "simpan pinjam"  # type: ignore[valid-type]
    sector: str = Field(min_length=2, max_length=40)
    active: bool = True
    grade: Literal[GRADES] | None = None  # type: ignore[valid-type]
    members_male: int = Field(default=0, ge=0, le=1_000_000)
    members_female: int = Field(default=0, ge=0, le=1_000_000)

    @field_validator("registration_number")
    @classmethod
    def _digits(cls, v: str) -> str:
        v = v.replace(" ", "").replace(".", "").replace("-", "")
        if not v.isdigit():
            raise ValueError("Nomor Induk Koperasi hanya boleh berisi angka")
        return v

    @field_validator("district_code")
    @classmethod
    def _district(cls, v: str) -> str:
        if not is_district(v):
            raise ValueError("kode kabupaten/kota tidak dikenal di Kalimantan Timur (contoh: 64.02)")
        return v

    @field_validator("sector")
    @classmethod
    def _sector(cls, v: str) -> str:
        return v.lower()


class CooperativeRead(BaseModel):
    id: uuid.UUID
    name: str
    registration_number: str
    legal_entity_number: str | None
    district_code: str
    address: str | None
    kind: str
    sector: str
    active: bool
    grade: str | None
    members_male: int
    members_female: int
    members_total: int


class ParticipantCreate(Strict):
    nik: str = Field(description="NIK 16 angka")
    full_name: str = Field(min_length=2, max_length=200)
    position: Literal[POSITIONS] = "ketua"  # type: ignore[valid-type]
    phone: str | None = Field(default=None, max_length=30)
    email: EmailStr | None = None
    cooperative_id: uuid.UUID


class ParticipantRead(BaseModel):
    id: uuid.UUID
    nik: str  # masked outside the owning district
    full_name: str
    gender: str
    birth_date: date | None
    position: str
    phone: str | None
    email: str | None
    cooperative_id: uuid.UUID
    district_code: str
    warnings: list[str] = []
    created: bool = True


class EnrollmentCreate(Strict):
    batch_id: uuid.UUID
    participant_id: uuid.UUID
    inactive_override: bool = Field(default=False, description="Hanya admin: izinkan koperasi tidak aktif")


class EnrollmentRead(BaseModel):
    id: uuid.UUID
    batch_id: uuid.UUID
    participant_id: uuid.UUID
    status: Literal["enrolled", "waitlisted", "cancelled"]
    waitlist_position: int | None = None


class BatchRead(BaseModel):
    id: uuid.UUID
    code: str
    title: str
    venue: str
    start_date: date
    end_date: date
    capacity: int
    eligible_districts: list[str]
    district_quotas: dict[str, int]
    status: str
    seats_taken: int
    seats_left: int
    waitlisted: int
