"""Reporting's projections: only what the ministry's figures need; no names, no NIK, no phones.

Rows may be created by whichever event of an entity arrives first (topics are consumed in parallel, a replay
may interleave them), so descriptive columns are nullable until the event that carries them has been applied.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, DateTime, Index, Integer, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import service_metadata
from shared.messaging.tables import messaging_tables

metadata = service_metadata()
messaging = messaging_tables(metadata)
Money = BigInteger  # rupiah: sums of allocations pass 2^31


class Base(DeclarativeBase):
    metadata = metadata


class ProgrammeView(Base):
    __tablename__ = "programmes"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    funding_source: Mapped[str] = mapped_column(String(40))
    allocation: Mapped[int] = mapped_column(Money)
    target_cooperatives: Mapped[int] = mapped_column(Integer)
    district_targets: Mapped[dict] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer)


class BatchView(Base):
    __tablename__ = "batches"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    code: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str | None] = mapped_column(String(200))
    venue: Mapped[str | None] = mapped_column(String(200))
    programme_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    fiscal_year: Mapped[int | None] = mapped_column(Integer, index=True)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    capacity: Mapped[int | None] = mapped_column(Integer)
    session_count: Mapped[int | None] = mapped_column(Integer)
    eligible_districts: Mapped[list | None] = mapped_column(JSON)
    planned_budget: Mapped[int] = mapped_column(Money, default=0)
    realised_cost: Mapped[int | None] = mapped_column(Money)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The closing's lines by DAK component [{component, planned, realised}] (batch.closed minor version 1); null for
    # a closing without them, which the budget by component counts as "lainnya".
    components: Mapped[list | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))  # scheduled | cancelled | closed
    # The batch's description and its lifecycle are versioned apart: a close that arrives before the
    # schedule must not be undone by it, and the schedule must still fill in the description.
    version: Mapped[int] = mapped_column(Integer)
    status_version: Mapped[int] = mapped_column(Integer)


class CooperativeView(Base):
    __tablename__ = "cooperatives"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(8), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    sector: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column()
    grade: Mapped[str | None] = mapped_column(String(4))
    members_male: Mapped[int] = mapped_column(Integer)
    members_female: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)


class EnrollmentView(Base):
    __tablename__ = "enrollments"
    __table_args__ = (Index("ix_enrollments_batch_participant", "batch_id", "participant_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    batch_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # a pseudonymous id, never a name
    cooperative_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # None for a UMK owner: no cooperative
    district_code: Mapped[str | None] = mapped_column(String(8))
    sector: Mapped[str | None] = mapped_column(String(40))
    gender: Mapped[str | None] = mapped_column(String(1))
    # pelaku_umk: counted apart, never as a cooperative (0006); None: not known yet (a cancellation came first)
    category: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))  # enrolled | waitlisted | cancelled
    version: Mapped[int] = mapped_column(Integer)


class AttendanceView(Base):
    """One participant's mark in one session; each mark keeps the session version that last set it."""

    __tablename__ = "attendance"

    batch_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    session_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    status: Mapped[str] = mapped_column(String(12))
    present: Mapped[bool] = mapped_column()
    version: Mapped[int] = mapped_column(Integer)


class SessionView(Base):
    """A completed session (one day of a batch)."""

    __tablename__ = "sessions"

    batch_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    session_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_date: Mapped[date] = mapped_column(Date)
    roster_size: Mapped[int] = mapped_column(Integer)
    present: Mapped[int] = mapped_column(Integer)
    tallies: Mapped[dict] = mapped_column(JSON)
    jp: Mapped[int | None] = mapped_column(Integer)  # its length in lesson hours (session.completed minor 1)
    version: Mapped[int] = mapped_column(Integer)


class CompletionView(Base):
    __tablename__ = "completions"

    batch_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # None for a UMK owner (0006): distinct cooperatives never count a business
    cooperative_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    district_code: Mapped[str] = mapped_column(String(8))
    sector: Mapped[str] = mapped_column(String(40))
    gender: Mapped[str] = mapped_column(String(1))
    category: Mapped[str] = mapped_column(String(20), default="pengurus_koperasi", server_default="pengurus_koperasi")
    completed: Mapped[bool] = mapped_column()
    jp_total: Mapped[int | None] = mapped_column(Integer)  # the batch's JP as the decision counted it (minor 1)
    version: Mapped[int] = mapped_column(Integer)


class ScoreSheetView(Base):
    """A batch's pre/post-test sheet as training last published it: [{participant_id, pre_test, post_test}], by
    pseudonymous id only. A newer version replaces the whole sheet (a participant left out has no score)."""

    __tablename__ = "score_sheets"

    batch_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    scores: Mapped[list] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer)


class EvaluationView(Base):
    """A batch's evaluation results: item means and counts per section and per narasumber (by code; a display name
    only when the narasumber agreed). No answer, comment or respondent."""

    __tablename__ = "evaluations"

    batch_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    respondents: Mapped[int] = mapped_column(Integer)
    invited: Mapped[int] = mapped_column(Integer)
    items: Mapped[list] = mapped_column(JSON)
    narasumber: Mapped[list] = mapped_column(JSON)
    summarised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer)


class CertificateView(Base):
    __tablename__ = "certificates"

    number: Mapped[str] = mapped_column(String(60), primary_key=True)
    batch_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    participant_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    revoked: Mapped[bool] = mapped_column()
    version: Mapped[int] = mapped_column(Integer)


class Freshness(Base):
    """The time of the newest event applied, so every report says how fresh it is."""

    __tablename__ = "freshness"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    data_as_of: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    events_applied: Mapped[int] = mapped_column(BigInteger, default=0)


class StorePointer(Base):
    """Which generation of the projection store is live; read only in the configured (control) database."""

    __tablename__ = "store_pointer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Only the number: the store's URL (with its credentials) is derived from settings, never stored.
    generation: Mapped[int] = mapped_column(Integer)
    switched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
