"""Request and response bodies of the registration API."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from services.registration.domain.cooperative_records import check_rat_year, normalise_nib
from services.registration.domain.participant_category import CATEGORIES, MANAGER, normalise_category
from services.registration.domain.reference import (GRADES, normalise_kind, normalise_position, normalise_sector,
                                                    parse_active, parse_syariah)
from shared.clock import business_today
from shared.regions import is_district


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _digits(v: str | None) -> str | None:
    if v is None:
        return v
    v = str(v).replace(" ", "").replace(".", "").replace("-", "")
    if not v.isdigit():
        raise ValueError("Nomor Induk Koperasi hanya boleh berisi angka")
    return v


def _district(v: str | None) -> str | None:
    if v is not None and not is_district(v):
        raise ValueError("kode kabupaten/kota tidak dikenal di Kalimantan Timur (contoh: 64.02)")
    return v


def _grade(v: str | None) -> str | None:
    if v is None or str(v).strip() == "":
        return None
    v = str(v).strip().upper()
    if v not in GRADES:
        raise ValueError("grade ODS harus salah satu dari: " + ", ".join(GRADES))
    return v


class CooperativeFields(Strict):
    """Validators shared by create (all required) and update (all optional)."""

    @field_validator("registration_number", check_fields=False)
    @classmethod
    def _number(cls, v):
        return _digits(v)

    @field_validator("district_code", check_fields=False)
    @classmethod
    def _district_code(cls, v):
        return _district(v)

    @field_validator("grade", mode="before", check_fields=False)
    @classmethod
    def _ods_grade(cls, v):
        return _grade(v)

    @field_validator("kind", check_fields=False)
    @classmethod
    def _kind(cls, v):
        return None if v is None else normalise_kind(v)

    @field_validator("sector", check_fields=False)
    @classmethod
    def _sector(cls, v):
        return None if v is None else normalise_sector(v)

    @field_validator("active", mode="before", check_fields=False)
    @classmethod
    def _active(cls, v):
        return None if v is None else parse_active(v)

    @field_validator("syariah", mode="before", check_fields=False)
    @classmethod
    def _syariah(cls, v):
        return None if v is None else parse_syariah(v)

    @field_validator("nib", mode="before", check_fields=False)
    @classmethod
    def _nib(cls, v):
        return normalise_nib(v)

    @field_validator("last_rat_year", mode="before", check_fields=False)
    @classmethod
    def _blank_year(cls, v):
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("last_rat_year", check_fields=False)
    @classmethod
    def _rat_year(cls, v):
        return check_rat_year(v, this_year=business_today().year)  # the province's year (WITA)


class CooperativeCreate(CooperativeFields):
    name: str = Field(min_length=3, max_length=200)
    registration_number: str = Field(min_length=1, max_length=40, description="Nomor Induk Koperasi (angka)")
    legal_entity_number: str | None = Field(default=None, max_length=120)
    district_code: str = Field(description="Kode Kemendagri kabupaten/kota, mis. 64.02")
    address: str | None = Field(default=None, max_length=300)
    kind: str = Field(default="simpan pinjam", description="Jenis: simpan pinjam, konsumen, produsen, pemasaran, jasa")
    sector: str = Field(min_length=2, max_length=40, description="Sektor usaha (daftar di data/sectors.csv)")
    active: bool = True
    grade: str | None = Field(default=None, description="Grade ODS: A, B, C1, C2, D")
    members_male: int = Field(default=0, ge=0, le=1_000_000)
    members_female: int = Field(default=0, ge=0, le=1_000_000)
    nib: str | None = Field(default=None, description="NIB (OSS) 13 angka; boleh kosong")
    last_rat_year: int | None = Field(default=None, description="Tahun RAT terakhir; menentukan grade ODS bila "
                                                                "grade tidak diisi (RAT sebelum 3 tahun terakhir: D)")
    syariah: bool = Field(default=False, description="Pola syariah (KSPPS/USPPS)")
    managers_count: int = Field(default=0, ge=0, le=10_000, description="Jumlah pengurus")
    employees_count: int = Field(default=0, ge=0, le=100_000, description="Jumlah karyawan")


class CooperativeUpdate(CooperativeFields):
    """PATCH: only the fields sent change."""

    name: str | None = Field(default=None, min_length=3, max_length=200)
    registration_number: str | None = Field(default=None, min_length=1, max_length=40)
    legal_entity_number: str | None = Field(default=None, max_length=120)
    district_code: str | None = None
    address: str | None = Field(default=None, max_length=300)
    kind: str | None = None
    sector: str | None = Field(default=None, min_length=2, max_length=40)
    active: bool | None = None
    grade: str | None = None
    members_male: int | None = Field(default=None, ge=0, le=1_000_000)
    members_female: int | None = Field(default=None, ge=0, le=1_000_000)
    nib: str | None = None
    last_rat_year: int | None = None
    syariah: bool | None = None
    managers_count: int | None = Field(default=None, ge=0, le=10_000)
    employees_count: int | None = Field(default=None, ge=0, le=100_000)


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
    nib: str | None = None
    last_rat_year: int | None = None
    syariah: bool = False
    managers_count: int = 0
    employees_count: int = 0
    version: int = 1
    created_at: datetime | None = None
    created_by: str | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None


class Page(BaseModel):
    total: int
    page: int
    page_size: int


class CooperativePage(Page):
    items: list[CooperativeRead]


class BusinessFields(Strict):
    """A UMK owner's business (in place of a cooperative); validators shared by create and update."""

    @field_validator("category", mode="before", check_fields=False)
    @classmethod
    def _category(cls, v):
        if v is not None and not isinstance(v, str):  # a list or a number is no category (not a 500)
            raise ValueError("kategori peserta harus berupa teks, mis. pelaku_umk")
        return None if v is None else normalise_category(v)

    @field_validator("phone", "email", "business_name", "nib", "sector", "district_code", "cooperative_id",
                     mode="before", check_fields=False)
    @classmethod
    def _blank_is_none(cls, v):
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("nib", mode="before", check_fields=False)
    @classmethod
    def _nib(cls, v):
        return normalise_nib(v)

    @field_validator("sector", check_fields=False)
    @classmethod
    def _sector(cls, v):
        return None if v is None else normalise_sector(v)

    @field_validator("district_code", check_fields=False)
    @classmethod
    def _district_code(cls, v):
        return _district(v)


