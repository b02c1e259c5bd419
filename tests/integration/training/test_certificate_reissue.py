"""Re-issuing a certificate after a name correction over training's real PostgreSQL (issue 13): the old one revoked
with its reason, a new number for the same participant with the corrected name, saying which number it replaces;
the old number's public verification says it was replaced and names nobody; one valid certificate per participant;
the events are the existing certificate.revoked and certificate.issued; the console's button does the same."""
import subprocess
from datetime import UTC, datetime

from services.training.config import DEV_CERTIFICATE_KEY
from services.training.domain.certificates import verification_code
from tests.integration.training.conftest import scheduled
from tests.integration.training.test_certificates import _finish
from tests.integration.training.test_name_corrections import apply, correction
from tests.integration.training.test_score_pages import pages, words

REASON = "Nama peserta dikoreksi: Siti Rahmawati"


async def certified(training, participants: int = 2):
    batch, people = await scheduled(training, participants=participants, days=1)
    await _finish(training, batch, people)
    assert (await training.client("trainer", "pelatih-1").post(
        f"/api/v1/batches/{batch['id']}/sessions/1/complete")).status_code == 200
    certs = (await training.client().get(f"/api/v1/batches/{batch['id']}/certificates")).json()
    return batch, people, {c["participant_id"]: c for c in certs}


async def test_a_corrected_name_gets_a_new_number_and_the_old_one_says_it_was_replaced(training):
    batch, people, certs = await certified(training)
    person = people[0]
    old = certs[person["participant_id"]]
    await apply(training, correction(person, "Siti Rahmawati"), 2)
    admin, public = training.client(), training.client(None)

    assert (await training.client("trainer", "pelatih-1").post(
        f"/api/v1/certificates/{old['number']}/reissue", json={"reason": REASON})).status_code == 403
    short = await admin.post(f"/api/v1/certificates/{old['number']}/reissue", json={"reason": "x"})
    assert short.status_code == 422 and short.json()["error"]["fields"][0]["field"] == "reason"
    made = await admin.post(f"/api/v1/certificates/{old['number']}/reissue", json={"reason": REASON})
    assert made.status_code == 201, made.text
    new = made.json()
    assert new["number"] != old["number"] and new["participant_id"] == person["participant_id"]
    assert (new["full_name"], new["replaces"], new["status"]) == ("Siti Rahmawati", old["number"], "valid")
    assert new["number"] > max(c["number"] for c in certs.values())  # the next number of the year

    listed = (await admin.get(f"/api/v1/batches/{batch['id']}/certificates")).json()
    mine = [c for c in listed if c["participant_id"] == person["participant_id"]]
    assert sorted((c["number"], c["status"], c["replaces"], c["replaced_by"]) for c in mine) == [
        (old["number"], "revoked", None, new["number"]), (new["number"], "valid", old["number"], None)]
    again = await admin.post(f"/api/v1/certificates/{old['number']}/reissue", json={"reason": REASON})
    assert again.status_code == 409 and new["number"] in again.json()["error"]["message"]

    # The old paper: replaced, nobody named, not even through the reason (which quotes the new name).
    seen = await public.get(f"/api/v1/certificates/{old['number']}",
                            params={"kode": verification_code(DEV_CERTIFICATE_KEY, old["number"])})
    assert seen.status_code == 200
    body = seen.json()
    assert (body["genuine"], body["status"], body["full_name"], body["replaced_by"]) == (
        False, "replaced", "", new["number"])
    assert new["number"] in body["revoked_reason"] and "Siti" not in seen.text and person["full_name"] not in seen.text
    page = await public.get("/verifikasi", params={"nomor": old["number"], "kode": verification_code(
        DEV_CERTIFICATE_KEY, old["number"])}, headers={"accept": "text/html"})
    assert page.status_code == 200 and new["number"] in page.text and "Siti" not in page.text
    assert "DIGANTI" in page.text and "DICABUT" not in page.text and "<dt>Nama</dt>" not in page.text
    fresh = (await public.get(f"/api/v1/certificates/{new['number']}",
                              params={"kode": verification_code(DEV_CERTIFICATE_KEY, new["number"])})).json()
    assert (fresh["genuine"], fresh["full_name"]) == (True, "Siti Rahmawati")
    paper = await admin.get(f"/api/v1/certificates/{new['number']}/pdf")
    printed = subprocess.run(["pdftotext", "-", "-"], input=paper.content, capture_output=True).stdout.decode()
    assert "Siti Rahmawati" in printed and f"Menggantikan sertifikat nomor {old['number']}" in printed
    assert (await admin.get(f"/api/v1/certificates/{old['number']}/pdf")).status_code == 409

    revoked = await training.outbox("sipelkop.training.certificate.revoked.v1")
    issued = await training.outbox("sipelkop.training.certificate.issued.v1")
    assert [e["subject"] for e in revoked] == [old["number"]] and revoked[0]["data"]["reason"] == REASON
    assert issued[-1]["subject"] == new["number"] and issued[-1]["data"]["participant_id"] == person["participant_id"]
    assert len(issued) == len(certs) + 1

    trail = (await admin.get("/api/v1/audit", params={"entity": "certificate"})).json()["items"]
    sentences = {row["sentence"] for row in trail}
    assert f"mencabut sertifikat {old['number']} atas nama {person['full_name']}: alasan {REASON}" in sentences
    assert (f"menerbitkan ulang sertifikat {old['number']} sebagai {new['number']} atas nama Siti Rahmawati: alasan "
            f"{REASON}") in sentences


async def test_the_console_s_certificates_list_reissues_with_a_reason(training):
    batch, people, certs = await certified(training)
    old = certs[people[1]["participant_id"]]
    console = pages(training, role="training_staff", subject="staf-1")
    shown = await console.get(f"/konsol/angkatan/{batch['id']}")
    assert "Terbitkan ulang" in shown.text and 'action="/konsol/angkatan/' + batch["id"] + '/sertifikat/terbitkan-ulang"' in shown.text
    empty = await console.post(f"/konsol/angkatan/{batch['id']}/sertifikat/terbitkan-ulang",
                               data={"csrf": console.csrf, "number": old["number"], "reason": ""})
    assert empty.status_code == 422 and "Tidak dapat diproses" in words(empty)
    done = await console.post(f"/konsol/angkatan/{batch['id']}/sertifikat/terbitkan-ulang",
                              data={"csrf": console.csrf, "number": old["number"], "reason": "Cetak ulang: kertas rusak"})
    assert done.status_code == 303
    after = words(await console.get(f"/konsol/angkatan/{batch['id']}"))
    new = next(c for c in (await training.client().get(f"/api/v1/batches/{batch['id']}/certificates")).json()
               if c["participant_id"] == people[1]["participant_id"] and c["status"] == "valid")
    assert f"menggantikan {old['number']}" in after and f"diganti {new['number']}" in after
    assert datetime.fromisoformat(new["issued_at"]) <= datetime.now(UTC)
