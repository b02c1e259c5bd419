"""Pre-test and post-test scores over training's real PostgreSQL: the seed-like batch of 30 scored, the two below the
post-test minimum not completing despite full attendance; bad scores and bad sheets writing nothing; corrections in
the audit trail with old and new value; the sheet announced as ScoresRecorded."""
import csv
import io
import random
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from services.training.service_layer.scores import results_of
from tests.integration.training.conftest import day_at, scheduled

MINIMUM = 60


def sheet_of(people, seed: int = 15) -> list[dict]:
    """Thirty plausible sheets: every post-test at or above the minimum except participants 3 and 17."""
    rng = random.Random(seed)
    rows = []
    for i, p in enumerate(people):
        pre = Decimal(rng.randint(300, 700)) / 10
        post = Decimal("55.0") if i == 3 else Decimal("59.9") if i == 17 else Decimal(rng.randint(600, 980)) / 10
        rows.append({"participant_id": p["participant_id"], "pre_test": float(pre), "post_test": float(post)})
    return rows


async def _attend_everything(training, batch, people):
    trainer = training.client("trainer", "pelatih-1")
    result = None
    for no in range(1, len(batch["sessions"]) + 1):
        marked = await trainer.put(f"/api/v1/batches/{batch['id']}/sessions/{no}/attendance", json={
            "marks": [{"participant_id": p["participant_id"], "status": "hadir"} for p in people],
            "recorded_at": day_at(batch, no)})
        assert marked.status_code == 200, marked.text
        result = await trainer.post(f"/api/v1/batches/{batch['id']}/sessions/{no}/complete")
        assert result.status_code == 200, result.text
    return result.json()


async def test_thirty_scored_two_below_the_minimum_do_not_complete_despite_full_attendance(training):
    batch, people = await scheduled(training, participants=30, days=2, completion_min_post_test=MINIMUM)
    assert batch["completion_min_post_test"] == MINIMUM
    trainer = training.client("trainer", "pelatih-1")
    sent = sheet_of(people)
    saved = await trainer.put(f"/api/v1/batches/{batch['id']}/scores", json={"scores": sent})
    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == 1 and saved.json()["changed"] == 60
    back = {r["participant_id"]: r for r in (await trainer.get(f"/api/v1/batches/{batch['id']}/scores")).json()["scores"]}
    assert all((back[s["participant_id"]]["pre_test"], back[s["participant_id"]]["post_test"]) ==
               (s["pre_test"], s["post_test"]) for s in sent)

    result = await _attend_everything(training, batch, people)
    assert (result["completed"], result["not_completed"], result["certificates_issued"]) == (28, 2, 28)
    overview = (await trainer.get(f"/api/v1/batches/{batch['id']}/completion")).json()
    assert overview["rule"] == "hadir (Hadir/Terlambat) di semua sesi dan nilai post-test minimal 60"
    failed = {r["participant_id"]: r["reason"] for r in overview["participants"] if not r["completed"]}
    assert failed == {people[3]["participant_id"]: "nilai post-test 55,0 di bawah minimal 60",
                      people[17]["participant_id"]: "nilai post-test 59,9 di bawah minimal 60"}
    not_completed = await training.outbox("sipelkop.training.participant.not_completed.v1")
    assert sorted(e["data"]["reason"] for e in not_completed) == sorted(failed.values())

    # What the report bundle reads equals a computation by hand over the sheet sent.
    async with training.runtime.uow() as uow:
        results = await results_of(uow.session, batch["id"])
    pre = [Decimal(str(s["pre_test"])) for s in sent]
    post = [Decimal(str(s["post_test"])) for s in sent]
    gains = [b - a for a, b in zip(pre, post)]
    assert results.with_both == 30 and results.roster_size == 30
    assert results.average_pre == (sum(pre) / 30).quantize(Decimal("0.01"))
    assert results.average_post == (sum(post) / 30).quantize(Decimal("0.01"))
    assert results.average_gain == (sum(gains) / 30).quantize(Decimal("0.01"))
    assert results.improved == sum(1 for g in gains if g > 0)
    assert results.post_distribution["0–59"] == 2 and sum(results.post_distribution.values()) == 30
    # Once decided, the post-test that decided is kept (a certificate hangs on it); the pre-test may still be fixed.
    late = await trainer.put(f"/api/v1/batches/{batch['id']}/scores", json={"scores": [
        {"participant_id": people[3]["participant_id"], "post_test": 75}]})
    assert late.status_code == 422 and late.json()["error"]["fields"][0]["field"] == "scores.0.post_test"
    fixed = await trainer.put(f"/api/v1/batches/{batch['id']}/scores", json={"scores": [
        {"participant_id": people[3]["participant_id"], "pre_test": 40}]})
    assert fixed.status_code == 200 and fixed.json()["version"] == 2


