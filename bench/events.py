"""Realistic event payloads for the bench, built straight from the contracts' field names (fast, no pydantic)."""
from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from shared.clock import business_today
from shared.events import registration as r
from shared.events import training as t

DISTRICTS = ["64.01", "64.02", "64.03", "64.04", "64.05", "64.07", "64.08", "64.09", "64.11", "64.71", "64.72"]
SECTORS = ["pertanian", "perikanan", "simpan pinjam", "perdagangan", "jasa"]
STATUSES = ["hadir", "hadir", "hadir", "terlambat", "izin", "sakit", "alpa"]
# The share of each kind in the "mixed" stream (weights), roughly what a fiscal year produces.
MIX = [("cooperative", 8), ("batch", 1), ("enrolled", 45), ("waitlisted", 4), ("cancelled", 4),
       ("attendance", 2), ("session", 2), ("completion", 22), ("certificate", 12)]


def envelope(cls, subject: str, data: dict, version: int = 1) -> bytes:
    return json.dumps({
        "specversion": "1.0", "id": str(uuid.uuid4()), "type": cls.type,
        "source": "/sipelkop/registration" if cls.topic.startswith("sipelkop.registration") else "/sipelkop/training",
        "time": datetime.now(UTC).isoformat(), "subject": subject, "aggregate_version": version,
        "minor_version": getattr(cls, "minor_version", 0), "correlation_id": None, "causation_id": None,
        "datacontenttype": "application/json", "data": data}, separators=(",", ":")).encode()


def batch_scheduled(batch_id: uuid.UUID, *, start: date, days: int = 1, capacity: int = 1000,
                    code: str = "BENCH", districts: list[str] | None = None) -> tuple[str, str, bytes]:
    data = {"batch_id": str(batch_id), "code": code, "title": "Digitalisasi Usaha Koperasi", "programme_id": None,
            "fiscal_year": start.year, "venue": "Samarinda", "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=days - 1)).isoformat(), "capacity": capacity,
            "eligible_districts": districts or DISTRICTS, "district_quotas": {}, "planned_budget": 60_000_000,
            "session_count": days}
    return t.BatchScheduled.topic, str(batch_id), envelope(t.BatchScheduled, str(batch_id), data)


def participant_enrolled(batch_id: uuid.UUID, n: int, *, district: str = "64.02") -> tuple[str, str, bytes]:
    enrollment_id = uuid.uuid4()
    data = {"enrollment_id": str(enrollment_id), "batch_id": str(batch_id), "participant_id": str(uuid.uuid4()),
            "full_name": f"Peserta Nomor {n:05d}", "gender": "LP"[n % 2], "position": "ketua",
            "cooperative_id": str(uuid.uuid4()), "cooperative_name": f"Koperasi Sejahtera {n}",
            "district_code": district, "sector": SECTORS[n % len(SECTORS)],
            "enrolled_at": datetime.now(UTC).isoformat()}
    return r.ParticipantEnrolled.topic, str(enrollment_id), envelope(r.ParticipantEnrolled, str(enrollment_id), data)