CATEGORY_HELP = "Kategori: " + ", ".join(f"{code} ({label})" for code, label in CATEGORIES.items())


class ParticipantCreate(BusinessFields):
    nik: str = Field(description="NIK 16 angka")
    full_name: str = Field(min_length=2, max_length=200)
    category: str = Field(default=MANAGER, description=CATEGORY_HELP)
    position: str = Field(default="ketua", description="ketua, sekretaris, bendahara, pengawas, dewan pengawas "
                                                        "syariah, manajer, karyawan, anggota (pelaku UMK: pemilik "
                                                        "usaha)")
    phone: str | None = Field(default=None, max_length=30)
    email: EmailStr | None = None
    cooperative_id: uuid.UUID | None = Field(default=None, description="Wajib untuk pengurus/anggota koperasi; "
                                                                        "kosong untuk pelaku UMK")
    business_name: str | None = Field(default=None, min_length=2, max_length=200,
                                      description="Pelaku UMK: nama usaha")
    nib: str | None = Field(default=None, description="Pelaku UMK: NIB (OSS) 13 angka")
    sector: str | None = Field(default=None, max_length=40, description="Pelaku UMK: sektor usaha")
    district_code: str | None = Field(default=None, description="Pelaku UMK: kabupaten/kota usaha, mis. 64.02")

    @field_validator("position")
    @classmethod
    def _position(cls, v):
        return v if v == "pemilik usaha" else normalise_position(v)


class NikLookup(Strict):
    nik: str = Field(min_length=16, max_length=30, description="NIK lengkap (16 angka; spasi, titik, tanda hubung "
                                                                "boleh)")

    @field_validator("nik")
    @classmethod
    def _sixteen_digits(cls, v):
        digits = "".join(ch for ch in v if ch not in " .-")
        if not digits.isdigit() or len(digits) != 16:
            raise ValueError("NIK harus 16 angka")
        return digits


class ParticipantUpdate(BusinessFields):
    """PATCH: only the fields sent change. The NIK is the person's identity and is not changed here."""

    full_name: str | None = Field(default=None, min_length=2, max_length=200)
    category: str | None = Field(default=None, description=CATEGORY_HELP)
    position: str | None = None
    phone: str | None = Field(default=None, max_length=30)
    email: EmailStr | None = None
    cooperative_id: uuid.UUID | None = None
    business_name: str | None = Field(default=None, min_length=2, max_length=200)
    nib: str | None = None
    sector: str | None = Field(default=None, max_length=40)
    district_code: str | None = None

    @field_validator("position")
    @classmethod
    def _position(cls, v):
        return None if v is None or v == "pemilik usaha" else normalise_position(v)


