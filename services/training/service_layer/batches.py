"""Batches (angkatan): schedule (with an agenda, or one session per day), update and cancel; announced to the other
services. Closing with its realisasi by DAK component is service_layer/closing."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import delete, func, select

from services.training.adapters.orm import AttendanceMark, Batch, CompletionResult, Official, Session, Trainer
from services.training.domain.agenda import JP_MINUTES, shift_agenda
from services.training.domain.schedule import SessionSlot, reschedule
from services.training.service_layer import agenda, audit
from services.training.schemas import BatchCreate, BatchUpdate, batch_shape_problem
from services.training.service_layer.programmes import get_programme
from services.training.service_layer.roster import active_roster
from shared.auth import Principal, Role
from shared.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from shared.events.registration import UMK_CATEGORY
from shared.events.training import BatchCancelled, BatchScheduled, BatchUpdated
from shared.unit_of_work import UnitOfWork


# The UPTD's staff and reporting's reconciliation (read-only) see every batch; a trainer the ones taught.
SEES_EVERY_BATCH = (Role.ADMIN, Role.TRAINING_STAFF, Role.RECONCILER)


def teaches(principal: Principal, batch: Batch) -> bool:
    """A trainer assigned to the batch, or the account linked to the narasumber of one of its sessions."""
    return principal.role == Role.TRAINER and (principal.subject in (batch.trainers or [])
                                               or principal.subject in (batch.teaching_accounts or []))


def is_assigned(principal: Principal, batch: Batch) -> bool:
    return principal.role in SEES_EVERY_BATCH or teaches(principal, batch)


def ensure_assigned(principal: Principal, batch: Batch) -> None:
    # The roster carries names: a trainer sees only the batches he or she teaches.
    if not is_assigned(principal, batch):
        raise Forbidden("Hanya pelatih yang ditugaskan di angkatan ini (atau admin) yang dapat mengaksesnya.")


async def schedule_batch(uow: UnitOfWork, *, principal: Principal, data: BatchCreate,
                         jp_minutes: int = JP_MINUTES) -> Batch:
    """Create a batch with the agenda sent (or one session per day, 08:00-16:00) and announce it."""
    session = uow.session
    await _refuse_taken_code(session, data.code)
    await check_signers(session, data.signing_official_id, data.co_signer_id, data.end_date)
    values = data.model_dump(exclude={"sessions"})
    values["fiscal_year"] = data.fiscal_year or data.start_date.year
    if data.programme_id is not None:
        programme = await get_programme(session, data.programme_id)
        if data.fiscal_year is None:
            values["fiscal_year"] = programme.fiscal_year
        elif data.fiscal_year != programme.fiscal_year:
            raise Invalid("Tahun anggaran angkatan berbeda dengan programnya.",
                          fields=[field_error("fiscal_year", f"program ini untuk tahun {programme.fiscal_year}")])
    batch = Batch(**values, status="scheduled", version=1, created_at=datetime.now(UTC), created_by=principal.subject,
                  agenda="daily", teaching_accounts=[])
    session.add(batch)
    await session.flush()
    if data.sessions:
        await agenda.place_agenda(session, batch, data.sessions, jp_minutes=jp_minutes)
        count = len(data.sessions)
    else:
        session.add_all(agenda.daily_sessions(batch, data.start_date, data.end_date, jp_minutes=jp_minutes))
        count = (data.end_date - data.start_date).days + 1
    await session.flush()
    await agenda.refresh_teaching_accounts(session, [batch.id])
    uow.emit(BatchScheduled(**batch_state(batch, count)), subject=str(batch.id), aggregate_version=batch.version)
    audit.record(session, principal, action="created", entity="batch", entity_id=batch.id,
                 changes=audit.diff({}, {**values, "session_count": count}))
    await uow.commit()
    return batch


async def check_signers(session, signing_id, co_signer_id, signing_day) -> None:
    """The officials named must exist, hold office on the day the certificates are signed, and be two people."""
    for field, official_id in (("signing_official_id", signing_id), ("co_signer_id", co_signer_id)):
        if official_id is None:
            continue
        official = await session.get(Official, official_id)
        if official is None:
            raise Invalid("Pejabat tidak terdaftar.", fields=[field_error(field, "pejabat tidak terdaftar")])
        if not (official.active_from <= signing_day and (official.active_until is None
                                                         or signing_day <= official.active_until)):
            raise Invalid(f"{official.name} tidak menjabat pada {signing_day:%d-%m-%Y} (hari sertifikat "
                          "ditandatangani).", fields=[field_error(field, "tidak menjabat pada hari terakhir angkatan")])
    if signing_id is not None and signing_id == co_signer_id:
        raise Invalid("Penanda tangan kedua harus pejabat lain.",
                      fields=[field_error("co_signer_id", "sama dengan penanda tangan pertama")])


async def update_batch(uow: UnitOfWork, *, principal: Principal, batch_id: uuid.UUID, data: BatchUpdate) -> Batch:
    """Apply the fields sent; sessions follow new dates; BatchUpdated carries the whole new state."""
    session = uow.session
    batch = await _scheduled(session, batch_id)
    changes = data.model_dump(exclude_unset=True)
    nullable = ("programme_id", "signing_official_id", "co_signer_id", "completion_min_post_test")
    changes = {k: v for k, v in changes.items() if v is not None or k in nullable}
    if "code" in changes and changes["code"] != batch.code:
        await _refuse_taken_code(session, changes["code"])
    if changes.get("programme_id") is not None:
        programme = await get_programme(session, changes["programme_id"])
        if programme.fiscal_year != batch.fiscal_year:
            raise Invalid("Tahun anggaran angkatan berbeda dengan programnya.",
                          fields=[field_error("programme_id", f"program ini untuk tahun {programme.fiscal_year}")])
    merged = {k: changes.get(k, getattr(batch, k)) for k in ("start_date", "end_date", "eligible_districts",
                                                             "district_quotas")}
    if problem := batch_shape_problem(merged["start_date"], merged["end_date"], merged["eligible_districts"],
                                      merged["district_quotas"]):
        raise Invalid(f"Data tidak sah: {problem[0]}: {problem[1]}", fields=[field_error(*problem)])
    signers = {k: changes.get(k, getattr(batch, k)) for k in ("signing_official_id", "co_signer_id")}
    if signers != {k: getattr(batch, k) for k in signers} or "end_date" in changes:
        await check_signers(session, signers["signing_official_id"], signers["co_signer_id"], merged["end_date"])
    sessions = await sessions_of(session, batch.id)
    for rule in ("completion_min_percent", "completion_by"):
        if rule in changes and changes[rule] != getattr(batch, rule) and any(s.status == "completed"
                                                                             for s in sessions):
            raise Conflict("Aturan kelulusan tidak dapat diubah setelah ada sesi yang ditutup.",
                           fields=[field_error(rule, "sudah ada sesi yang ditutup")])
    # The score condition is only read when completion is decided: it may change until then.
    if ("completion_min_post_test" in changes and changes["completion_min_post_test"] != batch.completion_min_post_test
            and await _completion_decided(session, batch.id)):
        raise Conflict("Kelulusan angkatan ini sudah diputuskan; syarat nilainya tidak dapat diubah.",
                       fields=[field_error("completion_min_post_test", "kelulusan sudah diputuskan")])
    if "capacity" in changes and changes["capacity"] < len(await active_roster(session, batch.id)):
        raise Conflict("Kapasitas lebih kecil dari jumlah peserta terdaftar.",
                       fields=[field_error("capacity", "lebih kecil dari jumlah peserta terdaftar")])
    if changes.get("eligibility") == "koperasi" and batch.eligibility != "koperasi" and any(
            e.category == UMK_CATEGORY for e in await active_roster(session, batch.id)):
        raise Conflict("Angkatan ini sudah memiliki peserta pelaku UMK; batalkan pencalonan mereka dulu sebelum "
                       "menutup angkatan untuk UMK.",
                       fields=[field_error("eligibility", "sudah ada pelaku UMK terdaftar")])
    changes = {k: v for k, v in changes.items() if getattr(batch, k) != v}
    if not changes:
        return batch
    if {"start_date", "end_date"} & changes.keys():
        if batch.agenda == "daily":
            await _move_sessions(session, sessions, merged["start_date"], merged["end_date"])
        else:
            await _shift_agenda(session, batch, sessions, merged["start_date"], merged["end_date"])
    if "trainers" in changes:
        for s in sessions:
            if s.trainer and s.trainer not in changes["trainers"]:
                s.trainer = None  # an unassigned trainer no longer teaches any of its sessions
    audit.record(session, principal, action="updated", entity="batch", entity_id=batch.id,
                 changes=audit.diff(audit.snapshot(batch, changes), changes))
    for key, value in changes.items():
        setattr(batch, key, value)
    batch.version += 1
    await session.flush()
    count = len(await sessions_of(session, batch.id))
    uow.emit(BatchUpdated(**batch_state(batch, count)), subject=str(batch.id), aggregate_version=batch.version)
    await uow.commit()
    return batch


async def _move_sessions(session, sessions: list[Session], start, end) -> None:
    marked = set((await session.scalars(select(AttendanceMark.session_id).where(
        AttendanceMark.session_id.in_([s.id for s in sessions])).distinct())).all())
    plan = reschedule([SessionSlot(s.number, s.date, s.id in marked, s.status == "completed") for s in sessions],
                      start, end)
    by_number = {s.number: s for s in sessions}
    for number in plan.removed:
        await session.execute(delete(Session).where(Session.id == by_number[number].id))
    for number, day in plan.moved.items():
        by_number[number].date = day
        by_number[number].version += 1
    if plan.added:
        batch = await session.get(Batch, sessions[0].batch_id)
        session.add_all(agenda.daily_sessions(batch, start, end, numbers=[n for n, _ in plan.added]))


async def _shift_agenda(session, batch: Batch, sessions: list[Session], start, end) -> None:
    """A built agenda keeps each session's day of the batch; the narasumber must still be free at the new dates."""
    marked = await agenda.marked_ids(session, [s.id for s in sessions])
    moved = shift_agenda([agenda.slot_of(s, marked) for s in sessions], batch.start_date, start, end)
    by_number = {s.number: s for s in sessions}
    for number, day in moved.items():
        row = by_number[number]
        row.date, row.version = day, row.version + 1
    await session.flush()
    for number in moved:
        row = by_number[number]
        await agenda.check_narasumber_free(session, agenda.slot_of(row), except_session=row.id, field="start_date")


