"""Projections are idempotent and order-tolerant: duplicates, shuffles and replays give the same exact figures;
events reporting cannot apply are parked with a reason and the rest goes on."""
import json
import random
import uuid
from datetime import date

import pytest

from services.reporting.adapters.orm import EnrollmentView
from bench.synthetic import programme, seed_batch
from shared.events import registration as r
from shared.events import training as t


async def figures(viewer):
    s = (await viewer.get("/api/v1/reports/summary", params={"fiscal_year": 2023})).json()
    return (s["participants_enrolled"], s["participants_completed"], s["cooperatives_trained"],
            s["attendance_rate"], s["budget"]["planned"], s["budget"]["realised"], s["certificates_issued"])


def with_later_changes(log, batch):
    """A cancelled enrolment and a re-planned budget, both newer than what they change."""
    first = batch["people"][-1]
    enrolment = json.loads(next(rec.value for rec in log.records
                                if b"participant.enrolled" in rec.value and str(first["participant"]).encode() in rec.value))
    log.emit(r.EnrollmentCancelled(enrollment_id=enrolment["subject"], batch_id=batch["batch_id"],
                                   participant_id=first["participant"], reason="sakit"), enrolment["subject"], 2)
    log.emit(t.BatchUpdated(batch_id=batch["batch_id"], code="DIG-2023-01", title="Digitalisasi Usaha Koperasi",
                            fiscal_year=2023, venue="Samarinda", start_date=date(2023, 7, 4),
                            end_date=date(2023, 7, 6), capacity=30, eligible_districts=["64.02"],
                            planned_budget=70_000_000, session_count=3), batch["batch_id"], 2)


async def test_duplicates_shuffles_and_a_replay_give_the_same_figures(log, feed, viewer):
    programme(log)
    batch = seed_batch(log, absent_last_day=2)
    with_later_changes(log, batch)
    records = list(log.records)
    shuffled = records[:]
    random.Random(2023).shuffle(shuffled)
    with_duplicates = [rec for i, rec in enumerate(shuffled) for _ in range(2 if i % 3 == 0 else 1)]
    for start in range(0, len(with_duplicates), 7):
        await feed(with_duplicates[start:start + 7])
    # The last participant completed and then had the enrolment cancelled: enrolled 29, completed stays 28.
    expected = (29, 28, 28, round(85 / 87, 4), 70_000_000, 56_000_000, 28)
    assert await figures(viewer) == expected
    await feed(records)  # the whole log again, in order (a replay)
    assert await figures(viewer) == expected
    summary = (await viewer.get("/api/v1/reports/summary")).json()
    assert summary["events_applied"] == len(records)


async def test_a_stale_state_does_not_overwrite_a_newer_one(log, feed, viewer):
    coop = uuid.uuid4()
    state = dict(cooperative_id=coop, name="Koperasi Maju", registration_number="6400000001", district_code="64.08",
                 kind="produsen", sector="perikanan", members_male=5, members_female=5)
    log.emit(r.CooperativeUpdated(**state, active=False), coop, 2)
    log.emit(r.CooperativeRegistered(**state, active=True), coop, 1)
    await feed(log.records)
    rows = {row["key"]: row for row in (await viewer.get("/api/v1/reports/districts")).json()["rows"]}
    assert rows["64.08"]["active_cooperatives"] == 0


@pytest.mark.parametrize("together", [False, True], ids=["apart", "in-one-batch"])
async def test_a_late_older_event_fills_the_facts_and_leaves_the_status(log, feed, runtime, viewer, together):
    enrolment, batch_id, person, coop = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    cancelled = log.emit(r.EnrollmentCancelled(enrollment_id=enrolment, batch_id=batch_id, participant_id=person,
                                               reason="sakit"), enrolment, 2)
    enrolled = log.emit(r.ParticipantEnrolled(
        enrollment_id=enrolment, batch_id=batch_id, participant_id=person, full_name="Peserta Contoh", gender="P",
        position="ketua", cooperative_id=coop, cooperative_name="Koperasi Contoh", district_code="64.08",
        sector="Perikanan", enrolled_at=log.clock), enrolment, 1)
    for batch in ([[cancelled, enrolled]] if together else [[cancelled], [enrolled], [enrolled]]):
        await feed(batch)
    async with runtime.sessions() as session:
        row = await session.get(EnrollmentView, enrolment)
    assert (row.status, row.version) == ("cancelled", 2)
    assert (row.cooperative_id, row.district_code, row.sector, row.gender) == (coop, "64.08", "perikanan", "P")
    assert (await viewer.get("/api/v1/reports/summary")).json()["participants_enrolled"] == 0


async def test_a_close_that_overtakes_the_schedule_is_kept(log, feed, viewer):
    batch = seed_batch(log, absent_last_day=0)
    scheduled, closed = log.records[0], log.records[-1]
    await feed([closed])
    await feed(log.records[1:-1] + [scheduled])
    [row] = (await viewer.get("/api/v1/reports/batches", params={"fiscal_year": 2023})).json()["rows"]
    assert (row["batch_id"], row["status"], row["code"], row["realised_cost"]) == (
        str(batch["batch_id"]), "closed", "DIG-2023-01", 56_000_000)


async def test_what_cannot_be_applied_is_parked_and_a_newer_minor_version_is_applied(log, feed, runtime, viewer):
    programme_id = programme(log)
    newer = json.loads(log.records[0].value)
    newer["minor_version"], newer["data"]["co_funding"] = 4, {"apbd": 1}
    unknown = dict(newer, id=str(uuid.uuid4()), type="sipelkop.training.programme.archived.v1")
    invalid = json.loads(log.records[0].value) | {"id": str(uuid.uuid4())}
    invalid["data"]["allocation"] = -5
    log.records[0].value = json.dumps(newer).encode()
    await feed(log.records + [type(log.records[0])("sipelkop.training.programme", b"k", json.dumps(doc).encode(), 0, i)
                              for i, doc in enumerate((unknown, invalid), start=1)] +
               [type(log.records[0])("sipelkop.training.programme", b"k", b"\xff not json", 0, 3)])
    summary = (await viewer.get("/api/v1/reports/summary", params={"programme_id": str(programme_id)})).json()
    assert summary["budget"]["allocation"] == 1_200_000_000
    letters = await runtime.dead_letters.list()
    assert [l["offset"] for l in letters] == [1, 2, 3]
    assert "tidak dikenal" in letters[0]["error"] and "allocation" in letters[1]["error"]
    assert "JSON" in letters[2]["error"]


async def test_an_attendance_correction_changes_the_mark_and_a_late_original_does_not_undo_it(log, feed, viewer):
    batch = seed_batch(log, absent_last_day=2, close=False)
    absent = batch["people"][0]["participant"]
    correction = t.AttendanceCorrected(
        batch_id=batch["batch_id"], session_no=3, session_date=date(2023, 7, 6), corrected_by="pelatih-1",
        changes=[{"participant_id": absent, "previous_status": "alpa", "status": "sakit"},
                 {"participant_id": batch["people"][1]["participant"], "previous_status": "alpa", "status": "terlambat"}],
        marked_at=log.clock, corrected_at=log.clock)
    corrected = log.emit(correction, f"{batch['batch_id']}:3", 4)
    await feed([corrected])  # the correction overtakes the first marks of day 3
    await feed(log.records[:-1])
    s = (await viewer.get("/api/v1/reports/summary")).json()
    assert s["attendance_rate"] == round(89 / 90, 4)  # "terlambat" counts as present, "sakit" does not
