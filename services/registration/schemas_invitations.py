"""Response bodies of invitations and confirmations."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel


class ConfirmationCounts(BaseModel):
    confirmed: int
    declined: int
    unanswered: int


class InvitationItem(BaseModel):
    enrollment_id: uuid.UUID
    participant_id: uuid.UUID
    full_name: str
    district_code: str
    phone: str | None
    whatsapp_link: str | None  # https://wa.me/<E.164 digits>?text=<message with the personal confirmation link>
    has_email: bool
    email_status: str  # terkirim | belum terkirim | tanpa e-mail


class InvitationsRead(BaseModel):
    batch_id: uuid.UUID
    items: list[InvitationItem]
    counts: ConfirmationCounts


class ConfirmationItem(BaseModel):
    enrollment_id: uuid.UUID
    participant_id: uuid.UUID
    full_name: str
    district_code: str
    answer: Literal["confirmed", "declined"] | None
    answered_at: datetime | None
    email_status: str  # terkirim | belum terkirim | belum dikirim | tanpa e-mail | tidak dikirim
    email_attempts: int
    email_error: str | None


class ConfirmationsRead(BaseModel):
    batch_id: uuid.UUID
    counts: ConfirmationCounts
    items: list[ConfirmationItem]
