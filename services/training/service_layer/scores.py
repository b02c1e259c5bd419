"""Pre-test and post-test scores of a batch: entered on a page or through the API, imported from a sheet, read
back, and summed up for the report. Every save is all or nothing, is announced as the whole sheet (ScoresRecorded,
in the same transaction), and leaves its trail in training's audit log (new scores summed up per save, each
correction with its old and new value: entity "score", the batch's id, changes {"post_test": [old, new],
"participant_id": id})."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select

from services.training.adapters.orm import AuditEntry, Batch, CompletionResult, RosterEntry
from services.training.adapters.orm_scores import Score, ScoreSheet
from services.training.adapters.score_sheet import HEADERS, SheetRow, TemplateRow
from services.training.domain import scores as rules
from services.training.schemas import ScoreIn, ScoresIn
from services.training.service_layer import audit
from services.training.service_layer.audit import Entry
from services.training.service_layer.batches import ensure_assigned, get_batch, teaches
from services.training.service_layer.roster import active_roster
from shared.auth import Principal, Role
from shared.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from shared.events.evaluation import ScoresRecorded
from shared.unit_of_work import UnitOfWork

FIELDS = ("pre_test", "post_test")
ENTERS_SCORES = (Role.ADMIN, Role.TRAINING_STAFF)  # and the batch's own trainers (teaches)


def may_enter(principal: Principal, batch: Batch) -> bool:
    return principal.role in ENTERS_SCORES or teaches(principal, batch)


def ensure_may_enter(principal: Principal, batch: Batch) -> None:
    if not may_enter(principal, batch):
        raise Forbidden("Hanya narasumber angkatan ini atau staf pelatihan UPTD yang dapat mengisi nilai.")


@dataclass
class _Sheet:
    batch: Batch
    roster: dict[uuid.UUID, RosterEntry]
    existing: dict[uuid.UUID, Score]
    decided: bool  # completion already decided (after the last session)


async def _open(uow: UnitOfWork, principal: Principal, batch_id: uuid.UUID) -> _Sheet:
    session = uow.session
    # The batch's row is locked: two saves of one sheet never interleave, and its version grows by one each.
    batch = await session.scalar(select(Batch).where(Batch.id == batch_id).with_for_update())
    if batch is None:
        raise NotFound("Angkatan tidak ditemukan.")
    ensure_may_enter(principal, batch)
    if batch.status == "cancelled":
        raise Conflict("Angkatan ini sudah dibatalkan; nilainya tidak dapat diisi.")
    roster = {e.participant_id: e for e in await active_roster(session, batch_id)}
    existing = {s.participant_id: s for s in (await session.scalars(
        select(Score).where(Score.batch_id == batch_id))).all()}
    decided = bool(await session.scalar(select(func.count()).select_from(CompletionResult)
                                        .where(CompletionResult.batch_id == batch_id)))
    return _Sheet(batch, roster, existing, decided)


def _refusals(sheet: _Sheet, items: list[ScoreIn]) -> list[tuple[int, str, str]]:
    """(index, field, message) of every item that cannot be saved."""
    problems, first = [], {}
    for index, item in enumerate(items):
        if item.participant_id not in sheet.roster:
            problems.append((index, "participant_id", "tidak ada di daftar peserta angkatan ini"))
            continue
        if item.participant_id in first:
            problems.append((index, "participant_id", f"peserta yang sama sudah ada di urutan {first[item.participant_id] + 1}"))
            continue
        first[item.participant_id] = index
        old = sheet.existing.get(item.participant_id)
        changes = item.changes()
        # The post-test counted in a decision already made stays as it was decided (a certificate may hang on it).
        if (sheet.decided and sheet.batch.completion_min_post_test is not None and "post_test" in changes
                and rules.tenths(changes["post_test"]) != (old.post_test if old else None)):
            problems.append((index, "post_test", "kelulusan sudah diputuskan dengan nilai ini; tidak dapat diubah"))
    return problems


async def _write(uow: UnitOfWork, principal: Principal, sheet: _Sheet, items: list[ScoreIn], source: str) -> int:
    """Apply the items; returns how many scores changed. Emits the sheet and writes the trail when any did."""
    session, batch, now = uow.session, sheet.batch, datetime.now(UTC)
    changed = new = 0
    for item in items:
        old = sheet.existing.get(item.participant_id)
        before = {f: getattr(old, f) if old else None for f in FIELDS}
        after = {**before, **{f: rules.tenths(v) for f, v in item.changes().items()}}
        if after == before:
            continue
        differs = [f for f in FIELDS if after[f] != before[f]]
        changed += len(differs)
        corrected = {f: [_float(before[f]), _float(after[f])] for f in differs if before[f] is not None}
        new += any(before[f] is None for f in differs)
        if corrected:
            # The batch is the entity (the trail of a sheet is one filter); whose scores ride along, as an id.
            audit.record(session, principal, action="corrected", entity="score", entity_id=batch.id,
                         changes={**corrected, "participant_id": str(item.participant_id)}, note=source or None)
        if old is None:
            old = Score(batch_id=batch.id, participant_id=item.participant_id)
            session.add(old)
            sheet.existing[item.participant_id] = old
        old.pre_test, old.post_test = after["pre_test"], after["post_test"]
        old.recorded_by, old.recorded_at = principal.subject, now
    if not changed:
        return 0
    if new:
        audit.record(session, principal, action="recorded", entity="scores", entity_id=batch.id,
                     changes={"participants": [None, new]}, note=source or None)
    version = await session.get(ScoreSheet, batch.id)
    if version is None:
        version = ScoreSheet(batch_id=batch.id, version=0)
        session.add(version)
    version.version, version.recorded_by, version.recorded_at = (version.version or 0) + 1, principal.subject, now
    await session.flush()
    uow.emit(ScoresRecorded(batch_id=batch.id, recorded_at=now, scores=[
        {"participant_id": pid, "pre_test": _float(s.pre_test), "post_test": _float(s.post_test)}
        for pid, s in sheet.existing.items()
        if pid in sheet.roster and (s.pre_test is not None or s.post_test is not None)]),
        subject=str(batch.id), aggregate_version=version.version)
    return changed


def _float(tenths: int | None) -> float | None:
    return None if tenths is None else tenths / 10


def _invalid(fields: list[dict]) -> Invalid:
    return Invalid(f"Ada {len(fields)} isian nilai yang salah; tidak ada nilai yang disimpan.", fields=fields)


async def record_scores(uow: UnitOfWork, *, principal: Principal, batch_id: uuid.UUID, data: ScoresIn,
                        source: str = "") -> dict:
    """Save the scores sent (a score left out stays, null clears it); all or nothing."""
    sheet = await _open(uow, principal, batch_id)
    if problems := _refusals(sheet, data.scores):
        raise _invalid([field_error(f"scores.{i}.{f}", m) for i, f, m in problems])
    changed = await _write(uow, principal, sheet, data.scores, source)
    await uow.commit()
    return {**await score_sheet(uow.session, principal=principal, batch_id=batch_id), "changed": changed}


async def import_scores(uow: UnitOfWork, *, principal: Principal, batch_id: uuid.UUID, rows: list[SheetRow],
                        filename: str = "") -> dict:
    """A filled template (or any sheet with the columns): rows by id_peserta, else by the exact name; a blank cell
    is left as it is. One wrong row and nothing is saved: every row's problems come back, each naming its row."""
    sheet = await _open(uow, principal, batch_id)
    by_name: dict[str, list[uuid.UUID]] = {}
    for pid, entry in sheet.roster.items():
        by_name.setdefault(_name_key(entry.full_name), []).append(pid)
    items, numbers, fields = [], [], []

    def refuse(row: SheetRow, field: str, message: str) -> None:
        fields.append(field_error(f"rows.{row.number}.{field}", f"baris {row.number}, {HEADERS[field]}: {message}"))

    for row in rows:
        pid = _participant(row, sheet, by_name, refuse)
        values, bad = {}, False
        for field in FIELDS:
            try:
                if (score := rules.parse_score(row.values.get(field, ""))) is not None:
                    values[field] = score
            except rules.ScoreProblem as problem:
                refuse(row, field, str(problem))
                bad = True
        if pid is None or bad:
            continue
        if not values:
            continue  # a participant not scored yet: nothing to change
        items.append(ScoreIn(participant_id=pid, **values))
        numbers.append(row)
    for index, field, message in _refusals(sheet, items):
        refuse(numbers[index], field if field in FIELDS else "participant_id",
               "peserta yang sama dengan baris lain" if field == "participant_id" else message)
    if fields:
        fields.sort(key=lambda f: int(f["field"].split(".")[1]))
        raise Invalid(f"Ada {len(fields)} kesalahan di berkas; tidak ada nilai yang disimpan. Perbaiki barisnya lalu "
                      "unggah lagi.", fields=fields)
    if not items:
        raise Invalid("Berkas tidak berisi nilai; isi kolom pre_test atau post_test.",
                      fields=[field_error("file", "tidak berisi nilai")])
    changed = await _write(uow, principal, sheet, items, f"impor {filename}".strip() if filename else "impor berkas")
    await uow.commit()
    return {**await score_sheet(uow.session, principal=principal, batch_id=batch_id), "changed": changed,
            "imported": len(items)}


