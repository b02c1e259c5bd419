"""Training's audit trail over real PostgreSQL: each change leaves one row naming who (account id and name) with
the fields before and after, in the transaction of the change; a refused change leaves none; revocations and
attendance corrections (their own trail, read beside it) and closing are on it too; NIK, NPWP and bank account
never are."""
import httpx
from sqlalchemy import func, select

from services.training.adapters.orm import AuditEntry
from tests.fixtures import factories
from tests.fixtures.tokens import test_token
from tests.integration.training.conftest import day_at, scheduled
from tests.integration.training.test_certificates import _finish

STAFFER, STAFFER_ID = "Muhammad Ridwan", "akun-ridwan"
NIK, NPWP, ACCOUNT = "6472011503700001", "013000666091000", "0012345678"


def staffer(training, role: str = "training_staff", subject: str = STAFFER_ID,
            name: str = STAFFER) -> httpx.AsyncClient:
    token = test_token(role=role, subject=subject, name=name)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=training.app), base_url="http://training",
                             headers={"Authorization": f"Bearer {token}"}, timeout=30)


async def rows(training, **where) -> list[AuditEntry]:
    async with training.runtime.uow() as uow:
        query = select(AuditEntry).filter_by(**where).order_by(AuditEntry.id)
        found = list((await uow.session.scalars(query)).all())
        uow.session.expunge_all()  # read after the unit of work ends
        return found


async def count(training) -> int:
    async with training.runtime.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(AuditEntry))


async def test_a_batch_update_by_a_named_staffer_leaves_one_row_and_a_refusal_none(training):
    staff = staffer(training)
    created = await staff.post("/api/v1/batches", json=factories.batch(capacity=30))
    assert created.status_code == 201, created.text
    batch = created.json()
    people = await training.enrol(batch["id"], 3)
    assert [r.action for r in await rows(training, entity="batch", entity_id=batch["id"])] == ["created"]

    updated = await staff.patch(f"/api/v1/batches/{batch['id']}", json={"capacity": 32, "venue": "Balikpapan"})
    assert updated.status_code == 200, updated.text
    [change] = await rows(training, entity="batch", entity_id=batch["id"], action="updated")
    assert (change.actor, change.actor_name, change.role) == (STAFFER_ID, STAFFER, "training_staff")
    assert change.changes == {"capacity": [30, 32], "venue": ["Samarinda", "Balikpapan"]}

    before = await count(training)
    for refused, status in (({"capacity": len(people) - 1}, 409),  # fewer seats than people on the roster
                            ({"end_date": "2000-01-01"}, 422), ({"code": batch["code"] + "X", "capacity": 2}, 409)):
        answer = await staff.patch(f"/api/v1/batches/{batch['id']}", json=refused)
        assert answer.status_code == status, answer.text
    outside = await staff.post(f"/api/v1/batches/{batch['id']}/sessions", json={
        "date": "2000-01-01", "start_time": "08:00", "end_time": "09:00", "topic": "Di luar tanggal"})
    assert outside.status_code == 422
    assert await count(training) == before  # nothing half-written
    unchanged = await staff.patch(f"/api/v1/batches/{batch['id']}", json={"capacity": 32})
    assert unchanged.status_code == 200 and await count(training) == before  # no change, no row

    answer = await training.client().get("/api/v1/audit", params={"entity": "batch", "entity_id": batch["id"]})
    assert answer.status_code == 200, answer.text
    assert [(i["actor_name"], i["sentence"]) for i in answer.json()["items"]] == [
        (STAFFER, f"mengubah angkatan {batch['code']}: tempat dari Samarinda menjadi Balikpapan; kapasitas dari 30 "
                  "menjadi 32"),
        (STAFFER, f"menjadwalkan angkatan {batch['code']} 'Digitalisasi Usaha Koperasi', "
                  f"{answer.json()['items'][1]['sentence'].split(', ', 1)[1]}")]


