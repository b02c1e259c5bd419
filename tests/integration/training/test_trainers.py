"""The narasumber registry over real PostgreSQL: NIK, NPWP and bank account masked for all but admins and never in
events; a trainer reads only the record linked to the account; bad numbers, and an account that is not a known
trainer's, refused naming the field."""
import asyncio
import uuid

from tests.integration.training.test_agenda import officer

NIP = "198503152010011002"
NIK = "6402011507850001"


def body(**overrides) -> dict:
    return {"name": "Dr. Siti Rahmawati, M.M.", "institution": "Universitas Mulawarman", "nik": NIK,
            "npwp": "01.300.066.6-091.000", "phone": "0812-3456-7890", "bank_name": "Bankaltimtara",
            "bank_account": "0011223344556", "rate_per_jp": 900_000, **overrides}


async def test_a_narasumber_is_registered_and_what_is_sensitive_is_masked_except_for_admins(training):
    admin, staff = training.client(), training.client("training_staff")
    created = await staff.post("/api/v1/trainers", json=body(account_id=await training.trainer_account()))
    assert created.status_code == 201, created.text
    trainer = created.json()
    assert (trainer["nik"], trainer["npwp"], trainer["bank_account"]) == (
        "************0001", "***********1000", "*********4556")
    assert (trainer["phone"], trainer["rate_per_jp"], trainer["version"]) == ("+6281234567890", 900_000, 1)
    seen = (await admin.get(f"/api/v1/trainers/{trainer['id']}")).json()
    assert (seen["nik"], seen["npwp"], seen["bank_account"]) == (NIK, "013000666091000", "0011223344556")
    assert [t["nik"] for t in (await staff.get("/api/v1/trainers")).json()] == ["************0001"]
    assert [t["id"] for t in (await admin.get("/api/v1/trainers?q=mulawarman")).json()] == [trainer["id"]]

    updated = await admin.patch(f"/api/v1/trainers/{trainer['id']}", json={"rate_per_jp": 1_000_000, "nip": NIP})
    assert (updated.json()["rate_per_jp"], updated.json()["nip"], updated.json()["version"]) == (1_000_000, NIP, 2)
    assert await training.outbox() == []  # a narasumber never leaves training


async def test_a_trainer_reads_only_the_narasumber_linked_to_the_account(training):
    admin, siti = training.client(), await training.trainer_account()
    own = (await admin.post("/api/v1/trainers", json=body(account_id=siti))).json()
    other = (await admin.post("/api/v1/trainers", json=body(name="Ir. Budi Santoso", nik="6402011507850002"))).json()
    me = training.client("trainer", siti)
    assert [t["id"] for t in (await me.get("/api/v1/trainers")).json()] == [own["id"]]
    mine = (await me.get(f"/api/v1/trainers/{own['id']}")).json()
    assert mine["bank_account"] == "*********4556"
    assert (await me.get(f"/api/v1/trainers/{other['id']}")).status_code == 403
    assert (await me.patch(f"/api/v1/trainers/{own['id']}", json={"rate_per_jp": 5})).status_code == 403
    for client in (officer(training), training.client("viewer")):
        refused = await client.get("/api/v1/trainers")
        assert refused.status_code == 403 and refused.json()["error"]["message"].startswith("Peran")
        assert (await client.post("/api/v1/trainers", json=body())).status_code == 403


async def test_bad_narasumber_data_is_refused_naming_the_field_and_nothing_is_written(training):
    admin = training.client()
    for bad, status, field in ((body(nik=None), 422, "nip"), (body(nip="1985031520100110"), 422, "nip"),
                               (body(nik="640201150785"), 422, "nik"), (body(npwp="0130"), 422, "npwp"),
                               (body(phone="12"), 422, "phone"), (body(rate_per_jp=-1), 422, "rate_per_jp"),
                               (body(bank_account="12"), 422, "bank_account"), (body(name=""), 422, "name")):
        refused = await admin.post("/api/v1/trainers", json=bad)
        assert refused.status_code == status, (bad, refused.text)
        assert field in [f["field"] for f in refused.json()["error"]["fields"]]
        assert NIK not in refused.text and "0011223344556" not in refused.text  # never echoed back
    unheard_of = str(uuid.uuid4())  # an account training never heard of as a trainer's
    unknown = await admin.post("/api/v1/trainers", json=body(account_id=unheard_of))
    assert unknown.status_code == 422 and unknown.json()["error"]["fields"][0]["field"] == "account_id"
    assert "akun pelatih" in unknown.json()["error"]["message"].lower()
    assert (await admin.get("/api/v1/trainers")).json() == []
    siti = await training.trainer_account()
    first = (await admin.post("/api/v1/trainers", json=body(account_id=siti))).json()
    twice = await admin.post("/api/v1/trainers", json=body())
    assert twice.status_code == 409 and twice.json()["error"]["fields"][0]["field"] == "nik"
    taken = await admin.post("/api/v1/trainers", json=body(nik="6402011507850002", account_id=siti))
    assert taken.status_code == 409 and taken.json()["error"]["fields"][0]["field"] == "account_id"
    cleared = await admin.patch(f"/api/v1/trainers/{first['id']}", json={"nik": None})
    assert cleared.status_code == 422  # neither NIP nor NIK left
    assert len((await admin.get("/api/v1/trainers")).json()) == 1


async def test_two_requests_linking_one_account_at_once_get_one_201_and_one_409(training):
    admin, contested = training.client(), await training.trainer_account()
    results = await asyncio.gather(*(admin.post("/api/v1/trainers", json=body(nik=f"640201150785000{n}",
                                                                              account_id=contested))
                                     for n in (1, 2)))
    assert sorted(r.status_code for r in results) == [201, 409]
    refused = next(r for r in results if r.status_code == 409)
    assert refused.json()["error"]["fields"][0]["field"] == "account_id"
