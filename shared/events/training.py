"""Events published by the training service: programmes, batches, sessions, completion, certificates."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import Field

from shared.events.base import (MAX_DISTRICTS, MAX_ROSTER, Actor, Code, Contract, DistrictCode, DomainEvent,
                                 Name, Text, topic_name)
from shared.events.registration import DEFAULT_CATEGORY, Gender, ParticipantCategory

PROGRAMME_TOPIC = topic_name("training", "programme")
BATCH_TOPIC = topic_name("training", "batch")
SESSION_TOPIC = topic_name("training", "session")
COMPLETION_TOPIC = topic_name("training", "completion")
CERTIFICATE_TOPIC = topic_name("training", "certificate")

AttendanceStatus = Literal["hadir", "terlambat", "izin", "sakit", "alpa"]
# Who may be nominated to a batch (minor version 1 of the batch's state): cooperatives' people only, or also
# owners of micro/small enterprises (UMK) who belong to no cooperative. Older events are cooperatives only.
BatchEligibility = Literal["koperasi", "koperasi_dan_umk"]
DEFAULT_ELIGIBILITY = "koperasi"


class ProgrammeState(DomainEvent):
    programme_id: uuid.UUID
    name: Name
    fiscal_year: int
    funding_source: Code  # DAK, APBD, ...
    allocation: int = Field(ge=0)  # rupiah
    target_cooperatives: int = Field(ge=0)
    district_targets: dict[DistrictCode, int] = Field(default_factory=dict, max_length=MAX_DISTRICTS)


class ProgrammePlanned(ProgrammeState):
    type: ClassVar[str] = "sipelkop.training.programme.planned.v1"
    topic: ClassVar[str] = PROGRAMME_TOPIC


class ProgrammeUpdated(ProgrammeState):
    type: ClassVar[str] = "sipelkop.training.programme.updated.v1"
    topic: ClassVar[str] = PROGRAMME_TOPIC


class BatchState(DomainEvent):
    """A batch (angkatan) as registration and reporting need it. Minor version 1: `eligibility`."""

    minor_version: ClassVar[int] = 1

    batch_id: uuid.UUID
    code: Code
    title: Name
    programme_id: uuid.UUID | None = None
    fiscal_year: int
    venue: Name
    start_date: date
    end_date: date
    capacity: int = Field(ge=1)
    eligible_districts: list[DistrictCode] = Field(max_length=MAX_DISTRICTS)
    district_quotas: dict[DistrictCode, int] = Field(default_factory=dict, max_length=MAX_DISTRICTS)
    planned_budget: int = Field(default=0, ge=0)
    session_count: int = Field(ge=1)
    eligibility: BatchEligibility = DEFAULT_ELIGIBILITY


class BatchScheduled(BatchState):
    type: ClassVar[str] = "sipelkop.training.batch.scheduled.v1"
    topic: ClassVar[str] = BATCH_TOPIC


class BatchUpdated(BatchState):
    type: ClassVar[str] = "sipelkop.training.batch.updated.v1"
    topic: ClassVar[str] = BATCH_TOPIC


class BatchCancelled(DomainEvent):
    type: ClassVar[str] = "sipelkop.training.batch.cancelled.v1"
    topic: ClassVar[str] = BATCH_TOPIC

    batch_id: uuid.UUID
    reason: Text


class BudgetLine(Contract):
    """One DAK component of a closing: planned and realised rupiah. `component` is a code of shared.budget's list,
    which is configurable: a consumer shows a code it does not know as it is."""

    component: Code
    planned: int = Field(ge=0)
    realised: int = Field(ge=0)


class BatchClosed(DomainEvent):
    """A batch closed with its realisasi. Minor version 1: the lines by DAK component (`components`, a plain total
    comes as one line "lainnya"); `realised_cost` stays their total. A closing without components (older
    producers) reads as one line "lainnya"."""

    type: ClassVar[str] = "sipelkop.training.batch.closed.v1"
    topic: ClassVar[str] = BATCH_TOPIC
    minor_version: ClassVar[int] = 1

    batch_id: uuid.UUID
    realised_cost: int = Field(ge=0)  # realisasi, rupiah: the sum of the components' realised
    closed_at: datetime
    components: list[BudgetLine] | None = Field(default=None, max_length=100)


class AttendanceMark(Contract):
    participant_id: uuid.UUID
    status: AttendanceStatus
    note: Text | None = None


class AttendanceRecorded(DomainEvent):
    """First marks of a session. Since minor version 1 re-marks travel as AttendanceCorrected and `correction`
    stays False; it is kept only so that old consumers still validate."""

    type: ClassVar[str] = "sipelkop.training.attendance.recorded.v1"
    topic: ClassVar[str] = SESSION_TOPIC
    minor_version: ClassVar[int] = 1

    batch_id: uuid.UUID
    session_no: int = Field(ge=1)
    session_date: date
    marks: list[AttendanceMark] = Field(max_length=MAX_ROSTER)
    recorded_by: Actor
    correction: bool = False
    # Business time: when the trainer marked in the hall (may be earlier than the server received it).
    marked_at: datetime | None = None


class AttendanceChange(Contract):
    participant_id: uuid.UUID
    previous_status: AttendanceStatus
    status: AttendanceStatus
    note: Text | None = None


class AttendanceCorrected(DomainEvent):
    """Re-marking of an already marked participant; the previous status travels with the new one."""

    type: ClassVar[str] = "sipelkop.training.attendance.corrected.v1"
    topic: ClassVar[str] = SESSION_TOPIC

    batch_id: uuid.UUID
    session_no: int = Field(ge=1)
    session_date: date
    changes: list[AttendanceChange] = Field(max_length=MAX_ROSTER)
    corrected_by: Actor
    marked_at: datetime  # business time of the corrected marks
    corrected_at: datetime  # when the server recorded the correction


class SessionTallies(Contract):
    hadir: int = 0
    terlambat: int = 0
    izin: int = 0
    sakit: int = 0
    alpa: int = 0


class SessionCompleted(DomainEvent):
    """A session closed. Minor version 1: its length in JP (jam pelajaran), for JP delivered."""

    type: ClassVar[str] = "sipelkop.training.session.completed.v1"
    topic: ClassVar[str] = SESSION_TOPIC
    minor_version: ClassVar[int] = 1

    batch_id: uuid.UUID
    session_no: int = Field(ge=1)
    session_date: date
    roster_size: int = Field(ge=0)
    tallies: SessionTallies
    present_participant_ids: list[uuid.UUID] = Field(max_length=MAX_ROSTER)
    jp: int | None = Field(default=None, ge=1)


class CompletionDecision(DomainEvent):
    """Minor version 1: the JP (lesson hours) attended and the batch's total JP beside the sessions. Minor 2: the
    participant's `category` as the enrolment carried it (a UMK owner's `cooperative_id` is its business's id)."""

    minor_version: ClassVar[int] = 2

    batch_id: uuid.UUID
    participant_id: uuid.UUID
    cooperative_id: uuid.UUID
    district_code: DistrictCode
    sector: Code
    gender: Gender
    sessions_present: int = Field(ge=0)
    sessions_total: int = Field(ge=1)
    jp_present: int | None = Field(default=None, ge=0)
    jp_total: int | None = Field(default=None, ge=0)
    category: ParticipantCategory = DEFAULT_CATEGORY


class ParticipantCompleted(CompletionDecision):
    type: ClassVar[str] = "sipelkop.training.participant.completed.v1"
    topic: ClassVar[str] = COMPLETION_TOPIC


class ParticipantNotCompleted(CompletionDecision):
    type: ClassVar[str] = "sipelkop.training.participant.not_completed.v1"
    topic: ClassVar[str] = COMPLETION_TOPIC

    reason: Text


class CertificateIssued(DomainEvent):
    type: ClassVar[str] = "sipelkop.training.certificate.issued.v1"
    topic: ClassVar[str] = CERTIFICATE_TOPIC

    certificate_number: Code
    batch_id: uuid.UUID
    participant_id: uuid.UUID
    issued_at: datetime


class CertificateRevoked(DomainEvent):
    type: ClassVar[str] = "sipelkop.training.certificate.revoked.v1"
    topic: ClassVar[str] = CERTIFICATE_TOPIC

    certificate_number: Code
    batch_id: uuid.UUID
    reason: Text
    participant_id: uuid.UUID | None = None
    revoked_at: datetime | None = None
