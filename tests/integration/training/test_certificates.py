"""Certificates: numbering never reused nor skipped under concurrency (real PostgreSQL), verification, revocation."""
import asyncio
import io
import zipfile
from urllib.parse import quote

from services.training.config import DEV_CERTIFICATE_KEY
from services.training.domain.certificates import verification_code
from services.training.service_layer.certificates import take_numbers
from tests.integration.training.conftest import PUBLIC_URL, day_at, scheduled


async def _finish(training, batch, people):
    trainer = training.client("trainer", "pelatih-1")
    for no in range(1, len(batch["sessions"]) + 1):
        marks = [{"participant_id": p["participant_id"], "status": "hadir"} for p in people]
        assert (await trainer.put(f"/api/v1/batches/{batch['id']}/sessions/{no}/attendance",
                                  json={"marks": marks, "recorded_at": day_at(batch, no)})).status_code == 200
    for no in range(1, len(batch["sessions"])):
        assert (await trainer.post(f"/api/v1/batches/{batch['id']}/sessions/{no}/complete")).status_code == 200


async def test_numbers_are_neither_reused_nor_skipped_when_issuers_race_and_some_roll_back(training):
    async def issuer(i: int) -> list[int]:
        async with training.runtime.uow() as uow:
            numbers = await take_numbers(uow.session, year=2023, count=3)
            await asyncio.sleep(0.01)  # hold the lock while the others queue behind it
            if i % 4 == 0:
                return []  # this issuer fails: leaving the block rolls back, its numbers go back to the counter
            await uow.commit()
            return numbers

    taken = [n for numbers in await asyncio.gather(*(issuer(i) for i in range(16))) for n in numbers]
    assert sorted(taken) == list(range(1, 12 * 3 + 1))


async def test_batches_finishing_at_the_same_moment_get_consecutive_numbers(training):
    ready = []
    for _ in range(3):
        batch, people = await scheduled(training, participants=4, days=1)
        await _finish(training, batch, people)
        ready.append(batch)
    trainer = training.client("trainer", "pelatih-1")
    results = await asyncio.gather(*(trainer.post(f"/api/v1/batches/{b['id']}/sessions/1/complete") for b in ready))
    assert [r.status_code for r in results] == [200, 200, 200]
    numbers = []
    for batch in ready:
        numbers += [c["number"] for c in (await trainer.get(f"/api/v1/batches/{batch['id']}/certificates")).json()]
    year = ready[0]["end_date"][:4]
    assert sorted(numbers) == [f"UPTD-KUKM/{year}/{n:04d}" for n in range(1, 13)]
    assert len(await training.outbox("sipelkop.training.certificate.issued.v1")) == 12


async def test_anyone_can_verify_a_genuine_certificate_and_sees_a_revoked_one_as_revoked(training):
    batch, people = await scheduled(training, participants=2, days=1)
    await _finish(training, batch, people)
    trainer, admin, public = training.client("trainer", "pelatih-1"), training.client(), training.client(None)
    await trainer.post(f"/api/v1/batches/{batch['id']}/sessions/1/complete")
    certs = (await trainer.get(f"/api/v1/batches/{batch['id']}/certificates")).json()
    number = certs[0]["number"]
    code = verification_code(DEV_CERTIFICATE_KEY, number)
    assert certs[0]["verification_url"] == f"{PUBLIC_URL}/verifikasi?nomor={quote(number, safe='')}&kode={code}"
    assert certs[0]["signing_official"] == "Drs. Contoh Pejabat, M.Si."

    genuine = await public.get(f"/api/v1/certificates/{number}", params={"kode": code})
    assert genuine.status_code == 200
    assert genuine.json() == {"number": number, "genuine": True, "status": "valid",
                              "full_name": certs[0]["full_name"], "batch_title": batch["title"],
                              "start_date": batch["start_date"], "end_date": batch["end_date"],
                              "revoked_reason": None, "replaced_by": None}
    encoded = await public.get(f"/api/v1/certificates/{quote(number, safe='')}", params={"kode": code})
    assert encoded.json()["number"] == number
    unknown = await public.get("/api/v1/certificates/UPTD-KUKM/1999/0001",
                               params={"kode": verification_code(DEV_CERTIFICATE_KEY, "UPTD-KUKM/1999/0001")})
    assert unknown.status_code == 404 and unknown.json()["error"]["fields"][0]["field"] == "kode"

    assert (await trainer.post(f"/api/v1/certificates/{number}/revoke", json={"reason": "data salah"})).status_code == 403
    revoked = await admin.post(f"/api/v1/certificates/{number}/revoke", json={"reason": "nama peserta tertukar"})
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    seen = (await public.get(f"/api/v1/certificates/{number}", params={"kode": code})).json()
    assert (seen["genuine"], seen["status"], seen["revoked_reason"]) == (False, "revoked", "nama peserta tertukar")
    again = await admin.post(f"/api/v1/certificates/{number}/revoke", json={"reason": "lagi"})
    assert again.status_code == 409
    event = (await training.outbox("sipelkop.training.certificate.revoked.v1"))[0]
    assert event["data"]["reason"] == "nama peserta tertukar" and event["subject"] == number

    # The revoked paper is not printed again; the bulk file holds only the genuine one.
    assert (await trainer.get(f"/api/v1/certificates/{number}/pdf")).status_code == 409
    other = certs[1]["number"]
    paper = await trainer.get(f"/api/v1/certificates/{other}/pdf")
    assert paper.status_code == 200 and paper.content.startswith(b"%PDF")
    archive = await trainer.get(f"/api/v1/batches/{batch['id']}/certificates.zip")
    assert archive.headers["content-type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(archive.content)).namelist() == [f"{other.replace('/', '-')}.pdf"]
    assert (await training.client("trainer", "pelatih-lain").get(
        f"/api/v1/batches/{batch['id']}/certificates.zip")).status_code == 403