async def test_no_post_test_and_too_little_attendance_are_both_named(training):
    batch, people = await scheduled(training, participants=2, days=2, completion_min_percent=100,
                                    completion_min_post_test=70)
    trainer = training.client("trainer", "pelatih-1")
    await trainer.put(f"/api/v1/batches/{batch['id']}/scores", json={"scores": [
        {"participant_id": people[1]["participant_id"], "pre_test": 50}]})
    for no in (1, 2):
        await trainer.put(f"/api/v1/batches/{batch['id']}/sessions/{no}/attendance", json={"marks": [
            {"participant_id": p["participant_id"], "status": "alpa" if (no, i) == (1, 0) else "hadir"}
            for i, p in enumerate(people)], "recorded_at": day_at(batch, no)})
        await trainer.post(f"/api/v1/batches/{batch['id']}/sessions/{no}/complete")
    overview = (await trainer.get(f"/api/v1/batches/{batch['id']}/completion")).json()
    reasons = {r["participant_id"]: r["reason"] for r in overview["participants"]}
    assert reasons[people[0]["participant_id"]] == ("hadir 1 dari 2 sesi; wajib hadir di semua sesi; "
                                                    "belum ada nilai post-test (minimal 70)")
    assert reasons[people[1]["participant_id"]] == "belum ada nilai post-test (minimal 70)"


@pytest.mark.parametrize("item, field, words", [
    ({"post_test": 100.5}, "scores.3.post_test", "antara 0 dan 100"),
    ({"pre_test": -1}, "scores.3.pre_test", "antara 0 dan 100"),
    ({"post_test": 72.25}, "scores.3.post_test", "satu angka di belakang koma"),
    ({"post_test": "tujuh puluh"}, "scores.3.post_test", "harus berupa angka"),
])
async def test_one_bad_score_writes_nothing(training, item, field, words):
    batch, people = await scheduled(training, participants=5)
    trainer = training.client("trainer", "pelatih-1")
    scores = [{"participant_id": p["participant_id"], "pre_test": 50, "post_test": 70} for p in people]
    scores[3] = {"participant_id": people[3]["participant_id"], **item}
    refused = await trainer.put(f"/api/v1/batches/{batch['id']}/scores", json={"scores": scores})
    assert refused.status_code == 422
    fields = refused.json()["error"]["fields"]
    assert [f["field"] for f in fields] == [field] and words in fields[0]["message"]
    sheet = (await trainer.get(f"/api/v1/batches/{batch['id']}/scores")).json()
    assert sheet["version"] == 0 and all(r["pre_test"] is None and r["post_test"] is None for r in sheet["scores"])
    assert await training.outbox("sipelkop.training.scores.recorded.v1") == []


async def test_a_stranger_a_duplicate_a_cancelled_batch_and_an_unassigned_trainer_are_refused(training):
    batch, people = await scheduled(training, participants=2)
    other, strangers = await scheduled(training, participants=1)
    trainer = training.client("trainer", "pelatih-1")
    refused = await trainer.put(f"/api/v1/batches/{batch['id']}/scores", json={"scores": [
        {"participant_id": people[0]["participant_id"], "pre_test": 40},
        {"participant_id": strangers[0]["participant_id"], "pre_test": 40},
        {"participant_id": people[0]["participant_id"], "post_test": 40}]})
    assert refused.status_code == 422
    assert [f["field"] for f in refused.json()["error"]["fields"]] == ["scores.1.participant_id",
                                                                      "scores.2.participant_id"]
    assert "tidak ada di daftar peserta" in refused.json()["error"]["fields"][0]["message"]
    assert (await trainer.get(f"/api/v1/batches/{batch['id']}/scores")).json()["scores"][0]["pre_test"] is None
    body = {"scores": [{"participant_id": people[0]["participant_id"], "pre_test": 40}]}
    assert (await training.client("trainer", "pelatih-lain").put(f"/api/v1/batches/{batch['id']}/scores",
                                                                json=body)).status_code == 403
    assert (await training.client("reconciler").put(f"/api/v1/batches/{batch['id']}/scores",
                                                   json=body)).status_code == 403
    assert (await training.client("training_staff").put(f"/api/v1/batches/{batch['id']}/scores",
                                                       json=body)).status_code == 200
    missing = await trainer.put("/api/v1/batches/00000000-0000-0000-0000-000000000000/scores", json=body)
    assert missing.status_code == 404 and missing.json()["error"]["message"] == "Angkatan tidak ditemukan."
    admin = training.client()
    assert (await admin.post(f"/api/v1/batches/{batch['id']}/cancel", json={"reason": "banjir"})).status_code == 200
    cancelled = await trainer.put(f"/api/v1/batches/{batch['id']}/scores", json=body)
    assert cancelled.status_code == 409 and "dibatalkan" in cancelled.json()["error"]["message"]