def _name_key(name: str) -> str:
    return " ".join(name.lower().split())


def _participant(row: SheetRow, sheet: _Sheet, by_name, refuse) -> uuid.UUID | None:
    text = row.values.get("participant_id", "").strip()
    if text:
        try:
            pid = uuid.UUID(text)
        except ValueError:
            refuse(row, "participant_id", "tidak dikenali; salin dari templat tanpa diubah")
            return None
        if pid not in sheet.roster:
            refuse(row, "participant_id", "peserta ini tidak ada di daftar peserta angkatan ini")
            return None
        return pid
    name = row.values.get("full_name", "")
    found = by_name.get(_name_key(name), [])
    if not name.strip():
        refuse(row, "full_name", "isi nama atau id_peserta")
    elif not found:
        refuse(row, "full_name", f"{name.strip()} tidak ada di daftar peserta angkatan ini")
    elif len(found) > 1:
        refuse(row, "full_name", f"ada {len(found)} peserta bernama {name.strip()}; isi id_peserta dari templat")
    else:
        return found[0]
    return None


# --- reading -----------------------------------------------------------------------------------------------------

async def _scored(session, batch_id: uuid.UUID) -> tuple[list[RosterEntry], dict[uuid.UUID, Score]]:
    people = await active_roster(session, batch_id)
    found = {s.participant_id: s for s in (await session.scalars(
        select(Score).where(Score.batch_id == batch_id))).all()}
    return people, found


