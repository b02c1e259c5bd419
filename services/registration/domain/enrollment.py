"""Enrolment rules, without I/O: may this participant take a seat in this batch, or join its waiting list?"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from services.registration.domain.participant_category import MANAGER, admits


class EnrollmentRefused(ValueError):
    def __init__(self, message: str, field_name: str = "batch_id"):
        super().__init__(message)
        self.message = message
        self.field = field_name


@dataclass(frozen=True)
class BatchTerms:
    status: str
    start_date: date
    end_date: date
    capacity: int
    eligible_districts: list[str]
    district_quotas: dict[str, int] = field(default_factory=dict)
    eligibility: str = "koperasi"  # koperasi | koperasi_dan_umk


@dataclass(frozen=True)
class Seats:
    """Seats already taken in the batch, overall and by the participant's district."""

    taken: int
    taken_by_district: int


def decide_enrollment(*, batch: BatchTerms, district_code: str, cooperative_active: bool, already_in_batch: bool,
                      overlapping_batch: str | None, seats: Seats, today: date,
                      inactive_override: bool = False,
                      category: str = MANAGER) -> Literal["enrolled", "waitlisted"]:
    if batch.status != "scheduled":
        raise EnrollmentRefused("Angkatan ini sudah dibatalkan atau ditutup; pendaftaran tidak dibuka.")
    if batch.start_date <= today:
        raise EnrollmentRefused("Angkatan ini sudah dimulai; peserta tidak dapat didaftarkan lagi.")
    check_admitted(batch, category)
    if district_code not in batch.eligible_districts:
        raise EnrollmentRefused("Koperasi peserta berada di kabupaten/kota yang tidak termasuk angkatan ini.",
                                "participant_id")
    if not cooperative_active and not inactive_override:
        raise EnrollmentRefused("Koperasi peserta berstatus tidak aktif; hanya admin provinsi yang dapat "
                                "mengizinkan pendaftarannya.", "participant_id")
    if already_in_batch:
        raise EnrollmentRefused("Peserta ini sudah terdaftar (atau dalam daftar tunggu) di angkatan ini.",
                                "participant_id")
    if overlapping_batch:
        raise EnrollmentRefused(f"Peserta ini sudah terdaftar di angkatan {overlapping_batch} pada tanggal yang "
                                "bertumpukan.", "participant_id")
    quota = batch.district_quotas.get(district_code)
    if seats.taken >= batch.capacity or (quota is not None and seats.taken_by_district >= quota):
        return "waitlisted"
    return "enrolled"


def check_admitted(batch: BatchTerms, category: str) -> None:
    """A UMK owner only in a batch open to UMK (its eligibility); a cooperative's people in every batch."""
    if not admits(batch.eligibility, category):
        raise EnrollmentRefused("Angkatan ini hanya untuk peserta dari koperasi; pelaku UMK hanya dapat didaftarkan "
                                "di angkatan yang terbuka untuk UMK.", "participant_id")


def dates_overlap(a_start: date, a_end: date, b_start: date, b_end: date) -> bool:
    return a_start <= b_end and b_start <= a_end


@dataclass(frozen=True)
class InLine:
    """A nomination on a batch's waiting list, in line order."""

    enrollment_id: object
    district_code: str


def promotable(*, batch: BatchTerms, waiting: list[InLine], taken: int,
               taken_by_district: dict[str, int]) -> list[object]:
    """Who moves up from the waiting list, first in line first, while seats last. Someone whose district quota is
    full stays in line and the next one whose district still has room takes the seat, so no seat stays empty."""
    taken_by_district = dict(taken_by_district)
    promoted = []
    for nomination in waiting:
        if taken >= batch.capacity:
            break
        quota = batch.district_quotas.get(nomination.district_code)
        if quota is not None and taken_by_district.get(nomination.district_code, 0) >= quota:
            continue
        promoted.append(nomination.enrollment_id)
        taken += 1
        taken_by_district[nomination.district_code] = taken_by_district.get(nomination.district_code, 0) + 1
    return promoted


def check_cancellable(*, status: str, batch_start: date, today: date) -> None:
    if status == "cancelled":
        raise EnrollmentRefused("Pendaftaran ini sudah dibatalkan sebelumnya.", "id")
    if batch_start <= today:
        raise EnrollmentRefused("Angkatan ini sudah dimulai; pembatalan dicatat oleh panitia pelatihan, "
                                "bukan oleh dinas.", "id")
