"""Reconcile: reporting's counts, rebuilt from events, against what registration and training say of
themselves. Every difference is listed; a check a source cannot answer is listed as not made."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select

from services.reporting.adapters.orm import BatchView, ProgrammeView
from services.reporting.domain.tallies import Tally
from services.reporting.service_layer.scope import Scope
from services.reporting.service_layer.tallies import active_cooperatives, tally


@dataclass
class Reconciliation:
    checked: int = 0
    differences: list[dict] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)

    def compare(self, what: str, key, ours, source: str, theirs) -> None:
        self.checked += 1
        if ours != theirs:
            self.differences.append({"what": what, "key": str(key), "reporting": ours, "source": source,
                                     "source_value": theirs})

    @property
    def ok(self) -> bool:
        return not self.differences


async def reconcile(session, sources) -> Reconciliation:
    result = Reconciliation()
    per_batch = await tally(session, Scope(), "batch")
    ours = {b.id: b for b in (await session.scalars(select(BatchView))).all()}

    training = await sources.training_batches()
    if training is None:
        result.not_checked.append("training GET /api/v1/batches")
        training = []
    theirs = {uuid.UUID(b["id"]): b for b in training}
    for batch_id in sorted(set(ours) | set(theirs), key=str):
        mine, other = ours.get(batch_id), theirs.get(batch_id)
        if mine is None or other is None:
            result.compare("angkatan dikenal", batch_id, mine is not None, "training", other is not None)
            continue
        result.compare("status angkatan", batch_id, mine.status, "training", other["status"])
        result.compare("anggaran rencana", batch_id, mine.planned_budget, "training",
                       other.get("planned_budget"))
        if "realised_cost" in other:
            result.compare("realisasi biaya", batch_id, mine.realised_cost, "training",
                           other["realised_cost"])
        counts = per_batch.get(batch_id, Tally())
        roster = await sources.roster_size(batch_id)
        if roster is not None:
            result.compare("peserta terdaftar (daftar hadir)", batch_id, counts.enrolled, "training", roster)
        decision = await sources.completion(batch_id)
        if decision is None:
            result.not_checked.append(f"training GET /api/v1/batches/{batch_id}/completion")
        elif decision.get("decided"):
            result.compare("peserta lulus", batch_id, counts.completed, "training", decision["completed"])
            result.compare("peserta tidak lulus", batch_id, counts.not_completed, "training",
                           decision["not_completed"])

    registration = await sources.registration_batches()
    if registration is None:
        result.not_checked.append("registration GET /api/v1/batches")
    for b in registration or []:
        counts = per_batch.get(uuid.UUID(b["id"]), Tally())
        result.compare("peserta terdaftar", b["id"], counts.enrolled, "registration", b["seats_taken"])
        if "waitlisted" in b:
            result.compare("daftar tunggu", b["id"], counts.waitlisted, "registration", b["waitlisted"])

    programmes = await sources.training_programmes()
    if programmes is None:
        result.not_checked.append("training GET /api/v1/programmes")
    for p in programmes or []:
        mine = await session.get(ProgrammeView, uuid.UUID(p["id"]))
        result.compare("pagu program", p["id"], mine.allocation if mine else None, "training", p["allocation"])
        result.compare("target program", p["id"], mine.target_cooperatives if mine else None, "training",
                       p["target_cooperatives"])

    active = await sources.active_cooperatives_by_district()
    if active is None:
        result.not_checked.append("registration GET /api/v1/cooperatives?active=true&district=")
    else:
        mine = await active_cooperatives(session, "district")
        for code, count in active.items():
            result.compare("koperasi aktif", code, mine.get(code, 0), "registration", count)
    return result