class ParticipantRead(BaseModel):
    id: uuid.UUID
    nik: str  # masked outside the owning district
    full_name: str
    gender: str
    birth_date: date | None
    position: str
    phone: str | None
    email: str | None
    category: str = MANAGER
    cooperative_id: uuid.UUID | None
    business_name: str | None = None
    nib: str | None = None
    sector: str | None = None
    district_code: str
    warnings: list[str] = []
    created: bool = True
    version: int = 1


class ParticipantPage(Page):
    items: list[ParticipantRead]


class EnrollmentCreate(Strict):
    batch_id: uuid.UUID
    participant_id: uuid.UUID
    inactive_override: bool = Field(default=False, description="Hanya admin: izinkan koperasi tidak aktif")


class EnrollmentCancel(Strict):
    reason: str = Field(default="dibatalkan oleh dinas", min_length=2, max_length=300)


class EnrollmentRead(BaseModel):
    id: uuid.UUID
    batch_id: uuid.UUID
    participant_id: uuid.UUID
    status: Literal["enrolled", "waitlisted", "cancelled"]
    waitlist_position: int | None = None
    district_code: str | None = None
    full_name: str | None = None
    version: int = 1
    created_at: datetime | None = None


class NominationRead(EnrollmentRead):
    warnings: list[str] = Field(default_factory=list, description="Mis. koperasi sudah memiliki lulusan tahun "
                                                                  "anggaran ini (bukan penolakan)")


class EnrollmentCancelled(EnrollmentRead):
    promoted: EnrollmentRead | None = Field(default=None, description="Peserta daftar tunggu yang naik ke kursi ini")


class SubstitutionCreate(Strict):
    """Replace a no-show (replaced_enrollment_id) or, with none, seat a walk-in where a seat is free."""

    replaced_enrollment_id: uuid.UUID | None = Field(default=None, description="Nominasi yang diganti; kosong = "
                                                                                 "peserta langsung (walk-in)")
    participant_id: uuid.UUID = Field(description="Pengganti: pengurus dari kabupaten/kota yang sama")
    reason: str = Field(min_length=2, max_length=300, description="Alasan, mis. tidak hadir hari pertama")


class SubstitutionRead(EnrollmentRead):
    replaced: EnrollmentRead | None = Field(default=None, description="Nominasi yang dibatalkan karena diganti")


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
    eligibility: str = Field(default="koperasi", description="koperasi (hanya koperasi) atau koperasi_dan_umk "
                                                              "(juga pelaku UMK)")
    status: str
    seats_taken: int
    seats_left: int
    waitlisted: int
    district_seats_left: dict[str, int] = Field(default_factory=dict,
                                                description="Sisa kuota per kabupaten/kota yang berkuota")


class PlanningTraining(BaseModel):
    batch_id: uuid.UUID
    batch_code: str
    batch_title: str
    end_date: date
    completed_at: datetime
    completers: int


class PlanningCooperative(CooperativeRead):
    trained: bool
    trainings: list[PlanningTraining] = Field(default_factory=list, description="Angkatan tahun anggaran ini "
                                                                                "dengan lulusan dari koperasi ini")


class PlanningPage(Page):
    district_code: str
    district_name: str
    fiscal_year: int
    target: int | None = Field(description="Target koperasi kabupaten/kota dari program tahun ini; null: belum ada")
    trained_count: int = Field(description="Koperasi berbeda dengan lulusan tahun anggaran ini")
    untrained_count: int = Field(description="Koperasi aktif yang belum dilatih tahun anggaran ini")
    active_count: int
    progress_percent: float | None
    items: list[PlanningCooperative]


class ImportAccepted(BaseModel):
    row: int
    id: uuid.UUID
    key: str = Field(description="Nomor Induk Koperasi, atau NIK tersamar")
    created: bool = Field(description="false: sudah terdaftar sebelumnya, tidak diubah")
    enrollment_status: str | None = None
    waitlist_position: int | None = None
    enrollment_refused: str | None = None
    warnings: list[str] = Field(default_factory=list, description="Mis. koperasi sudah dilatih tahun anggaran ini")


class ImportRejected(BaseModel):
    row: int
    reasons: list[str]


class ImportResult(BaseModel):
    kind: Literal["cooperatives", "participants"]
    total_rows: int
    created: int
    existing: int
    accepted: list[ImportAccepted]
    rejected: list[ImportRejected]


class AuditRead(BaseModel):
    id: int
    at: datetime
    actor: str
    actor_name: str | None = None
    role: str
    action: str
    entity: str
    entity_id: str
    district_code: str | None
    changes: dict
    note: str | None


class AuditPage(Page):
    items: list[AuditRead]