async def score_sheet(session, *, principal: Principal, batch_id: uuid.UUID) -> dict:
    """The roster with each participant's scores (None when not taken), the sheet's version and the minimum."""
    batch = await get_batch(session, batch_id)
    ensure_assigned(principal, batch)
    people, found = await _scored(session, batch_id)
    sheet = await session.get(ScoreSheet, batch_id)
    rows = []
    for entry in people:
        score = found.get(entry.participant_id)
        pre, post = (_float(score.pre_test), _float(score.post_test)) if score else (None, None)
        rows.append({"participant_id": entry.participant_id, "full_name": entry.full_name,
                     "cooperative_name": entry.cooperative_name, "pre_test": pre, "post_test": post,
                     "gain": round(post - pre, 1) if pre is not None and post is not None else None,
                     "recorded_at": score.recorded_at if score else None})
    return {"batch_id": batch_id, "version": sheet.version if sheet else 0,
            "min_post_test": batch.completion_min_post_test, "scores": rows}


async def post_tests(session, batch_id: uuid.UUID) -> dict[uuid.UUID, Decimal | None]:
    """Per participant scored: the post-test (None when only the pre-test was taken)."""
    rows = (await session.execute(select(Score.participant_id, Score.post_test)
                                  .where(Score.batch_id == batch_id))).all()
    return {pid: rules.from_tenths(post) for pid, post in rows}


async def template_rows(session, *, principal: Principal, batch_id: uuid.UUID) -> tuple[Batch, list[TemplateRow]]:
    batch = await get_batch(session, batch_id)
    ensure_may_enter(principal, batch)
    people, found = await _scored(session, batch_id)
    return batch, [TemplateRow(e.full_name, e.cooperative_name, str(e.participant_id),
                               _float(found[e.participant_id].pre_test) if e.participant_id in found else None,
                               _float(found[e.participant_id].post_test) if e.participant_id in found else None)
                   for e in people]


async def results_of(session, batch_id: uuid.UUID) -> rules.BatchResults:
    """The batch's learning results (no permission check: the caller has made it), over the active roster: per
    participant pre, post and gain; averages, share improved, counts, distribution by range. A read: the laporan
    calls it with the session it reads everything else with."""
    await get_batch(session, batch_id)
    people, found = await _scored(session, batch_id)
    return rules.batch_results([rules.ParticipantResult(
        e.participant_id, e.full_name, e.cooperative_name,
        rules.from_tenths(found[e.participant_id].pre_test) if e.participant_id in found else None,
        rules.from_tenths(found[e.participant_id].post_test) if e.participant_id in found else None)
        for e in people])


async def score_trail(session, batch_id: uuid.UUID, limit: int = 50) -> list[Entry]:
    """The batch's score entries of the audit log, newest first (the page shows them as sentences)."""
    rows = (await session.scalars(select(AuditEntry).where(
        AuditEntry.entity.in_(("score", "scores")), AuditEntry.entity_id == str(batch_id))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit))).all()
    return [Entry(e.at, e.actor, e.actor_name, e.role, e.action, e.entity, e.entity_id, e.changes or {}, e.note)
            for e in rows]