async def test_narasumber_personal_numbers_are_recorded_only_as_changed(training):
    staff = staffer(training)
    trainer = (await staff.post("/api/v1/trainers", json={"name": "Ir. Budi Santoso", "nik": NIK,
                                                          "rate_per_jp": 900_000})).json()
    changed = await staff.patch(f"/api/v1/trainers/{trainer['id']}", json={
        "npwp": NPWP, "bank_name": "Bankaltimtara", "bank_account": ACCOUNT, "rate_per_jp": 1_000_000})
    assert changed.status_code == 200, changed.text
    entries = await rows(training, entity="trainer", entity_id=trainer["id"])
    assert [e.action for e in entries] == ["created", "updated"]
    assert entries[0].changes["nik"] == "(diubah)"
    assert entries[1].changes == {"npwp": "(diubah)", "bank_name": [None, "Bankaltimtara"],
                                  "bank_account": "(diubah)", "rate_per_jp": [900_000, 1_000_000]}
    async with training.runtime.engine.connect() as conn:
        stored = str((await conn.exec_driver_sql("select changes::text, note from audit_log")).all())
    for secret in (NIK, NPWP, ACCOUNT):
        assert secret not in stored


async def test_revocations_and_attendance_corrections_are_on_the_trail(training):
    batch, people = await scheduled(training, days=2, participants=2)
    url = f"/api/v1/batches/{batch['id']}/sessions/1"
    admin, staff = training.client(), staffer(training)
    late = people[0]["participant_id"]
    assert (await training.client("trainer", "pelatih-1").put(f"{url}/attendance", json={
        "marks": [{"participant_id": p["participant_id"], "status": "alpa"} for p in people],
        "recorded_at": day_at(batch, 1, 8)})).status_code == 200
    fixer = staffer(training, "admin", "akun-andi", "Andi Admin")
    assert (await fixer.put(f"{url}/attendance", json={"marks": [{"participant_id": late, "status": "hadir"}],
                                                       "recorded_at": day_at(batch, 1, 9)})).status_code == 200
    corrected = (await admin.get("/api/v1/audit", params={"entity": "attendance"})).json()["items"]
    assert [(i["actor_name"], i["sentence"]) for i in corrected] == [
        ("Andi Admin", f"mengoreksi kehadiran {people[0]['full_name']} di sesi 1 angkatan {batch['code']} dari alpa "
                  "menjadi hadir")]
    assert await count(training) == 1  # the batch's creation only: corrections stay in their own trail

    await _finish(training, batch, people)
    closing = await training.client("trainer", "pelatih-1").post(f"/api/v1/batches/{batch['id']}/sessions/2/complete")
    assert closing.status_code == 200, closing.text
    number = (await admin.get(f"/api/v1/batches/{batch['id']}/certificates")).json()[0]["number"]
    revoked = await staff.post(f"/api/v1/certificates/{number}/revoke", json={"reason": "nama salah tulis"})
    assert revoked.status_code == 200, revoked.text
    assert (await staff.post(f"/api/v1/certificates/{number}/revoke", json={"reason": "lagi"})).status_code == 409
    [entry] = await rows(training, entity="certificate")
    assert (entry.entity_id, entry.actor_name, entry.note) == (number, STAFFER, "nama salah tulis")
    newest = (await admin.get("/api/v1/audit", params={"page_size": 1})).json()
    assert newest["items"][0]["sentence"].startswith(f"mencabut sertifikat {number} atas nama ")
    assert newest["items"][0]["sentence"].endswith(": alasan nama salah tulis")
    assert newest["total"] == 4  # batch created, two corrections (the admin's, then _finish's sheet), revocation

    closed = await staff.post(f"/api/v1/batches/{batch['id']}/close", json={"realised_cost": 5_000_000})
    assert closed.status_code == 200, closed.text
    [entry] = await rows(training, entity="batch", action="closed")
    assert (entry.actor_name, entry.changes["realised_cost"]) == (STAFFER, [None, 5_000_000])
    newest = (await admin.get("/api/v1/audit", params={"page_size": 1})).json()
    assert newest["items"][0]["sentence"] == (f"menutup angkatan {batch['code']} dengan realisasi Rp 5.000.000: "
                                              "Lainnya Rp 5.000.000")