async def test_absent_keeps_null_clears_and_corrections_keep_their_trail(training):
    batch, people = await scheduled(training, participants=2)
    trainer = training.client("trainer", "pelatih-1", )
    url = f"/api/v1/batches/{batch['id']}/scores"
    a, b = people[0]["participant_id"], people[1]["participant_id"]
    await trainer.put(url, json={"scores": [{"participant_id": a, "pre_test": 55, "post_test": 60},
                                            {"participant_id": b, "pre_test": 45.5}]})
    second = await trainer.put(url, json={"scores": [{"participant_id": a, "post_test": "62,5"},
                                                     {"participant_id": b, "pre_test": None}]})
    assert second.status_code == 200 and second.json()["version"] == 2
    rows = {r["participant_id"]: r for r in second.json()["scores"]}
    assert (rows[a]["pre_test"], rows[a]["post_test"], rows[a]["gain"]) == (55.0, 62.5, 7.5)
    assert (rows[b]["pre_test"], rows[b]["post_test"]) == (None, None)
    same = await trainer.put(url, json={"scores": [{"participant_id": a, "post_test": 62.5}]})
    assert same.json()["changed"] == 0 and same.json()["version"] == 2  # nothing changed: no new sheet

    trail = (await training.client().get("/api/v1/audit", params={"entity": "score"})).json()["items"]
    names = {p["participant_id"]: p["full_name"] for p in people}
    sentences = [t["sentence"] for t in trail]
    assert (f"mengoreksi nilai post-test {names[a]} di angkatan {batch['code']} dari 60,0 menjadi 62,5"
            in sentences)
    assert f"mengoreksi nilai pre-test {names[b]} di angkatan {batch['code']} dari 45,5 menjadi (kosong)" in sentences
    assert all(t["actor"] == "pelatih-1" for t in trail)
    recorded = (await training.client().get("/api/v1/audit", params={"entity": "scores"})).json()["items"]
    assert [t["sentence"] for t in recorded] == [f"mencatat nilai 2 peserta di angkatan {batch['code']}"]

    events = await training.outbox("sipelkop.training.scores.recorded.v1")
    assert [e["aggregate_version"] for e in events] == [1, 2] and all(e["subject"] == batch["id"] for e in events)
    # The whole sheet each time; a participant whose scores were all cleared is no longer on it.
    assert events[-1]["data"]["scores"] == [{"participant_id": a, "pre_test": 55.0, "post_test": 62.5}]


def _csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return out.getvalue().encode()


async def test_the_template_filled_in_comes_back_and_a_bad_row_names_every_problem(training):
    batch, people = await scheduled(training, participants=4)
    trainer = training.client("trainer", "pelatih-1")
    url = f"/api/v1/batches/{batch['id']}/scores"
    got = await trainer.get(f"{url}/template.xlsx")
    assert got.status_code == 200
    book = load_workbook(io.BytesIO(got.content))
    sheet = book["nilai"]
    assert [c.value for c in sheet[1]] == ["no", "nama", "koperasi", "pre_test", "post_test", "id_peserta"]
    assert sorted(sheet.cell(row=r, column=2).value for r in range(2, 6)) == sorted(p["full_name"] for p in people)
    for r in range(2, 6):
        sheet.cell(row=r, column=4).value = 50 + r
        sheet.cell(row=r, column=5).value = 70.5 + r
    filled = io.BytesIO()
    book.save(filled)
    imported = await trainer.post(f"{url}/import", files={"file": ("nilai.xlsx", filled.getvalue())})
    assert imported.status_code == 200, imported.text
    assert imported.json()["version"] == 1 and {r["post_test"] for r in imported.json()["scores"]} == {
        72.5, 73.5, 74.5, 75.5}
    recorded = (await training.client().get("/api/v1/audit", params={"entity": "scores"})).json()["items"]
    assert recorded[0]["sentence"].endswith("(impor nilai.xlsx)")

    # A CSV as Indonesian Excel writes it (';' and decimal commas), by name; rows 3 and 5 are wrong.
    bad = _csv([["nama", "pre_test", "post_test"], [people[0]["full_name"], "40", "65,5"],
                ["Orang Lain", "40", "101"], [people[2]["full_name"], "40", "80"],
                [people[3]["full_name"], "4,25", "80"]])
    refused = await trainer.post(f"{url}/import", files={"file": ("nilai.csv", bad)})
    assert refused.status_code == 422
    messages = [f["message"] for f in refused.json()["error"]["fields"]]
    assert messages == ["baris 3, nama: Orang Lain tidak ada di daftar peserta angkatan ini",
                        "baris 3, post_test: harus antara 0 dan 100",
                        "baris 5, pre_test: paling banyak satu angka di belakang koma"]
    after = (await trainer.get(url)).json()
    assert after["version"] == 1 and {r["post_test"] for r in after["scores"]} == {72.5, 73.5, 74.5, 75.5}
    unreadable = await trainer.post(f"{url}/import", files={"file": ("nilai.xlsx", b"PK\x03\x04 bukan xlsx")})
    assert unreadable.status_code == 422 and unreadable.json()["error"]["fields"][0]["field"] == "file"
