"""Synthetic event streams for reporting: the seed scenario ("Digitalisasi Usaha Koperasi", 30 participants from
three regencies) and large volumes of it for rebuild measurements. Ids are fresh, names are fake, no NIK."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from shared.events import registration as r
from shared.events import training as t
from shared.events.envelope import Envelope

SEED_DISTRICTS = {"64.02": 12, "64.08": 10, "64.09": 8}  # Kutai Kartanegara, Kutai Timur, Penajam Paser Utara
SEED_SECTORS = ("pertanian", "perikanan", "simpan pinjam", "peternakan", "kerajinan")


@dataclass
class Record:
    """Shaped like a Kafka record so EventConsumer.handle_records takes it as is."""

    topic: str
    key: bytes
    value: bytes
    partition: int = 0
    offset: int = 0


@dataclass
class EventLog:
    prefix: str = ""
    clock: datetime = datetime(2023, 7, 1, 1, 0, tzinfo=UTC)
    records: list[Record] = field(default_factory=list)

    def emit(self, event, subject, version: int = 1, *, source: str | None = None) -> Record:
        self.clock += timedelta(seconds=1)
        envelope = Envelope.wrap(event, source=source or f"/sipelkop/{event.type.split('.')[1]}",
                                 subject=str(subject), aggregate_version=version)
        envelope.time = self.clock
        record = Record(self.prefix + event.topic, str(subject).encode(), envelope.model_dump_json().encode(),
                        offset=len(self.records))
        self.records.append(record)
        return record


def seed_batch(log: EventLog, *, programme_id: uuid.UUID | None = None, year: int = 2023,
               start: date = date(2023, 7, 4), districts: dict[str, int] = SEED_DISTRICTS, absent_last_day: int = 2,
               planned_budget: int = 60_000_000, realised_cost: int = 56_000_000, code: str = "DIG-2023-01",
               close: bool = True) -> dict:
    """One three-day batch, each participant from a cooperative of their own; the first `absent_last_day`
    participants miss day 3 and do not complete. Returns the ids used, for assertions."""
    batch_id = uuid.uuid4()
    sessions = 3
    log.emit(t.BatchScheduled(batch_id=batch_id, code=code, title="Digitalisasi Usaha Koperasi", programme_id=programme_id,
                              fiscal_year=year, venue="Samarinda", start_date=start,
                              end_date=start + timedelta(days=sessions - 1), capacity=sum(districts.values()),
                              eligible_districts=sorted(districts), planned_budget=planned_budget,
                              session_count=sessions), batch_id)
    people = []
    for district, count in districts.items():
        for _ in range(count):
            n = len(people)
            coop, person, enrolment = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
            sector, gender = SEED_SECTORS[n % len(SEED_SECTORS)], "P" if n % 2 else "L"
            kind = "simpan pinjam" if sector == "simpan pinjam" else "produsen"
            log.emit(r.CooperativeRegistered(cooperative_id=coop, name=f"Koperasi Contoh {n}",
                                             registration_number=f"64{n:08d}", district_code=district, kind=kind,
                                             sector=sector, active=True, members_male=20, members_female=15), coop)
            log.emit(r.ParticipantEnrolled(enrollment_id=enrolment, batch_id=batch_id, participant_id=person,
                                           full_name=f"Peserta Contoh {n}", gender=gender, position="ketua",
                                           cooperative_id=coop, cooperative_name=f"Koperasi Contoh {n}",
                                           district_code=district, sector=sector, enrolled_at=log.clock), enrolment)
            people.append({"participant": person, "cooperative": coop, "district": district, "sector": sector,
                           "gender": gender})
    missing = {p["participant"] for p in people[:absent_last_day]}
    for no in range(1, sessions + 1):
        day = start + timedelta(days=no - 1)
        status = {p["participant"]: "alpa" if no == sessions and p["participant"] in missing else "hadir"
                  for p in people}
        subject = f"{batch_id}:{no}"
        log.emit(t.AttendanceRecorded(batch_id=batch_id, session_no=no, session_date=day, recorded_by="pelatih-1",
                                      marks=[{"participant_id": p, "status": s} for p, s in status.items()]),
                 subject, 2)
        present = [p for p, s in status.items() if s == "hadir"]
        log.emit(t.SessionCompleted(batch_id=batch_id, session_no=no, session_date=day, roster_size=len(people),
                                    tallies={"hadir": len(present), "alpa": len(people) - len(present)},
                                    present_participant_ids=present), subject, 3)
    for i, p in enumerate(people):
        fields = dict(batch_id=batch_id, participant_id=p["participant"], cooperative_id=p["cooperative"],
                      district_code=p["district"], sector=p["sector"], gender=p["gender"],
                      sessions_total=sessions)
        subject = f"{batch_id}:{p['participant']}"
        if p["participant"] in missing:
            log.emit(t.ParticipantNotCompleted(**fields, sessions_present=sessions - 1, reason="tidak hadir"),
                     subject)
        else:
            log.emit(t.ParticipantCompleted(**fields, sessions_present=sessions), subject)
            number = f"UPTD-KUKM/{year}/{uuid.uuid4().hex[:8]}"
            log.emit(t.CertificateIssued(certificate_number=number, batch_id=batch_id,
                                         participant_id=p["participant"], issued_at=log.clock), number)
    if close:
        log.emit(t.BatchClosed(batch_id=batch_id, realised_cost=realised_cost,
                               closed_at=datetime.combine(start + timedelta(days=sessions + 10), datetime.min.time(), UTC)),
                 batch_id, 2)
    return {"batch_id": batch_id, "people": people}


def programme(log: EventLog, *, year: int = 2023, allocation: int = 1_200_000_000, target: int = 600,
              district_targets: dict[str, int] | None = None) -> uuid.UUID:
    programme_id = uuid.uuid4()
    log.emit(t.ProgrammePlanned(programme_id=programme_id, name=f"Pelatihan Koperasi DAK {year}", fiscal_year=year,
                                funding_source="DAK", allocation=allocation, target_cooperatives=target,
                                district_targets=district_targets or {}), programme_id)
    return programme_id


def bulk(events: int, *, prefix: str = "", year: int = 2023) -> Iterator[Record]:
    """About `events` events: one programme, then seed batches (about 130 events each) with fresh ids."""
    log = EventLog(prefix=prefix)
    programme_id = programme(log, year=year)
    emitted, n = 0, 0
    while emitted < events:
        seed_batch(log, programme_id=programme_id, year=year, code=f"BULK-{n:06d}",
                   start=date(year, 1, 2) + timedelta(days=n % 300))
        n += 1
        emitted += len(log.records)
        yield from log.records
        log.records.clear()
