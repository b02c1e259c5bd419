"""Training's tables: programmes, batches and their agenda, narasumber, officials, the roster, attendance and its trail,
completion, certificates, and the audit trail of every change made through the console and the API."""
from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import (JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, Time,
                        UniqueConstraint, Uuid, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import service_metadata
from shared.messaging.tables import messaging_tables

metadata = service_metadata()
messaging = messaging_tables(metadata)


class Base(DeclarativeBase):
    metadata = metadata


class Programme(Base):
    """A fiscal year's training programme: funding source, allocation and targets."""

    __tablename__ = "programmes"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    funding_source: Mapped[str] = mapped_column(String(40))
    allocation: Mapped[int] = mapped_column(BigInteger)  # rupiah: billions do not fit a 32-bit integer
    target_cooperatives: Mapped[int] = mapped_column(Integer)
    district_targets: Mapped[dict] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(120))


class Trainer(Base):
    """A narasumber: who teaches sessions and is paid JP x rate. NIK, NPWP and bank account never leave training."""

    __tablename__ = "trainers"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    institution: Mapped[str] = mapped_column(String(200), default="")
    nip: Mapped[str | None] = mapped_column(String(18))
    nik: Mapped[str | None] = mapped_column(String(16))
    npwp: Mapped[str | None] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(20))
    bank_name: Mapped[str | None] = mapped_column(String(100))
    bank_account: Mapped[str | None] = mapped_column(String(20))
    rate_per_jp: Mapped[int] = mapped_column(BigInteger, default=0)  # rupiah
    account_id: Mapped[str | None] = mapped_column(String(120), unique=True)  # an identity account of role trainer
    # How reports name the narasumber ("NS-01"), and whether they agreed to be named there by name (0010).
    code: Mapped[str] = mapped_column(String(40), unique=True)
    named_in_reports: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(120))


class TrainerAccount(Base):
    """Identity's trainer accounts as its profile events carried them (the newest version wins), for the narasumber
    form's "Akun pelatih" list. A deactivated account, or one whose role changed, is kept, marked, never listed."""

    __tablename__ = "trainer_accounts"

    account_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(40))
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer)  # the account's aggregate version at identity
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Official(Base):
    """A pejabat who signs certificates and reports (e.g. the Kepala UPTD): a record, so a new one needs no redeploy."""

    __tablename__ = "officials"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    nip: Mapped[str] = mapped_column(String(18))
    position: Mapped[str] = mapped_column(String(200))  # jabatan
    active_from: Mapped[date] = mapped_column(Date)
    active_until: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(120))


class Batch(Base):
    __tablename__ = "batches"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    programme_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("programmes.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    venue: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column(Integer)
    eligible_districts: Mapped[list] = mapped_column(JSON)
    district_quotas: Mapped[dict] = mapped_column(JSON)
    planned_budget: Mapped[int] = mapped_column(BigInteger, default=0)
    # Who may be nominated: koperasi (cooperatives' people only) | koperasi_dan_umk (also UMK owners) (0013)
    eligibility: Mapped[str] = mapped_column(String(20), default="koperasi", server_default="koperasi")
    completion_min_percent: Mapped[int] = mapped_column(Integer, default=100)  # 100 = present at every session
    completion_by: Mapped[str] = mapped_column(String(10), default="sessions")  # sessions | jp: what the % counts
    completion_min_post_test: Mapped[int | None] = mapped_column(Integer)  # 0–100; none: scores do not count (0009)
    trainers: Mapped[list] = mapped_column(JSON)  # token subjects of the assigned trainers
    # Accounts linked to the narasumber of its sessions, kept with every agenda change: they see the batch too.
    teaching_accounts: Mapped[list] = mapped_column(JSON, default=list)
    # "daily": one session per day as generated (session n = day n, they follow the dates); "built": an agenda.
    agenda: Mapped[str] = mapped_column(String(10), default="daily")
    signing_official_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("officials.id"))
    co_signer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("officials.id"))
    status: Mapped[str] = mapped_column(String(20), default="scheduled")  # scheduled | cancelled | closed
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(120))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    realised_cost: Mapped[int | None] = mapped_column(BigInteger)  # realisasi, recorded when the batch closes
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(120))


class BatchCloseLine(Base):
    """A closed batch's realisasi on one DAK component (shared.budget); batches.realised_cost keeps their total."""

    __tablename__ = "batch_close_lines"

    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("batches.id"), primary_key=True)
    component: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)  # the line's place in the component list when it closed
    planned: Mapped[int] = mapped_column(BigInteger)  # rupiah
    realised: Mapped[int] = mapped_column(BigInteger)


