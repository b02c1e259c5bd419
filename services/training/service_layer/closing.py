"""Closing a batch with its realisasi by DAK component, and the closing form's proposal (honor from the agenda)."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from services.training.adapters.orm import Batch, BatchCloseLine, Trainer
from services.training.domain import closing
from services.training.domain.closing import CloseLine
from services.training.schemas import BatchClose
from services.training.service_layer import audit
from services.training.service_layer.batches import _scheduled, get_batch, sessions_of
from shared.auth import Principal
from shared.budget import DEFAULT_COMPONENTS, Component, label
from shared.errors import Conflict, Invalid, field_error
from shared.events.training import BatchClosed, BudgetLine
from shared.unit_of_work import UnitOfWork

Components = tuple[Component, ...]


async def close_batch(uow: UnitOfWork, *, principal: Principal, batch_id: uuid.UUID, data: BatchClose,
                      components: Components = DEFAULT_COMPONENTS) -> Batch:
    """Book the realisasi per component once every session is closed; BatchClosed carries the lines and their
    total (the budget report reads both)."""
    batch = await _scheduled(uow.session, batch_id)
    lines = _lines(data, batch, components)
    open_sessions = [s.number for s in await sessions_of(uow.session, batch_id) if s.status != "completed"]
    if open_sessions:
        raise Conflict(f"Sesi {', '.join(map(str, open_sessions))} belum ditutup; angkatan belum dapat ditutup.")
    total = sum(line.realised for line in lines)
    audit.record(uow.session, principal, action="closed", entity="batch", entity_id=batch.id,
                 changes={"status": [batch.status, "closed"], "realised_cost": [batch.realised_cost, total],
                          "components": {line.component: [line.planned, line.realised] for line in lines}})
    now = datetime.now(UTC)
    batch.status, batch.realised_cost, batch.closed_at, batch.closed_by = "closed", total, now, principal.subject
    batch.version += 1
    position = {c.code: i for i, c in enumerate(components)}
    uow.session.add_all(BatchCloseLine(batch_id=batch.id, component=line.component, position=position[line.component],
                                       planned=line.planned, realised=line.realised) for line in lines)
    uow.emit(BatchClosed(batch_id=batch.id, realised_cost=total, closed_at=now,
                         components=[BudgetLine(component=line.component, planned=line.planned,
                                                realised=line.realised) for line in lines]),
             subject=str(batch.id), aggregate_version=batch.version)
    await uow.commit()
    return batch


def _lines(data: BatchClose, batch: Batch, components: Components) -> list[CloseLine]:
    if data.components is None:
        return closing.kept(closing.from_total(data.realised_cost, batch.planned_budget), components)
    lines = [CloseLine(c.component, c.planned, c.realised) for c in data.components]
    if problems := closing.line_problems(lines, components):
        raise Invalid(f"Komponen anggaran tidak sah: {problems[0][1]}.",
                      fields=[field_error(*problem) for problem in problems])
    if data.realised_cost is not None and data.realised_cost != sum(line.realised for line in lines):
        raise Invalid("Realisasi total tidak sama dengan jumlah realisasi per komponen.",
                      fields=[field_error("realised_cost", "tidak sama dengan jumlah realisasi per komponen")])
    return closing.kept(lines, components)


async def closing_proposal(session, *, batch_id: uuid.UUID, components: Components = DEFAULT_COMPONENTS) -> dict:
    """The closing form's lines: while the batch is open, honor narasumber from the agenda (JP x each session's
    narasumber's rate per JP) and the rest of the plan under "lainnya"; once closed, the lines as booked (a batch
    closed before components: its realised cost as "lainnya")."""
    batch = await get_batch(session, batch_id)
    rows = await sessions_of(session, batch_id)
    ids = {s.trainer_id for s in rows if s.trainer_id}
    rates = dict((await session.execute(select(Trainer.id, Trainer.rate_per_jp).where(Trainer.id.in_(ids)))).all()) \
        if ids else {}
    honor = closing.honorarium((s.jp, rates.get(s.trainer_id)) for s in rows)
    if batch.status == "closed":
        lines = [CloseLine(r.component, r.planned, r.realised) for r in (await session.scalars(
            select(BatchCloseLine).where(BatchCloseLine.batch_id == batch_id)
            .order_by(BatchCloseLine.position, BatchCloseLine.component))).all()]
        if not lines and batch.realised_cost is not None:
            lines = closing.from_total(batch.realised_cost, batch.planned_budget)
    else:
        lines = closing.proposal(components, honor=honor, planned_budget=batch.planned_budget)
    return {"batch_id": batch.id, "status": batch.status, "planned_budget": batch.planned_budget,
            "honorarium": honor,
            "components": [{"component": line.component, "label": label(line.component, components),
                            "planned": line.planned, "realised": line.realised} for line in lines],
            "total_planned": sum(line.planned for line in lines),
            "total_realised": sum(line.realised for line in lines)}

