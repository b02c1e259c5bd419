"""Completion decided by the batch's rule after the last session; the overview while the batch runs and after."""
import pytest

from tests.integration.training.conftest import day_at, scheduled


async def _run(training, batch, people, absences: dict[int, set]):
    """Mark and close every session; `absences` maps a session number to participant indexes marked alpa."""
    trainer = training.client("trainer", "pelatih-1")
    result = None
    for no in range(1, len(batch["sessions"]) + 1):
        marks = [{"participant_id": p["participant_id"], "status": "alpa" if i in absences.get(no, ()) else "hadir"}
                 for i, p in enumerate(people)]
        marked = await trainer.put(f"/api/v1/batches/{batch['id']}/sessions/{no}/attendance",
                                   json={"marks": marks, "recorded_at": day_at(batch, no)})
        assert marked.status_code == 200, marked.text
        result = await trainer.post(f"/api/v1/batches/{batch['id']}/sessions/{no}/complete")
        assert result.status_code == 200, result.text
    return result.json()


@pytest.mark.parametrize("min_percent, completed", [(100, 1), (60, 2), (33, 3)])
async def test_the_batch_rule_decides_who_completes(training, min_percent, completed):
    # Participant 0 present at all three sessions, 1 misses one, 2 misses two.
    batch, people = await scheduled(training, participants=3, completion_min_percent=min_percent)
    result = await _run(training, batch, people, {1: {1, 2}, 2: {2}})
    assert result["batch_finished"] and result["completed"] == completed
    assert result["certificates_issued"] == completed
    overview = (await training.client("trainer", "pelatih-1").get(f"/api/v1/batches/{batch['id']}/completion")).json()
    by_name = {r["participant_id"]: r for r in overview["participants"]}
    assert [by_name[p["participant_id"]]["sessions_present"] for p in people] == [3, 2, 1]
    assert sum(r["completed"] for r in overview["participants"]) == completed
    assert all((r["certificate_number"] is not None) == r["completed"] for r in overview["participants"])
    refused = [r for r in overview["participants"] if not r["completed"]]
    assert all("dari 3 sesi" in r["reason"] for r in refused)
    decisions = await training.outbox("sipelkop.training.participant.not_completed.v1")
    assert len(decisions) == 3 - completed


async def test_the_overview_counts_closed_sessions_before_the_decision(training):
    batch, people = await scheduled(training, participants=2)
    trainer = training.client("trainer", "pelatih-1")
    await trainer.put(f"/api/v1/batches/{batch['id']}/sessions/1/attendance", json={
        "marks": [{"participant_id": people[0]["participant_id"], "status": "terlambat"}],
        "recorded_at": day_at(batch, 1)})
    await trainer.post(f"/api/v1/batches/{batch['id']}/sessions/1/complete")
    overview = (await trainer.get(f"/api/v1/batches/{batch['id']}/completion")).json()
    assert (overview["sessions_completed"], overview["decided"], overview["rule"]) == (
        1, False, "hadir (Hadir/Terlambat) di semua sesi")
    # Terlambat counts as present; the unmarked participant counts as absent once the session is closed.
    assert sorted(r["sessions_present"] for r in overview["participants"]) == [0, 1]
    assert all(r["completed"] is None for r in overview["participants"])
    # The closed session's tallies went out with it.
    completed = await training.outbox("sipelkop.training.session.completed.v1")
    assert completed[0]["data"]["tallies"]["terlambat"] == 1 and completed[0]["data"]["tallies"]["alpa"] == 1
