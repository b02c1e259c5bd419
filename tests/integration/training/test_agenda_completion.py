"""Completion by JP over real PostgreSQL: at least 90% of the JP attended, whatever the number of sessions."""
from tests.integration.training.conftest import day_at, scheduled
from tests.integration.training.test_agenda import session_body


async def test_a_batch_can_count_jp_attended(training):
    batch, people = await scheduled(training, days=1, participants=3, completion_min_percent=90,
                                    completion_by="jp")
    assert batch["completion_by"] == "jp"
    admin, url = training.client(), f"/api/v1/batches/{batch['id']}/sessions"
    assert (await admin.post(url, json=session_body(batch, 1, "08:00", "15:30"))).json()["jp"] == 10
    assert (await admin.post(url, json=session_body(batch, 1, "15:30", "16:15"))).json()["jp"] == 1
    short_absent, long_absent, always = (p["participant_id"] for p in people)
    for no, absent in ((1, long_absent), (2, short_absent)):
        marks = [{"participant_id": p["participant_id"], "status": "alpa" if p["participant_id"] == absent
                  else "hadir"} for p in people]
        assert (await admin.put(f"{url}/{no}/attendance", json={"marks": marks, "recorded_at": day_at(batch, 1)})
                ).status_code == 200
        done = await admin.post(f"{url}/{no}/complete")
        assert done.status_code == 200, done.text
    overview = (await admin.get(f"/api/v1/batches/{batch['id']}/completion")).json()
    assert overview["jp_total"] == 11 and "90% JP" in overview["rule"]
    decided = {p["participant_id"]: (p["completed"], p["jp_present"], p["sessions_present"])
               for p in overview["participants"]}
    assert decided == {short_absent: (True, 10, 1), long_absent: (False, 1, 1), always: (True, 11, 2)}
    reason = next(p["reason"] for p in overview["participants"] if p["participant_id"] == long_absent)
    assert reason == "hadir 1 dari 11 JP (9%); minimal 90%"
    assert (await admin.patch(f"/api/v1/batches/{batch['id']}", json={"completion_by": "sessions"})).status_code == 409
    sessions_closed = await training.outbox("sipelkop.training.session.completed.v1")
    assert [(e["data"]["session_no"], e["data"]["jp"], e["minor_version"]) for e in sessions_closed] == [
        (1, 10, 1), (2, 1, 1)]
    decisions = await training.outbox("sipelkop.training.participant.completed.v1")
    assert sorted((e["data"]["jp_present"], e["data"]["jp_total"]) for e in decisions) == [(10, 11), (11, 11)]
