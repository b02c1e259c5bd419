"""The cooperative import (issue 17 item 3): the template's columns or an ODS export's (the alias table
data/ods_columns.csv), every row checked; new cooperatives are created and those already registered (same Nomor
Induk Koperasi) take what the file says, so importing the same file again changes nothing. A preview plans exactly
the same and writes nothing. Columns the table does not know are reported as warnings, never guessed."""
from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from importlib import resources

from pydantic import ValidationError
from sqlalchemy import insert, select, update

from services.registration.adapters.orm import Cooperative, Participant
from services.registration.adapters.spreadsheet import Column, Row, Table
from services.registration.schemas import CooperativeCreate
from services.registration.service_layer import audit
from services.registration.service_layer.cooperatives import public_state, with_derived_grade
from services.registration.service_layer.import_formats import COOPERATIVE_COLUMNS, header_of
from services.registration.service_layer.imports import CHUNK, _racing, _reasons
from shared.auth import Principal, Role
from shared.events.registration import CooperativeRegistered, CooperativeUpdated
from shared.regions import districts
from shared.unit_of_work import UnitOfWork


@cache
def ods_aliases() -> dict[str, tuple[str, ...]]:
    """Template header -> the ODS export's headers for it (data/ods_columns.csv; the ODS layout is unverified)."""
    text = resources.files("services.registration.data").joinpath("ods_columns.csv").read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    for row in csv.DictReader(text.splitlines()):
        found.setdefault(row["kolom_templat"].strip(), []).append(row["kolom_ods"].strip())
    return {header: tuple(names) for header, names in found.items()}


@cache
def import_columns() -> list[Column]:
    """The template's columns, each also answering to its ODS names."""
    aliases = ods_aliases()
    unknown = set(aliases) - {c.header for c in COOPERATIVE_COLUMNS}
    if unknown:  # a typo in the data file must not silently drop an ODS column
        raise ValueError(f"ods_columns.csv names template columns that do not exist: {sorted(unknown)}")
    return [replace(c, aliases=c.aliases + aliases.get(c.header, ())) for c in COOPERATIVE_COLUMNS]


@cache
def _district_codes() -> dict[str, str]:
    """'kutai kartanegara', 'kab. kutai kartanegara', 'kabupaten kutai kartanegara', 'kota samarinda' -> code."""
    names = {}
    for code, district in districts().items():
        bare = district.name.lower().removeprefix("kabupaten ").removeprefix("kota ")
        prefix = "kab. " if district.kind == "kabupaten" else "kota "
        for name in (district.name.lower(), bare, prefix + bare, f"kab {bare}"):
            names[name] = code
    return names


def ods_values(values: dict[str, str]) -> dict[str, str]:
    """Values as an ODS export writes them, in the template's words: a district's name becomes its code and
    "Koperasi Simpan Pinjam" its kind. Anything else is left for the validation to accept or name."""
    values = dict(values)
    if district := values.get("district_code"):
        values["district_code"] = _district_codes().get(" ".join(district.lower().split()), district)
    if kind := values.get("kind"):
        values["kind"] = kind.strip().removeprefix("Koperasi ").removeprefix("koperasi ")
    return values


@dataclass
class Plan:
    total_rows: int
    warnings: list[str]
    preview: bool = True
    created: list[tuple[Row, dict]] = field(default_factory=list)  # the new record
    updated: list[tuple[Row, Cooperative, dict, dict]] = field(default_factory=list)  # changes, audit delta
    unchanged: list[tuple[Row, Cooperative]] = field(default_factory=list)
    rejected: list[tuple[Row, list[str]]] = field(default_factory=list)
    result: dict | None = None  # taken while the session is open: a preview's rollback expires the records

    def as_result(self) -> dict:
        if self.result is None:
            self.result = self._result()
        return self.result

    def _result(self) -> dict:
        preview = self.preview
        accepted = [{"row": row.number, "id": None if preview else record["id"], "key": record["registration_number"],
                     "created": True, "updated": False, "changes": []} for row, record in self.created]
        accepted += [{"row": row.number, "id": c.id, "key": c.registration_number, "created": False, "updated": True,
                      "changes": [header_of(COOPERATIVE_COLUMNS, f) for f in delta]}
                     for row, c, _, delta in self.updated]
        accepted += [{"row": row.number, "id": c.id, "key": c.registration_number, "created": False,
                      "updated": False, "changes": []} for row, c in self.unchanged]
        return {"kind": "cooperatives", "preview": preview, "total_rows": self.total_rows,
                "created": len(self.created), "updated": len(self.updated), "unchanged": len(self.unchanged),
                "existing": len(self.updated) + len(self.unchanged),
                "accepted": sorted(accepted, key=lambda a: a["row"]),
                "rejected": [{"row": row.number, "reasons": reasons}
                             for row, reasons in sorted(self.rejected, key=lambda item: item[0].number)],
                "warnings": self.warnings}


def unknown_column_warnings(table: Table) -> list[str]:
    return [f"Kolom \"{name}\" tidak dikenal dan diabaikan; bila berisi data yang diperlukan, ganti judulnya "
            "sesuai templat atau tabel nama kolom ODS." for name in table.unknown_columns]


