"""Request and response bodies of the training API."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.regions import is_district

Status = Literal["hadir", "terlambat", "izin", "sakit", "alpa"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class BatchCreate(Strict):
    code: str = Field(min_length=2, max_length=40, description="Kode angkatan, mis. DIG-2023-01")
    title: str = Field(min_length=3, max_length=200)
    programme_id: uuid.UUID | None = None
    fiscal_year: int | None = Field(default=None, ge=2000, le=2100)
    venue: str = Field(min_length=2, max_length=200)
    start_date: date
    end_date: date
    capacity: int = Field(ge=1, le=1000)
    eligible_districts: list[str] = Field(min_length=1)
    district_quotas: dict[str, int] = Field(default_factory=dict)
    planned_budget: int = Field(default=0, ge=0)
    completion_min_percent: int = Field(default=100, ge=1, le=100)
    trainers: list[str] = Field(default_factory=list)

    @field_validator("eligible_districts")
    @classmethod
    def _districts(cls, v: list[str]) -> list[str]:
        unknown = [c for c in v if not is_district(c)]
        if unknown:
            raise ValueError(f"kode kabupaten/kota tidak dikenal: {', '.join(unknown)}")
        return sorted(set(v))

    @model_validator(mode="after")
    def _dates(self):
        if self.end_date < self.start_date:
            raise ValueError("tanggal selesai sebelum tanggal mulai")
        if (self.end_date - self.start_date).days > 60:
            raise ValueError("angkatan paling lama 60 hari")
        for code, quota in self.district_quotas.items():
            if code not in self.eligible_districts:
                raise ValueError(f"kuota untuk {code}, yang tidak termasuk kabupaten/kota angkatan")
            if quota < 0:
                raise ValueError(f"kuota {code} negatif")
        if self.fiscal_year is None:
            self.fiscal_year = self.start_date.year
        return self


class SessionRead(BaseModel):
    number: int
    date: date
    topic: str
    trainer: str | None
    status: str


class BatchRead(BaseModel):
    id: uuid.UUID
    code: str
    title: str
    programme_id: uuid.UUID | None
    fiscal_year: int
    venue: str
    start_date: date
    end_date: date
    capacity: int
    eligible_districts: list[str]
    district_quotas: dict[str, int]
    planned_budget: int
    completion_min_percent: int
    trainers: list[str]
    status: str
    sessions: list[SessionRead] = []


class RosterRead(BaseModel):
    enrollment_id: uuid.UUID
    participant_id: uuid.UUID
    full_name: str
    gender: str
    position: str
    cooperative_id: uuid.UUID
    cooperative_name: str
    district_code: str
    sector: str


class MarkIn(Strict):
    participant_id: uuid.UUID
    status: Status
    note: str | None = Field(default=None, max_length=500)


class AttendanceIn(Strict):
    marks: list[MarkIn] = Field(min_length=1, max_length=1000)
    recorded_at: datetime | None = Field(default=None, description="Waktu penandaan di lokasi (jika dikirim ulang)")

    @model_validator(mode="after")
    def _unique(self):
        seen = set()
        for mark in self.marks:
            if mark.participant_id in seen:
                raise ValueError(f"peserta {mark.participant_id} ditandai dua kali")
            seen.add(mark.participant_id)
        return self


class AttendanceRead(BaseModel):
    batch_id: uuid.UUID
    session_no: int
    status: str
    marks: list[dict]
    corrections: int = 0


class SessionCompletedRead(BaseModel):
    batch_id: uuid.UUID
    session_no: int
    tallies: dict[str, int]
    roster_size: int
    batch_finished: bool
    completed: int | None = None
    not_completed: int | None = None
