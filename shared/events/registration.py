"""Events published by the registration service. No NIK, phone or e-mail ever leaves it."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from shared.events.base import Code, DistrictCode, DomainEvent, Name, Text, topic_name

Gender = Literal["L", "P"]  # laki-laki / perempuan, derived from the NIK
# Who a participant is (minor version 1 of the participant and enrolment events; older events are managers):
# a cooperative's manager or supervisor, a cooperative's member, or an owner of a micro/small enterprise (UMK)
# who belongs to no cooperative. For a UMK owner `cooperative_id` is the business's id (a UUID derived from its
# NIB, services/registration/domain/participant_category.py), `cooperative_name` the business name and `sector`
# the business's: a UMK is never a cooperative and never counts toward the cooperatives trained.
ParticipantCategory = Literal["pengurus_koperasi", "anggota_koperasi", "pelaku_umk"]
DEFAULT_CATEGORY = "pengurus_koperasi"
UMK_CATEGORY = "pelaku_umk"

COOPERATIVE_TOPIC = topic_name("registration", "cooperative")
PARTICIPANT_TOPIC = topic_name("registration", "participant")
ENROLLMENT_TOPIC = topic_name("registration", "enrollment")


class CooperativeState(DomainEvent):
    """What other services need of a cooperative: its whole public state."""

    cooperative_id: uuid.UUID
    name: Name
    registration_number: Code  # Nomor Induk Koperasi
    district_code: DistrictCode  # Kemendagri code, e.g. "64.02"
    kind: Code  # jenis: simpan pinjam, konsumen, produsen, pemasaran, jasa
    sector: Code  # sektor usaha
    active: bool
    grade: Code | None = None  # ODS grade A, B, C1, C2, D
    members_male: int = Field(ge=0)
    members_female: int = Field(ge=0)


class CooperativeRegistered(CooperativeState):
    type: ClassVar[str] = "sipelkop.registration.cooperative.registered.v1"
    topic: ClassVar[str] = COOPERATIVE_TOPIC


class CooperativeUpdated(CooperativeState):
    type: ClassVar[str] = "sipelkop.registration.cooperative.updated.v1"
    topic: ClassVar[str] = COOPERATIVE_TOPIC


class ParticipantRegistered(DomainEvent):
    type: ClassVar[str] = "sipelkop.registration.participant.registered.v1"
    topic: ClassVar[str] = PARTICIPANT_TOPIC
    minor_version: ClassVar[int] = 1

    participant_id: uuid.UUID
    cooperative_id: uuid.UUID
    district_code: DistrictCode
    gender: Gender
    position: Code
    category: ParticipantCategory = DEFAULT_CATEGORY  # minor 1


class ParticipantUpdated(DomainEvent):
    """A correction of what other services see of a participant (name, position, cooperative); the envelope's
    aggregate_version is the participant's version. Training's roster takes the new name from it. A change of
    category is not carried: a roster keeps the category its enrolment carried."""

    type: ClassVar[str] = "sipelkop.registration.participant.updated.v1"
    topic: ClassVar[str] = PARTICIPANT_TOPIC

    participant_id: uuid.UUID
    full_name: Name
    gender: Gender
    position: Code
    cooperative_id: uuid.UUID
    district_code: DistrictCode


class ParticipantEnrolled(DomainEvent):
    """Carries what training needs for its roster and certificates. Minor version 1: the participant's
    `category` (for a UMK owner the business stands where the cooperative does; its NIB stays in registration)."""

    type: ClassVar[str] = "sipelkop.registration.participant.enrolled.v1"
    topic: ClassVar[str] = ENROLLMENT_TOPIC
    minor_version: ClassVar[int] = 1

    enrollment_id: uuid.UUID
    batch_id: uuid.UUID
    participant_id: uuid.UUID
    full_name: Name
    gender: Gender
    position: Code
    cooperative_id: uuid.UUID
    cooperative_name: Name
    district_code: DistrictCode
    sector: Code
    enrolled_at: datetime
    category: ParticipantCategory = DEFAULT_CATEGORY  # minor 1


class EnrollmentWaitlisted(DomainEvent):
    type: ClassVar[str] = "sipelkop.registration.enrollment.waitlisted.v1"
    topic: ClassVar[str] = ENROLLMENT_TOPIC
    minor_version: ClassVar[int] = 1

    enrollment_id: uuid.UUID
    batch_id: uuid.UUID
    participant_id: uuid.UUID
    cooperative_id: uuid.UUID
    district_code: DistrictCode
    waitlist_position: int = Field(ge=1)
    category: ParticipantCategory = DEFAULT_CATEGORY  # minor 1


class EnrollmentCancelled(DomainEvent):
    type: ClassVar[str] = "sipelkop.registration.enrollment.cancelled.v1"
    topic: ClassVar[str] = ENROLLMENT_TOPIC

    enrollment_id: uuid.UUID
    batch_id: uuid.UUID
    participant_id: uuid.UUID
    reason: Text