class Session(Base):
    __tablename__ = "sessions"
    __table_args__ = (UniqueConstraint("batch_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("batches.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    date: Mapped[date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(String(200), default="")
    trainer: Mapped[str | None] = mapped_column(String(120))  # an assigned trainer's account (before narasumber)
    trainer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("trainers.id"), index=True)  # the narasumber
    start_time: Mapped[time] = mapped_column(Time, default=time(8, 0))
    end_time: Mapped[time] = mapped_column(Time, default=time(16, 0))
    jp: Mapped[int] = mapped_column(Integer, default=10)
    jp_set: Mapped[bool] = mapped_column(Boolean, default=False)  # JP given by hand; otherwise follows the times
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | completed
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_by: Mapped[str | None] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer, default=1)


class RosterEntry(Base):
    """A participant on a batch's roster, from registration's ParticipantEnrolled."""

    __tablename__ = "roster"
    __table_args__ = (UniqueConstraint("batch_id", "participant_id"),)

    enrollment_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    batch_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)  # a correction reaches all their batches
    full_name: Mapped[str] = mapped_column(String(200))
    gender: Mapped[str] = mapped_column(String(1))
    position: Mapped[str] = mapped_column(String(40))
    cooperative_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # a UMK owner: the business's id
    cooperative_name: Mapped[str] = mapped_column(String(200))  # a UMK owner: the business's name
    district_code: Mapped[str] = mapped_column(String(8))
    sector: Mapped[str] = mapped_column(String(40))
    # pengurus_koperasi | anggota_koperasi | pelaku_umk, as the enrolment carried it (0013)
    category: Mapped[str] = mapped_column(String(20), default="pengurus_koperasi", server_default="pengurus_koperasi")
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | cancelled
    version: Mapped[int] = mapped_column(Integer)


class ParticipantCorrection(Base):
    """The newest correction of a participant known from registration's ParticipantUpdated (version = the
    participant's version): older events are dropped, and an enrolment that arrives later takes it over.

    Version 0 is a placeholder row that only serialises a correction with a concurrent enrolment (see roster)."""

    __tablename__ = "participant_corrections"

    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    full_name: Mapped[str | None] = mapped_column(String(200))
    gender: Mapped[str | None] = mapped_column(String(1))
    position: Mapped[str | None] = mapped_column(String(40))


class AttendanceMark(Base):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "participant_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sessions.id"), index=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(12))  # hadir | terlambat | izin | sakit | alpa
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(120))
    # Business time: when the trainer marked in the hall (sent by a page that kept the mark while offline).
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Recorded time: when the server stored it.
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


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
    previous_by: Mapped[str] = mapped_column(String(120))
    previous_marked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    corrected_by: Mapped[str] = mapped_column(String(120))  # the account id at identity
    corrected_by_name: Mapped[str | None] = mapped_column(String(200))  # the person's name when it was done
    marked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # business time of the new value
    corrected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # recorded time


class CompletionResult(Base):
    __tablename__ = "completions"
    __table_args__ = (UniqueConstraint("batch_id", "participant_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    completed: Mapped[bool] = mapped_column()
    sessions_present: Mapped[int] = mapped_column(Integer)
    sessions_total: Mapped[int] = mapped_column(Integer)
    jp_present: Mapped[int | None] = mapped_column(Integer)  # lesson hours attended (decisions since 0006)
    jp_total: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CertificateCounter(Base):
    """The last certificate number handed out per year; its row is locked while a number is taken."""

    __tablename__ = "certificate_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Certificate(Base):
    """An issued certificate; what it says is copied at issue so later edits never change a signed paper."""

    __tablename__ = "certificates"
    # One *valid* certificate per participant of a batch: a re-issue revokes the old one and stands beside it (0012).
    __table_args__ = (Index("uq_certificates_valid_participant", "batch_id", "participant_id", unique=True,
                            postgresql_where=text("status = 'valid'"), sqlite_where=text("status = 'valid'")),
                      UniqueConstraint("year", "sequence"))

    number: Mapped[str] = mapped_column(String(60), primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    batch_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    full_name: Mapped[str] = mapped_column(String(200))
    cooperative_name: Mapped[str] = mapped_column(String(200))
    batch_title: Mapped[str] = mapped_column(String(200))
    venue: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    signing_official: Mapped[str] = mapped_column(String(200))
    signing_title: Mapped[str] = mapped_column(String(200))
    # From the batch's official when it names one (otherwise only signing_official, from the settings, is set).
    signing_position: Mapped[str | None] = mapped_column(String(200))
    signing_nip: Mapped[str | None] = mapped_column(String(18))
    co_signing_official: Mapped[str | None] = mapped_column(String(200))
    co_signing_position: Mapped[str | None] = mapped_column(String(200))
    co_signing_nip: Mapped[str | None] = mapped_column(String(18))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default="valid")  # valid | revoked
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(120))
    replaces: Mapped[str | None] = mapped_column(String(60))  # the number this re-issue replaces
    replaced_by: Mapped[str | None] = mapped_column(String(60))  # the number that replaced this one


class AuditEntry(Base):
    """Who changed what, and when; written in the same transaction as the change itself. The shape of
    registration's audit_log (without its district: training's records are the province's), so one reader serves
    both; attendance re-markings keep their own trail (attendance_corrections) and are not copied here."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(120), index=True)  # the account id at identity
    actor_name: Mapped[str | None] = mapped_column(String(200))  # the person's name when it was done
    role: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))  # created | updated | cancelled | deleted | revoked | closed
    entity: Mapped[str] = mapped_column(String(40))  # programme | batch | session | trainer | official | certificate
    # A UUID, a certificate number, or "<batch id>/<session number>" for a session of the agenda.
    entity_id: Mapped[str] = mapped_column(String(60))
    # Changed fields as {field: [old, new]}; NIK, NPWP, bank account and phone only as "(diubah)", never the value.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text)
