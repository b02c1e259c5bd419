"""Request and response bodies of attendance, completion and certificates."""
from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field, model_validator

from services.training.schemas import Status, Strict


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
    certificates_issued: int | None = None


class SessionMarkRead(BaseModel):
    participant_id: uuid.UUID
    full_name: str
    cooperative_name: str
    status: str | None
    note: str | None
    recorded_by: str | None
    marked_at: datetime | None = Field(description="Waktu bisnis: saat ditandai di lokasi")
    received_at: datetime | None = Field(description="Waktu tercatat di server")


class CorrectionRead(BaseModel):
    participant_id: uuid.UUID
    full_name: str | None
    previous_status: str
    previous_note: str | None
    previous_by: str
    previous_marked_at: datetime
    new_status: str
    new_note: str | None
    corrected_by: str
    corrected_by_name: str | None = None
    marked_at: datetime
    corrected_at: datetime


class CompletionRow(BaseModel):
    participant_id: uuid.UUID
    full_name: str
    cooperative_name: str
    district_code: str
    sessions_present: int
    sessions_total: int
    jp_present: int | None = None
    jp_total: int | None = None
    completed: bool | None = Field(description="null selama angkatan belum selesai")
    reason: str | None
    certificate_number: str | None
    certificate_status: str | None
    pre_test: float | None = None
    post_test: float | None = None


class CompletionRead(BaseModel):
    batch_id: uuid.UUID
    rule: str
    sessions_total: int
    sessions_completed: int
    jp_total: int | None = None
    decided: bool
    min_post_test: int | None = Field(default=None, description="Syarat lulus: nilai post-test minimal")
    completed: int
    not_completed: int
    participants: list[CompletionRow]


class CertificateRead(BaseModel):
    number: str
    batch_id: uuid.UUID
    participant_id: uuid.UUID
    full_name: str
    cooperative_name: str
    batch_title: str
    start_date: str
    end_date: str
    signing_official: str
    signing_position: str | None = None  # position and NIP: when the batch names its official
    signing_nip: str | None = None
    co_signing_official: str | None = None
    co_signing_position: str | None = None
    co_signing_nip: str | None = None
    issued_at: datetime
    status: str
    revoked_reason: str | None
    replaces: str | None = None  # re-issued after a correction: the number it replaces
    replaced_by: str | None = None  # replaced by a re-issue: the new number
    verification_url: str


class CertificateVerification(BaseModel):
    """What anyone may see: genuine or revoked, the name and the batch; nothing else personal."""

    number: str
    genuine: bool
    status: str
    full_name: str
    batch_title: str
    start_date: str
    end_date: str
    revoked_reason: str | None = None
    replaced_by: str | None = None  # status "replaced": the number that replaces it (the old one names nobody)


class RevokeIn(Strict):
    reason: str = Field(min_length=3, max_length=500, description="Alasan pencabutan")
