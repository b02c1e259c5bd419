"""Request and response bodies for narasumber (trainers) and officials (pejabat penanda tangan)."""
from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, Field, field_validator

from services.training.domain import identifiers
from services.training.schemas import Strict


def _checked(check, value):
    return value if value is None else check(value)


class TrainerFields(Strict):
    @field_validator("nip", check_fields=False)
    @classmethod
    def _nip(cls, v):
        return _checked(identifiers.check_nip, v)

    @field_validator("nik", check_fields=False)
    @classmethod
    def _nik(cls, v):
        return _checked(identifiers.check_nik, v)

    @field_validator("npwp", check_fields=False)
    @classmethod
    def _npwp(cls, v):
        return _checked(identifiers.check_npwp, v)

    @field_validator("bank_account", check_fields=False)
    @classmethod
    def _bank(cls, v):
        return _checked(identifiers.check_bank_account, v)

    @field_validator("phone", check_fields=False)
    @classmethod
    def _phone(cls, v):
        return _checked(identifiers.normalise_phone, v)


class TrainerCreate(TrainerFields):
    name: str = Field(min_length=2, max_length=200, description="Nama lengkap dengan gelar")
    institution: str = Field(default="", max_length=200, description="Instansi")
    nip: str | None = Field(default=None, max_length=30, description="NIP (18 digit) bagi ASN")
    nik: str | None = Field(default=None, max_length=30, description="NIK (16 digit) bagi non-ASN")
    npwp: str | None = Field(default=None, max_length=30)
    phone: str | None = Field(default=None, max_length=30, description="Disimpan dalam format E.164")
    bank_name: str | None = Field(default=None, max_length=100)
    bank_account: str | None = Field(default=None, max_length=30)
    rate_per_jp: int = Field(default=0, ge=0, le=10**9, description="Honorarium per JP (rupiah)")
    account_id: str | None = Field(default=None, min_length=1, max_length=120,
                                   description="Akun identitas (peran pelatih) milik narasumber ini")
    code: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$", description="Kode narasumber di laporan, mis. NS-01 (kosong: nomor berikutnya)")
    named_in_reports: bool = Field(default=False, description="Bersedia disebut namanya di laporan evaluasi "
                                                              "(tanpa persetujuan: hanya kodenya)")


class TrainerUpdate(TrainerFields):
    """Only the fields sent change; `account_id: null` unlinks the account."""

    name: str | None = Field(default=None, min_length=2, max_length=200)
    institution: str | None = Field(default=None, max_length=200)
    nip: str | None = Field(default=None, max_length=30)
    nik: str | None = Field(default=None, max_length=30)
    npwp: str | None = Field(default=None, max_length=30)
    phone: str | None = Field(default=None, max_length=30)
    bank_name: str | None = Field(default=None, max_length=100)
    bank_account: str | None = Field(default=None, max_length=30)
    rate_per_jp: int | None = Field(default=None, ge=0, le=10**9)
    account_id: str | None = Field(default=None, min_length=1, max_length=120)
    code: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
    named_in_reports: bool | None = None


class TrainerRead(BaseModel):
    """NIK, NPWP and bank account are masked ("************3456") for everybody but an admin."""

    id: uuid.UUID
    name: str
    institution: str
    nip: str | None
    nik: str | None
    npwp: str | None
    phone: str | None
    bank_name: str | None
    bank_account: str | None
    rate_per_jp: int
    account_id: str | None
    code: str
    named_in_reports: bool
    version: int


class TrainerAccountRead(BaseModel):
    """An active trainer account at identity, as the narasumber form lists it; `linked_trainer_id` is the
    narasumber it is already linked to (an account is linked to one narasumber at most), null when free."""

    account_id: str
    username: str
    full_name: str
    linked_trainer_id: uuid.UUID | None


class OfficialCreate(Strict):
    name: str = Field(min_length=2, max_length=200, description="Nama lengkap dengan gelar")
    nip: str = Field(max_length=30, description="NIP (18 digit)")
    position: str = Field(min_length=2, max_length=200, description="Jabatan, mis. Kepala UPTD")
    active_from: date
    active_until: date | None = None

    @field_validator("nip")
    @classmethod
    def _nip(cls, v):
        return identifiers.check_nip(v)


class OfficialUpdate(Strict):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    nip: str | None = Field(default=None, max_length=30)
    position: str | None = Field(default=None, min_length=2, max_length=200)
    active_from: date | None = None
    active_until: date | None = None

    @field_validator("nip")
    @classmethod
    def _nip(cls, v):
        return _checked(identifiers.check_nip, v)


class OfficialRead(BaseModel):
    id: uuid.UUID
    name: str
    nip: str
    position: str
    active_from: date
    active_until: date | None
    version: int
