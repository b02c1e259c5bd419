"""Training's tables: batches, sessions, the roster, attendance marks and their corrections."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, MetaData, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.messaging.tables import messaging_tables

metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s", "pk": "pk_%(table_name)s",
})
messaging = messaging_tables(metadata)


class Base(DeclarativeBase):
    metadata = metadata


class Batch(Base):
    __tablename__ = "batches"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    programme_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    venue: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column(Integer)
    eligible_districts: Mapped[list] = mapped_column(JSON)
    district_quotas: Mapped[dict] = mapped_column(JSON)
    planned_budget: Mapped[int] = mapped_column(Integer, default=0)
    completion_min_percent: Mapped[int] = mapped_column(Integer, default=100)  # 100 = present at every session
    trainers: Mapped[list] = mapped_column(JSON)  # token subjects of the assigned trainers
    status: Mapped[str] = mapped_column(String(20), default="scheduled")  # scheduled | cancelled | closed
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(120))


class Session(Base):
    __tablename__ = "sessions"
    __table_args__ = (UniqueConstraint("batch_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("batches.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    date: Mapped[date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(String(200), default="")
    trainer: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | completed
    version: Mapped[int] = mapped_column(Integer, default=1)


class RosterEntry(Base):
    """A participant on a batch's roster, from registration's ParticipantEnrolled."""

    __tablename__ = "roster"
    __table_args__ = (UniqueConstraint("batch_id", "participant_id"),)

    enrollment_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    batch_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    full_name: Mapped[str] = mapped_column(String(200))
    gender: Mapped[str] = mapped_column(String(1))
    position: Mapped[str] = mapped_column(String(40))
    cooperative_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    cooperative_name: Mapped[str] = mapped_column(String(200))
    district_code: Mapped[str] = mapped_column(String(8))
    sector: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | cancelled
    version: Mapped[int] = mapped_column(Integer)


class AttendanceMark(Base):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "participant_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sessions.id"), index=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(12))  # hadir | terlambat | izin | sakit | alpa
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AttendanceCorrection(Base):
    """The trail of every re-marking: the previous value, who changed it, and when."""

    __tablename__ = "attendance_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sessions.id"), index=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    previous_status: Mapped[str] = mapped_column(String(12))
    previous_note: Mapped[str | None] = mapped_column(Text)
    new_status: Mapped[str] = mapped_column(String(12))
    new_note: Mapped[str | None] = mapped_column(Text)
    corrected_by: Mapped[str] = mapped_column(String(120))
    corrected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CompletionResult(Base):
    __tablename__ = "completions"
    __table_args__ = (UniqueConstraint("batch_id", "participant_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    completed: Mapped[bool] = mapped_column()
    sessions_present: Mapped[int] = mapped_column(Integer)
    sessions_total: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
