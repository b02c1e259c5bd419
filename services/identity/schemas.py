"""Identity's API shapes."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.auth import ROLE_NAMES, Role
from shared.regions import district_name


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    must_change_password: bool = False


class PasswordChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(max_length=1000)
    new_password: str = Field(max_length=1000)


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(max_length=200)
    full_name: str = Field(max_length=300)
    role: Role
    district_code: str | None = Field(default=None, max_length=20)
    nip: str | None = Field(default=None, max_length=40)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=300)
    password: str | None = Field(default=None, max_length=1000)


class AccountPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    full_name: str | None = Field(default=None, max_length=300)
    role: Role | None = None
    district_code: str | None = Field(default=None, max_length=20)
    nip: str | None = Field(default=None, max_length=40)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=300)


class AccountOut(BaseModel):
    id: uuid.UUID
    username: str
    full_name: str
    role: Role
    role_name: str
    district_code: str | None
    district_name: str | None
    nip: str | None
    phone: str | None
    email: str | None
    active: bool
    must_change_password: bool
    created_at: datetime
    created_by: str
    updated_at: datetime | None
    updated_by: str | None
    one_time_password: str | None = Field(default=None, description="Hanya sekali, saat dibuat atau direset")

    @classmethod
    def of(cls, account, one_time_password: str | None = None) -> "AccountOut":
        return cls(id=account.id, username=account.username, full_name=account.full_name, role=Role(account.role),
                   role_name=ROLE_NAMES[Role(account.role)], district_code=account.district_code,
                   district_name=district_name(account.district_code) if account.district_code else None,
                   nip=account.nip, phone=account.phone, email=account.email, active=account.active,
                   must_change_password=account.must_change_password, created_at=_aware(account.created_at),
                   created_by=account.created_by, updated_at=_aware(account.updated_at), updated_by=account.updated_by,
                   one_time_password=one_time_password)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they were written in UTC."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)