async def cancel_batch(uow: UnitOfWork, *, principal: Principal, batch_id: uuid.UUID, reason: str) -> Batch:
    batch = await _scheduled(uow.session, batch_id)
    if await _completion_decided(uow.session, batch_id):
        raise Conflict("Kelulusan angkatan ini sudah diputuskan; tutup angkatan, jangan dibatalkan.")
    batch.status, batch.cancel_reason, batch.version = "cancelled", reason, batch.version + 1
    uow.emit(BatchCancelled(batch_id=batch.id, reason=reason), subject=str(batch.id), aggregate_version=batch.version)
    audit.record(uow.session, principal, action="cancelled", entity="batch", entity_id=batch.id,
                 changes={"status": ["scheduled", "cancelled"]}, note=reason)
    await uow.commit()
    return batch


async def _scheduled(session, batch_id: uuid.UUID) -> Batch:
    # Locked like an agenda edit (sessions.add_session): a date move and a new session never miss each other.
    batch = await session.scalar(select(Batch).where(Batch.id == batch_id).with_for_update())
    if batch is None:
        raise NotFound("Angkatan tidak ditemukan.")
    if batch.status != "scheduled":
        raise Conflict("Angkatan ini sudah dibatalkan atau ditutup.")
    return batch


async def _refuse_taken_code(session, code: str) -> None:
    if await session.scalar(select(Batch.id).where(Batch.code == code)):
        raise Conflict("Kode angkatan sudah dipakai.", fields=[field_error("code", "sudah dipakai")])


