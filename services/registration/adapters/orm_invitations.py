"""Invitation tables: the personal confirmation codes (hashes only), each enrolment's one answer, and the
e-mails to send (one row per enrolment and kind, written before anything is sent: retried until the SMTP server
takes it, and never sent twice by a job that runs again or restarts)."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.registration.adapters.orm import Base


class ConfirmationCode(Base):
    """One personal link; an enrolment may have several (the e-mail, the WhatsApp list, the reminder), all ending
    with its one answer. Only the SHA-256 of the code is kept."""

    __tablename__ = "confirmation_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    enrollment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enrollments.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))  # email | whatsapp
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Confirmation(Base):
    """The participant's answer: the primary key makes it one per enrolment (a second answer is refused)."""

    __tablename__ = "confirmations"

    enrollment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enrollments.id"), primary_key=True)
    answer: Mapped[str] = mapped_column(String(20))  # confirmed | declined
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OutgoingMail(Base):
    """An e-mail to a participant: rendered (with a fresh code) only when it is sent, so no link is stored."""

    __tablename__ = "outgoing_mail"
    __table_args__ = (UniqueConstraint("enrollment_id", "kind", name="uq_outgoing_mail_enrollment_kind"),
                      Index("ix_outgoing_mail_due", "status", "next_attempt_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    enrollment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enrollments.id"))
    kind: Mapped[str] = mapped_column(String(20))  # undangan | pengingat
    recipient: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | sent | void
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
