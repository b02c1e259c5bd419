"""Day-one substitution rules, without I/O: who may replace a no-show (or seat a walk-in) in a batch, and until when.

Training staff and admins may do it until the end of the batch's first day in the province's day (WITA, 23:59);
a district officer only for their own district and only before the batch starts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.registration.domain.enrollment import BatchTerms, EnrollmentRefused, Seats, check_admitted
from services.registration.domain.participant_category import MANAGER
from shared.clock import business_today

STAFF_ROLES = ("admin", "training_staff")
OFFICER = "district_officer"
AFTER_START = "Setelah angkatan dimulai, penggantian dilakukan oleh staf pelatihan UPTD."


class SubstitutionForbidden(EnrollmentRefused):
    """Refused because of who asks (403), not because of the batch's state (409)."""


@dataclass(frozen=True)
class Replaced:
    """The nomination being replaced: its status and the district whose quota seat passes to the substitute."""

    status: str
    district_code: str


def check_window(*, role: str, officer_district: str | None, district_code: str, batch_start: date,
                 now: datetime) -> None:
    """May this person substitute in this district now? `now` is any aware time; the day is counted in WITA."""
    today = business_today(now)
    if role == OFFICER:
        if officer_district != district_code:
            raise SubstitutionForbidden(f"Anda hanya dapat mengganti peserta kabupaten/kota {officer_district}.",
                                        "participant_id")
        if today >= batch_start:
            raise SubstitutionForbidden(AFTER_START, "batch_id")
        return
    if role not in STAFF_ROLES:
        raise SubstitutionForbidden("Penggantian peserta hanya oleh staf pelatihan UPTD, admin provinsi, atau "
                                    "petugas dinas sebelum angkatan dimulai.", "batch_id")
    if today > batch_start:
        raise EnrollmentRefused("Penggantian peserta hanya sampai akhir hari pertama angkatan "
                                f"({batch_start:%d-%m-%Y} pukul 23.59 WITA).", "batch_id")


def check_substitute(*, batch: BatchTerms, replaced: Replaced | None, district_code: str, cooperative_active: bool,
                     already_in_batch: bool, overlapping_batch: str | None, seats: Seats,
                     category: str = MANAGER) -> None:
    """May this manager take the replaced person's seat (or, with no one replaced, a free seat as a walk-in)?"""
    if batch.status != "scheduled":
        raise EnrollmentRefused("Angkatan ini sudah dibatalkan atau ditutup; penggantian tidak dapat dilakukan.")
    check_admitted(batch, category)
    if replaced is not None:
        if replaced.status != "enrolled":
            raise EnrollmentRefused("Hanya peserta yang terdaftar (bukan daftar tunggu atau dibatalkan) yang dapat "
                                    "diganti.", "replaced_enrollment_id")
        if district_code != replaced.district_code:
            raise EnrollmentRefused("Pengganti harus berasal dari kabupaten/kota yang sama dengan peserta yang "
                                    "diganti.", "participant_id")
    elif district_code not in batch.eligible_districts:
        raise EnrollmentRefused("Koperasi peserta berada di kabupaten/kota yang tidak termasuk angkatan ini.",
                                "participant_id")
    if not cooperative_active:
        raise EnrollmentRefused("Koperasi pengganti berstatus tidak aktif.", "participant_id")
    if already_in_batch:
        raise EnrollmentRefused("Peserta ini sudah terdaftar (atau dalam daftar tunggu) di angkatan ini.",
                                "participant_id")
    if overlapping_batch:
        raise EnrollmentRefused(f"Peserta ini sudah terdaftar di angkatan {overlapping_batch} pada tanggal yang "
                                "bertumpukan.", "participant_id")
    if replaced is None:
        quota = batch.district_quotas.get(district_code)
        if seats.taken >= batch.capacity or (quota is not None and seats.taken_by_district >= quota):
            raise EnrollmentRefused("Tidak ada kursi kosong (atau kuota kabupaten/kota sudah penuh) untuk peserta "
                                    "langsung; ganti peserta yang tidak hadir.", "batch_id")
