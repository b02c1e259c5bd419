"""Officials over real PostgreSQL: records with a period in office; a batch names its signer and co-signer, whose
name, position and NIP go onto its certificates; without one the settings' official still signs."""
import subprocess

from tests.integration.training.conftest import scheduled
from tests.integration.training.test_agenda import officer
from tests.integration.training.test_certificates import _finish

NIP, CO_NIP = "197001011995031001", "196805121990032002"


def official(**overrides) -> dict:
    return {"name": "Dr. H. Muhammad Zaini, S.E., M.Si.", "nip": NIP, "position": "Kepala UPTD Pelatihan Koperasi "
            "dan UKM", "active_from": "2020-01-01", **overrides}


async def test_officials_are_appointed_listed_and_changed(training):
    admin = training.client("training_staff")
    head = await admin.post("/api/v1/officials", json=official(active_until="2022-12-31"))
    assert head.status_code == 201, head.text
    successor = (await admin.post("/api/v1/officials", json=official(name="Hj. Rina Wati, S.Sos.", nip=CO_NIP,
                                                                      active_from="2023-01-01"))).json()
    assert [o["id"] for o in (await admin.get("/api/v1/officials?active_on=2023-07-06")).json()] == [successor["id"]]
    assert len((await admin.get("/api/v1/officials")).json()) == 2
    changed = await admin.patch(f"/api/v1/officials/{successor['id']}", json={"position": "Kepala Dinas"})
    assert (changed.json()["position"], changed.json()["version"]) == ("Kepala Dinas", 2)
    assert (await admin.get(f"/api/v1/officials/{successor['id']}")).json()["position"] == "Kepala Dinas"
    for bad, field in ((official(nip="19700101199503100"), "nip"), (official(nip="19700101199503100X"), "nip"),
                       (official(active_until="2019-01-01"), "active_until"), (official(position=""), "position")):
        refused = await admin.post("/api/v1/officials", json=bad)
        assert refused.status_code == 422 and refused.json()["error"]["fields"][0]["field"] == field, refused.text
    assert len((await admin.get("/api/v1/officials")).json()) == 2
    for client in (training.client("trainer", "pelatih-1"), officer(training), training.client("viewer")):
        assert (await client.get("/api/v1/officials")).status_code == 403
        assert (await client.post("/api/v1/officials", json=official())).status_code == 403


async def test_a_batch_names_its_signers_and_they_must_be_in_office(training):
    admin = training.client()
    head = (await admin.post("/api/v1/officials", json=official())).json()
    gone = (await admin.post("/api/v1/officials", json=official(nip=CO_NIP, active_until="2021-12-31"))).json()
    batch, _ = await scheduled(training, days=1, signing_official_id=head["id"])
    assert batch["signing_official_id"] == head["id"] and batch["co_signer_id"] is None
    url = f"/api/v1/batches/{batch['id']}"
    for change, field in (({"co_signer_id": gone["id"]}, "co_signer_id"),
                          ({"co_signer_id": head["id"]}, "co_signer_id"),
                          ({"signing_official_id": "00000000-0000-4000-8000-000000000000"}, "signing_official_id")):
        refused = await admin.patch(url, json=change)
        assert refused.status_code == 422 and refused.json()["error"]["fields"][0]["field"] == field, refused.text
    assert (await admin.patch(url, json={"signing_official_id": None})).json()["signing_official_id"] is None


async def test_certificates_carry_the_batch_official_and_co_signer_or_the_default(training):
    admin = training.client()
    head = (await admin.post("/api/v1/officials", json=official())).json()
    co = (await admin.post("/api/v1/officials", json=official(name="Hj. Rina Wati, S.Sos.", nip=CO_NIP,
                                                               position="Kepala Dinas Koperasi dan UKM"))).json()
    signed, people = await scheduled(training, days=1, participants=1, signing_official_id=head["id"],
                                     co_signer_id=co["id"])
    plain, others = await scheduled(training, days=1, participants=1)
    trainer = training.client("trainer", "pelatih-1")
    for batch, roster in ((signed, people), (plain, others)):
        await _finish(training, batch, roster)
        assert (await trainer.post(f"/api/v1/batches/{batch['id']}/sessions/1/complete")).status_code == 200
    cert = (await trainer.get(f"/api/v1/batches/{signed['id']}/certificates")).json()[0]
    assert (cert["signing_official"], cert["signing_nip"], cert["signing_position"]) == (
        head["name"], NIP, head["position"])
    assert (cert["co_signing_official"], cert["co_signing_nip"]) == (co["name"], CO_NIP)
    default = (await trainer.get(f"/api/v1/batches/{plain['id']}/certificates")).json()[0]
    assert (default["signing_official"], default["signing_nip"]) == ("Drs. Contoh Pejabat, M.Si.", None)

    # A later change of the official does not change a certificate already issued.
    await admin.patch(f"/api/v1/officials/{head['id']}", json={"name": "Pejabat Baru"})
    again = (await trainer.get(f"/api/v1/batches/{signed['id']}/certificates")).json()[0]
    assert again["signing_official"] == head["name"]

    paper = await trainer.get(f"/api/v1/certificates/{cert['number']}/pdf")
    assert paper.status_code == 200
    text = page_text(paper.content)
    assert f"NIP {NIP}" in text and f"NIP {CO_NIP}" in text and "Kepala Dinas Koperasi" in text


def page_text(pdf: bytes) -> str:
    """The text on the pages as anyone would read it (pdftotext: the papers embed a Unicode font)."""
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


async def test_the_daftar_hadir_names_the_batch_official_for_the_panitia_and_the_co_signer(training):
    admin = training.client()
    head = (await admin.post("/api/v1/officials", json=official())).json()
    co = (await admin.post("/api/v1/officials", json=official(name="Hj. Rina Wati, S.Sos.", nip=CO_NIP,
                                                               position="Kepala Dinas Koperasi dan UKM"))).json()
    signed, _ = await scheduled(training, days=1, participants=2, signing_official_id=head["id"],
                                co_signer_id=co["id"])
    plain, _ = await scheduled(training, days=1, participants=2)
    trainer = training.client("trainer", "pelatih-1")
    sheet = await trainer.get(f"/api/v1/batches/{signed['id']}/sessions/1/attendance-sheet.pdf")
    assert sheet.status_code == 200, sheet.text
    text = " ".join(page_text(sheet.content).split())
    for words in ("Panitia Penyelenggara,", head["position"], head["name"], f"NIP {NIP}", "Mengetahui,",
                  co["position"], co["name"], f"NIP {CO_NIP}"):
        assert words in text, (words, text)
    blank = " ".join(page_text((await trainer.get(
        f"/api/v1/batches/{plain['id']}/sessions/1/attendance-sheet.pdf")).content).split())
    assert "Panitia Penyelenggara," in blank and head["name"] not in blank and "Mengetahui" not in blank
