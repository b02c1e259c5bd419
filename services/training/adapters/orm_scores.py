"""A batch's pre-test and post-test scores (issue 15): one row per participant scored, and the sheet's version, which
grows with every save or import and is the version of the ScoresRecorded event that announces the sheet."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, SmallInteger, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.training.adapters.orm import Base


class Score(Base):
    """A participant's scores in one batch, in whole tenths (625 = 62,5): exact on PostgreSQL and SQLite alike.
    Who changed them last, and when; every earlier value is in the audit trail (entity "score")."""

    __tablename__ = "scores"

    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("batches.id"), primary_key=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    pre_test: Mapped[int | None] = mapped_column(SmallInteger)  # tenths, 0–1000; null: not taken (or cleared)
    post_test: Mapped[int | None] = mapped_column(SmallInteger)
    recorded_by: Mapped[str] = mapped_column(String(120))  # the account id at identity
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ScoreSheet(Base):
    """One per batch once a score is saved: the version of its sheet (saves are serialised by the batch's row)."""

    __tablename__ = "score_sheets"

    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("batches.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