def _checked(principal: Principal, table: Table, plan: Plan) -> list[tuple[Row, CooperativeCreate]]:
    valid, first_row = [], {}
    for row in table.rows:
        values = ods_values({k: v for k, v in row.values.items() if v != ""})
        if principal.role == Role.DISTRICT_OFFICER:
            values.setdefault("district_code", principal.district)  # forgiving: the officer's own district
        try:
            data = CooperativeCreate(**values)
        except ValidationError as exc:
            plan.rejected.append((row, _reasons(exc, COOPERATIVE_COLUMNS)))
            continue
        if not principal.can_touch_district(data.district_code):
            plan.rejected.append((row, [f"kode_kabupaten: {data.district_code} di luar wilayah Anda "
                                        f"({principal.district})"]))
        elif data.registration_number in first_row:
            plan.rejected.append((row, [f"nomor_induk_koperasi: sama dengan baris "
                                        f"{first_row[data.registration_number]}"]))
        else:
            first_row[data.registration_number] = row.number
            valid.append((row, data))
    return valid


def _changes(cooperative: Cooperative, data: CooperativeCreate) -> tuple[dict, dict]:
    """What the file says that differs from the record: only the columns the row filled (a blank keeps)."""
    given = data.model_dump(include=data.model_fields_set)
    grade = with_derived_grade({"grade": given.get("grade", cooperative.grade),
                                "last_rat_year": given.get("last_rat_year", cooperative.last_rat_year)})["grade"]
    if grade is not None or "grade" in given:
        given["grade"] = grade  # a grade given stays; none given: the RAT year's (as a PATCH does)
    delta = audit.diff({key: getattr(cooperative, key) for key in given}, given)
    return {key: given[key] for key in delta}, delta


async def plan_import(session, *, principal: Principal, table: Table, lock: bool = False) -> Plan:
    """What importing `table` would create, update, leave and refuse; reads only."""
    plan = Plan(len(table.rows), unknown_column_warnings(table))
    valid = _checked(principal, table, plan)
    numbers = [d.registration_number for _, d in valid]
    known: dict[str, Cooperative] = {}
    for start in range(0, len(numbers), CHUNK):
        query = select(Cooperative).where(Cooperative.registration_number.in_(numbers[start:start + CHUNK]))
        if lock:
            query = query.with_for_update()  # a form's edit meanwhile must not be overwritten unseen
        known.update({c.registration_number: c for c in (await session.scalars(query)).all()})
    for row, data in valid:
        cooperative = known.get(data.registration_number)
        if cooperative is None:
            plan.created.append((row, {"id": uuid.uuid4(), **with_derived_grade(data.model_dump()), "version": 1}))
        elif not principal.can_touch_district(cooperative.district_code):
            plan.rejected.append((row, ["nomor_induk_koperasi: sudah terdaftar di kabupaten/kota lain"]))
        else:
            changes, delta = _changes(cooperative, data)
            if delta:
                plan.updated.append((row, cooperative, changes, delta))
            else:
                plan.unchanged.append((row, cooperative))
    return plan


async def import_cooperatives(uow: UnitOfWork, *, principal: Principal, table: Table, source: str = "",
                              preview: bool = False) -> Plan:
    """Plan the import; unless previewing, write it in one transaction with its events and audit entries."""
    session = uow.session
    plan = await plan_import(session, principal=principal, table=table, lock=not preview)
    if preview:
        plan.as_result()
        return plan  # the unit of work rolls back: nothing written, nothing emitted
    now = datetime.now(UTC)
    new = [{**record, "created_at": now, "created_by": principal.subject} for _, record in plan.created]
    async with _racing():
        for start in range(0, len(new), CHUNK):  # one multi-row INSERT per chunk instead of one per cooperative
            await session.execute(insert(Cooperative), new[start:start + CHUNK])
    for record in new:
        uow.emit(CooperativeRegistered(cooperative_id=record["id"], **public_state(Cooperative(**record))),
                 subject=str(record["id"]), aggregate_version=1)
    entries = [audit.entry(principal, action="imported", entity="cooperative", entity_id=r["id"],
                           district_code=r["district_code"], at=now, note=source or None) for r in new]
    for _, cooperative, changes, delta in plan.updated:
        for key, value in changes.items():
            setattr(cooperative, key, value)
        cooperative.version += 1
        cooperative.updated_at, cooperative.updated_by = now, principal.subject
        if "district_code" in delta:  # participants follow their cooperative, as an edit on the page does
            await session.execute(update(Participant).where(Participant.cooperative_id == cooperative.id)
                                  .values(district_code=cooperative.district_code))
        uow.emit(CooperativeUpdated(cooperative_id=cooperative.id, **public_state(cooperative)),
                 subject=str(cooperative.id), aggregate_version=cooperative.version)
        entries.append(audit.entry(principal, action="updated", entity="cooperative", entity_id=cooperative.id,
                                   district_code=cooperative.district_code, changes=delta, at=now,
                                   note=f"impor {source}".strip()))
    async with _racing():
        await session.flush()
    await audit.record_many(session, entries)
    plan.preview = False
    plan.as_result()
    await uow.commit()
    return plan
