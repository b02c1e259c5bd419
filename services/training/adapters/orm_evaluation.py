"""The participants' evaluation (issue 15): the questionnaire template kept as data, each batch's snapshot of it,
the personal links (only a hash of each code, a used flag and no time) and the answers (no participant, no link,
no time: nothing ties an answer to a name)."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.training.adapters.orm import Base


class TemplateItem(Base):
    """One question of the questionnaire template; loaded from data/evaluasi_default.json on first use, then edited
    by admins. The narasumber section's items are asked once per narasumber of a batch."""

    __tablename__ = "evaluation_template_items"
    __table_args__ = (UniqueConstraint("section", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    section: Mapped[str] = mapped_column(String(20))  # penyelenggaraan | sarana | materi | narasumber
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer)


class EvaluationForm(Base):
    """A batch's questionnaire as it was when its links were first made, and the version of its results (the
    version of the EvaluationSummarised that announces them; answers are serialised by this row)."""

    __tablename__ = "evaluation_forms"

    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("batches.id"), primary_key=True)
    questionnaire: Mapped[dict] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(120))


class EvaluationLink(Base):
    """A participant's personal link: the SHA-256 of its code (the code itself is printed once, never stored) and
    whether it was used; when is not kept (a time would match an answer to the outbox's event)."""

    __tablename__ = "evaluation_links"
    __table_args__ = (UniqueConstraint("batch_id", "participant_id"),)

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("batches.id"), index=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    used: Mapped[bool] = mapped_column(Boolean, default=False)


class EvaluationAnswer(Base):
    """One questionnaire answered: its batch, the 1–5 answers by question key, the comment. A random id (not a
    sequence) so that neither order nor time ties it to a link."""

    __tablename__ = "evaluation_answers"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("batches.id"), index=True)
    answers: Mapped[dict] = mapped_column(JSON)
    comment: Mapped[str] = mapped_column(Text, default="")
