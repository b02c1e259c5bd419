"""Registration's tables: cooperatives, participants, the batch replica, enrolments, the audit log, plus the
messaging tables."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, Uuid, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import service_metadata
from shared.messaging.tables import messaging_tables

metadata = service_metadata()
messaging = messaging_tables(metadata)


class Base(DeclarativeBase):
    metadata = metadata


class Cooperative(Base):
    __tablename__ = "cooperatives"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200), index=True)
    registration_number: Mapped[str] = mapped_column(String(40), unique=True)  # Nomor Induk Koperasi
    legal_entity_number: Mapped[str | None] = mapped_column(String(120))
    district_code: Mapped[str] = mapped_column(String(8), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    sector: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(default=True)
    grade: Mapped[str | None] = mapped_column(String(4))
    members_male: Mapped[int] = mapped_column(Integer, default=0)
    members_female: Mapped[int] = mapped_column(Integer, default=0)
    # Registry fields beyond the basics (migration 0004); optional on records registered before them.
    nib: Mapped[str | None] = mapped_column(String(13))  # Nomor Induk Berusaha (OSS), 13 digits
    last_rat_year: Mapped[int | None] = mapped_column(Integer)  # year of the last annual members' meeting
    syariah: Mapped[bool] = mapped_column(default=False, server_default=false())  # KSPPS/USPPS pattern
    managers_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    employees_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str | None] = mapped_column(String(120))


class Participant(Base):
    __tablename__ = "participants"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    nik: Mapped[str] = mapped_column(String(16), unique=True)  # personal data: never leaves this service
    full_name: Mapped[str] = mapped_column(String(200))
    gender: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date] = mapped_column(Date)
    position: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    email: Mapped[str | None] = mapped_column(String(200))
    # None for a UMK owner (migration 0007), who brings a business instead of a cooperative.
    cooperative_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cooperatives.id"), index=True)
    district_code: Mapped[str] = mapped_column(String(8), index=True)  # the cooperative's, or the business's
    category: Mapped[str] = mapped_column(String(20), default="pengurus_koperasi",
                                          server_default="pengurus_koperasi")
    business_name: Mapped[str | None] = mapped_column(String(200))  # UMK owners only
    nib: Mapped[str | None] = mapped_column(String(13))  # the business's NIB (OSS), UMK owners only
    sector: Mapped[str | None] = mapped_column(String(40))  # the business's sector, UMK owners only
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str | None] = mapped_column(String(120))


class BatchReplica(Base):
    """Training's batches as registration knows them, built only from training's events."""

    __tablename__ = "batches"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    venue: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column(Integer)
    eligible_districts: Mapped[list] = mapped_column(JSON)
    district_quotas: Mapped[dict] = mapped_column(JSON)
    # koperasi | koperasi_dan_umk (training's batch events since minor 1; older ones: cooperatives only)
    eligibility: Mapped[str] = mapped_column(String(20), default="koperasi", server_default="koperasi")
    status: Mapped[str] = mapped_column(String(20), default="scheduled")  # scheduled | cancelled | closed
    version: Mapped[int] = mapped_column(Integer)


class Enrollment(Base):
    __tablename__ = "enrollments"
    __table_args__ = (Index("ix_enrollments_batch_status", "batch_id", "status"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("batches.id"))
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"), index=True)
    district_code: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(20))  # enrolled | waitlisted | cancelled
    # Place in the batch's waiting line, handed out under the batch lock; the timestamp alone could tie.
    waitlist_seq: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str | None] = mapped_column(String(120))
    cancel_reason: Mapped[str | None] = mapped_column(String(300))


class AuditEntry(Base):
    """Who created or changed what, and when; written in the same transaction as the change itself."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(120), index=True)  # the account id at identity
    actor_name: Mapped[str | None] = mapped_column(String(200))  # the person's name when it was done
    role: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))  # created | updated | enrolled | waitlisted | cancelled | ...
    entity: Mapped[str] = mapped_column(String(40))  # cooperative | participant | enrollment
    entity_id: Mapped[str] = mapped_column(String(36))
    district_code: Mapped[str | None] = mapped_column(String(8))
    # Changed fields as {field: [old, new]}; personal data only as "(diubah)", never the value.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text)


class CompletionRecord(Base):
    """Who completed which batch, from training's participant.completed events: the planning list's "trained"."""

    __tablename__ = "completions"
    __table_args__ = (Index("ix_completions_cooperative", "cooperative_id"),)

    batch_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    cooperative_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    district_code: Mapped[str] = mapped_column(String(8), index=True)
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # the decision's time (envelope)


class ProgrammeTargets(Base):
    """Training's programmes as far as planning needs them: the fiscal year and the target per kabupaten/kota."""

    __tablename__ = "programme_targets"

    programme_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    target_cooperatives: Mapped[int] = mapped_column(Integer)
    district_targets: Mapped[dict] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer)
