"""What every change of a batch's agenda needs: sessions as the rules see them, the narasumber's other bookings,
placing new sessions, and which accounts (the narasumber's) may see the batch."""
from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select

from services.training.adapters.orm import AttendanceMark, Batch, Session, Trainer
from services.training.domain.agenda import (JP_MINUTES, Booking, Slot, check_agenda, check_trainer_free,
                                             default_agenda, derived_jp, next_number)
from shared.errors import Invalid, field_error


async def marked_ids(session, session_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    if not session_ids:
        return set()
    return set((await session.scalars(select(AttendanceMark.session_id).where(
        AttendanceMark.session_id.in_(session_ids)).distinct())).all())


def slot_of(row: Session, marked: set[uuid.UUID] = frozenset()) -> Slot:
    return Slot(row.number, row.date, row.start_time, row.end_time, row.jp, row.trainer_id,
                row.id in marked or row.status == "completed")


def jp_of(start, end, jp: int | None, jp_minutes: int = JP_MINUTES) -> tuple[int, bool]:
    """(JP, given by hand?): the JP sent wins, else the hours decide."""
    return (jp, True) if jp is not None else (derived_jp(start, end, jp_minutes), False)


async def narasumber(session, trainer_id: uuid.UUID, field: str = "trainer_id") -> Trainer:
    # Locked: two batches booking one narasumber at the same hour queue here, so the second sees the first.
    trainer = await session.scalar(select(Trainer).where(Trainer.id == trainer_id).with_for_update())
    if trainer is None:
        raise Invalid("Narasumber tidak terdaftar.", fields=[field_error(field, "narasumber tidak terdaftar")])
    return trainer


async def check_narasumber_free(session, slot: Slot, *, except_session: uuid.UUID | None = None,
                                field: str = "trainer_id") -> None:
    """Refuse when the slot's narasumber already teaches at that time, in any batch that still runs."""
    if slot.trainer_id is None:
        return
    await narasumber(session, slot.trainer_id, field)
    query = (select(Session, Batch.code).join(Batch, Batch.id == Session.batch_id)
             .where(Session.trainer_id == slot.trainer_id, Session.date == slot.date, Batch.status == "scheduled"))
    if except_session is not None:
        query = query.where(Session.id != except_session)
    bookings = [Booking(code, slot_of(row)) for row, code in (await session.execute(query)).all()]
    check_trainer_free(slot, bookings, field)


async def place_agenda(session, batch: Batch, items: list, *, jp_minutes: int = JP_MINUTES) -> None:
    """Store the agenda a new batch was created with (numbered in time order), every rule checked first."""
    slots = []
    for item in items:
        jp, _ = jp_of(item.start_time, item.end_time, item.jp, jp_minutes)
        slots.append(Slot(None, item.date, item.start_time, item.end_time, jp, item.trainer_id))
    check_agenda(slots, batch.start_date, batch.end_date)
    for i, slot in enumerate(slots):
        await check_narasumber_free(session, slot, field=f"sessions.{i}.trainer_id")
    order = sorted(range(len(items)), key=lambda i: (items[i].date, items[i].start_time))
    for number, i in enumerate(order, start=1):
        item, slot = items[i], slots[i]
        session.add(Session(batch_id=batch.id, number=number, date=item.date, start_time=item.start_time,
                            end_time=item.end_time, topic=item.topic, trainer=item.trainer, trainer_id=item.trainer_id,
                            jp=slot.jp, jp_set=item.jp is not None, status="open", version=1))
    batch.agenda = "built"


def daily_sessions(batch: Batch, start, end, *, numbers: Iterable[int] | None = None,
                   jp_minutes: int = JP_MINUTES) -> list[Session]:
    """The generated one-per-day sessions (all of them, or only the given day numbers)."""
    wanted = None if numbers is None else set(numbers)
    return [Session(batch_id=batch.id, number=s.number, date=s.date, start_time=s.start, end_time=s.end, jp=s.jp,
                    jp_set=False, topic=f"Hari {s.number}", status="open", version=1)
            for s in default_agenda(start, end, jp_minutes) if wanted is None or s.number in wanted]


def new_number(rows: list[Session]) -> int:
    return next_number([r.number for r in rows])


async def refresh_teaching_accounts(session, batch_ids: Iterable[uuid.UUID]) -> None:
    """Keep each batch's `teaching_accounts` (accounts linked to its sessions' narasumber) in step, so the sync
    access check (is_assigned) knows who teaches there without a query per request."""
    for batch_id in set(batch_ids):
        batch = await session.get(Batch, batch_id)
        accounts = (await session.scalars(
            select(Trainer.account_id).join(Session, Session.trainer_id == Trainer.id)
            .where(Session.batch_id == batch_id, Trainer.account_id.is_not(None)).distinct())).all()
        if batch is not None and sorted(batch.teaching_accounts or []) != sorted(accounts):
            batch.teaching_accounts = sorted(accounts)