def mixed(n: int, seed: int = 7) -> Iterator[tuple[str, str, bytes]]:
    """`n` events of every kind reporting applies, ids that refer to each other as in real life."""
    rnd = random.Random(seed)
    kinds, weights = zip(*MIX)
    batches = [uuid.uuid4() for _ in range(max(1, n // 500))]
    enrolments: list[tuple[uuid.UUID, uuid.UUID, uuid.UUID]] = []
    cooperatives: list[uuid.UUID] = [uuid.uuid4()]
    versions: dict[str, int] = {}  # per aggregate (subject), as the producing service numbers them
    today = business_today()

    def next_version(subject: str) -> int:
        versions[subject] = versions.get(subject, 0) + 1
        return versions[subject]

    for i in range(n):
        kind = rnd.choices(kinds, weights)[0]
        batch = rnd.choice(batches)
        if kind == "cooperative":
            coop = uuid.uuid4()
            cooperatives.append(coop)
            yield r.CooperativeRegistered.topic, str(coop), envelope(r.CooperativeRegistered, str(coop), {
                "cooperative_id": str(coop), "name": f"Koperasi {i}", "registration_number": f"64{i:010d}",
                "district_code": rnd.choice(DISTRICTS), "kind": "produsen", "sector": rnd.choice(SECTORS),
                "active": True, "grade": "B", "members_male": rnd.randint(5, 200), "members_female": rnd.randint(5, 200)})
        elif kind == "batch":
            yield batch_scheduled(batch, start=today + timedelta(days=rnd.randint(7, 300)), days=3,
                                  code=f"DIG-{i:06d}")
        elif kind in ("enrolled", "waitlisted") or not enrolments:
            enrolment, participant = uuid.uuid4(), uuid.uuid4()
            coop = rnd.choice(cooperatives)
            enrolments.append((enrolment, batch, participant))
            data = {"enrollment_id": str(enrolment), "batch_id": str(batch), "participant_id": str(participant),
                    "cooperative_id": str(coop), "district_code": rnd.choice(DISTRICTS)}
            if kind == "waitlisted":
                yield r.EnrollmentWaitlisted.topic, str(enrolment), envelope(
                    r.EnrollmentWaitlisted, str(enrolment), {**data, "waitlist_position": rnd.randint(1, 20)})
            else:
                yield r.ParticipantEnrolled.topic, str(enrolment), envelope(r.ParticipantEnrolled, str(enrolment), {
                    **data, "full_name": f"Peserta {i}", "gender": rnd.choice("LP"), "position": "ketua",
                    "cooperative_name": f"Koperasi {i}", "sector": rnd.choice(SECTORS),
                    "enrolled_at": datetime.now(UTC).isoformat()})
        elif kind == "cancelled":
            enrolment, batch, participant = rnd.choice(enrolments)
            yield r.EnrollmentCancelled.topic, str(enrolment), envelope(r.EnrollmentCancelled, str(enrolment), {
                "enrollment_id": str(enrolment), "batch_id": str(batch), "participant_id": str(participant),
                "reason": "berhalangan"}, version=2)
        elif kind == "attendance":
            no = rnd.randint(1, 3)
            subject = f"{batch}:{no}"
            yield t.AttendanceRecorded.topic, subject, envelope(t.AttendanceRecorded, subject, {
                "batch_id": str(batch), "session_no": no, "session_date": today.isoformat(),
                "marks": [{"participant_id": str(uuid.uuid4()), "status": rnd.choice(STATUSES), "note": None}
                          for _ in range(30)],
                "recorded_by": "pelatih-1", "correction": False, "marked_at": datetime.now(UTC).isoformat()},
                version=next_version(subject))
        elif kind == "session":
            no = rnd.randint(1, 3)
            subject = f"{batch}:{no}"
            yield t.SessionCompleted.topic, subject, envelope(t.SessionCompleted, subject, {
                "batch_id": str(batch), "session_no": no, "session_date": today.isoformat(), "roster_size": 30,
                "tallies": {"hadir": 25, "terlambat": 2, "izin": 1, "sakit": 1, "alpa": 1},
                "present_participant_ids": [str(uuid.uuid4()) for _ in range(27)]}, version=next_version(subject))
        elif kind == "completion":
            enrolment, batch, participant = rnd.choice(enrolments)
            cls = t.ParticipantCompleted if rnd.random() < 0.85 else t.ParticipantNotCompleted
            data = {"batch_id": str(batch), "participant_id": str(participant),
                    "cooperative_id": str(rnd.choice(cooperatives)), "district_code": rnd.choice(DISTRICTS),
                    "sector": rnd.choice(SECTORS), "gender": rnd.choice("LP"), "sessions_present": 3,
                    "sessions_total": 3}
            if cls is t.ParticipantNotCompleted:
                data.update(sessions_present=1, reason="kehadiran kurang")
            subject = f"{batch}:{participant}"
            yield cls.topic, subject, envelope(cls, subject, data, version=next_version(subject))
        else:
            enrolment, batch, participant = rnd.choice(enrolments)
            number = f"SERT/{i:07d}/2026"
            yield t.CertificateIssued.topic, number, envelope(t.CertificateIssued, number, {
                "certificate_number": number, "batch_id": str(batch), "participant_id": str(participant),
                "issued_at": datetime.now(UTC).isoformat()})