async def _completion_decided(session, batch_id: uuid.UUID) -> bool:
    return bool(await session.scalar(select(func.count()).select_from(CompletionResult)
                                     .where(CompletionResult.batch_id == batch_id)))


def batch_state(batch: Batch, session_count: int) -> dict:
    return {"batch_id": batch.id, "code": batch.code, "title": batch.title, "programme_id": batch.programme_id,
            "fiscal_year": batch.fiscal_year, "venue": batch.venue, "start_date": batch.start_date,
            "end_date": batch.end_date, "capacity": batch.capacity, "eligible_districts": batch.eligible_districts,
            "district_quotas": batch.district_quotas, "planned_budget": batch.planned_budget,
            "session_count": session_count, "eligibility": batch.eligibility or "koperasi"}


async def get_batch(session, batch_id: uuid.UUID) -> Batch:
    batch = await session.get(Batch, batch_id)
    if batch is None:
        raise NotFound("Angkatan tidak ditemukan.")
    return batch


async def list_batches(session, principal: Principal, status: str | None = None) -> list[Batch]:
    query = select(Batch).order_by(Batch.start_date.desc(), Batch.code)
    if status:
        query = query.where(Batch.status == status)
    return [b for b in (await session.scalars(query)).all() if is_assigned(principal, b)]


async def sessions_of(session, batch_id: uuid.UUID) -> list[Session]:
    return list((await session.scalars(
        select(Session).where(Session.batch_id == batch_id)
        .order_by(Session.date, Session.start_time, Session.number))).all())


async def trainer_names(session, rows: list[Session]) -> dict[uuid.UUID, str]:
    ids = {s.trainer_id for s in rows if s.trainer_id}
    if not ids:
        return {}
    return dict((await session.execute(select(Trainer.id, Trainer.name).where(Trainer.id.in_(ids)))).all())


async def batch_read(session, batch: Batch) -> dict:
    """The batch with its agenda (narasumber named)."""
    rows = await sessions_of(session, batch.id)
    return to_read(batch, rows, await trainer_names(session, rows))


def to_read(batch: Batch, sessions: list[Session], names: dict | None = None) -> dict:
    return {**{c: getattr(batch, c) for c in (
        "id", "code", "title", "programme_id", "fiscal_year", "venue", "start_date", "end_date", "capacity",
        "eligible_districts", "district_quotas", "eligibility", "planned_budget", "completion_min_percent",
        "completion_min_post_test", "trainers", "status",
        "version", "cancel_reason", "realised_cost", "closed_at", "agenda", "completion_by", "signing_official_id",
        "co_signer_id")},
        "total_jp": sum(s.jp for s in sessions) if sessions else None,
        "sessions": [session_to_read(s, names=names) for s in sessions]}


def session_to_read(s: Session, marked: int | None = None, names: dict | None = None) -> dict:
    return {"no": s.number, "number": s.number, "date": s.date, "topic": s.topic, "trainer": s.trainer,
            "status": s.status, "start_time": s.start_time, "end_time": s.end_time, "jp": s.jp, "jp_set": s.jp_set,
            "trainer_id": s.trainer_id, "trainer_name": (names or {}).get(s.trainer_id), "marked": marked}
