"""The nomination pages in-process over real PostgreSQL: the batch page's picker searches by name, cooperative or the
NIK's last digits (in the body, never the URL) and shows cooperative, position and whether it is trained; a
nomination from a trained cooperative asks for confirmation first; the participant edit page; the district's
waiting list; the planning page."""
import uuid

from shared.events.envelope import Envelope
from shared.events.training import ParticipantCompleted
from services.registration.service_layer import planning
from tests.fixtures import factories
from tests.integration.registration.test_substitution_pages import browser


async def completes(registration, batch_id, cooperative: dict) -> None:
    """Apply training's participant.completed through the same handler the consumer uses."""
    event = ParticipantCompleted(batch_id=batch_id, participant_id=uuid.uuid4(), cooperative_id=cooperative["id"],
                                 district_code=cooperative["district_code"], sector="pertanian", gender="L",
                                 sessions_present=3, sessions_total=3)
    envelope = Envelope.wrap(event, source="/sipelkop/training", subject=str(batch_id), aggregate_version=1)
    async with registration.runtime.uow() as uow:
        await planning.apply_completion(uow, envelope, event)
        await uow.commit()


async def a_district(registration, district="64.03"):
    """Two cooperatives of one district, one trained this fiscal year, with a manager each; a batch open to it."""
    admin = registration.client("admin")
    trained = (await admin.post("/api/v1/cooperatives", json=factories.cooperative(
        district, name=f"Koperasi Nelayan Bersatu {uuid.uuid4().hex[:4]}"))).json()
    fresh = (await admin.post("/api/v1/cooperatives", json=factories.cooperative(
        district, name=f"Koperasi Tani Harapan {uuid.uuid4().hex[:4]}"))).json()
    done = await registration.schedule_batch(start_in_days=-40, eligible_districts=[district])
    await completes(registration, done["batch_id"], trained)
    batch = await registration.schedule_batch(start_in_days=10, eligible_districts=[district], capacity=1)
    people = {}
    for key, coop, name in (("trained", trained, "Hj. Fatimah Zahra"), ("fresh", fresh, "Muhammad Yusuf Arsyad")):
        body = factories.participant(coop["id"], district, full_name=f"{name} {uuid.uuid4().hex[:4]}",
                                     position="dewan pengawas syariah" if key == "trained" else "bendahara")
        people[key] = (await admin.post("/api/v1/participants", json=body)).json()
        people[key]["cooperative_name"] = coop["name"]
    return batch, people, trained, fresh


async def test_the_picker_finds_by_name_cooperative_or_nik_digits_and_shows_who_is_trained(registration):
    batch, people, trained, fresh = await a_district(registration)
    officer, csrf = browser(registration, role="district_officer", district="64.03", subject="dinas-berau")
    page = await officer.get(f"/angkatan/{batch['id']}")
    assert page.status_code == 200, page.text
    picker = page.text.split('id="picker"')[1].split("</table>")[0]
    assert people["trained"]["full_name"] in picker and people["fresh"]["full_name"] in picker
    row = picker.split(people["trained"]["full_name"])[1].split("</tr>")[0]
    assert "dewan pengawas syariah" in row and trained["name"] in row and "koperasi sudah dilatih" in row
    assert "belum dilatih" in picker.split(people["fresh"]["full_name"])[1].split("</tr>")[0]

    for text, expected in ((people["fresh"]["full_name"].split()[1].lower(), "fresh"),
                           (" ".join(trained["name"].split()[1:]), "trained"), (people["fresh"]["nik"][-4:], "fresh")):
        found = await officer.post(f"/angkatan/{batch['id']}/cari", data={"csrf": csrf, "cari": text})
        assert found.status_code == 200 and "?cari" not in str(found.url)
        table = found.text.split('id="picker"')[1].split("</table>")[0]
        other = "trained" if expected == "fresh" else "fresh"
        assert people[expected]["full_name"] in table and people[other]["full_name"] not in table, text
    nothing = await officer.post(f"/angkatan/{batch['id']}/cari", data={"csrf": csrf, "cari": "tidak ada orang ini"})
    assert "Tidak ada pengurus yang cocok" in nothing.text


async def test_a_trained_cooperative_is_nominated_only_after_confirming(registration):
    batch, people, trained, _ = await a_district(registration, "64.07")
    officer, csrf = browser(registration, role="district_officer", district="64.07", subject="dinas-kubar")
    asked = await officer.post(f"/angkatan/{batch['id']}/calonkan",
                               data={"csrf": csrf, "participant_id": people["trained"]["id"]})
    assert asked.status_code == 200 and 'id="konfirmasi"' in asked.text
    assert f"{trained['name']} sudah memiliki peserta yang lulus" in asked.text
    assert (await registration.client("admin").get("/api/v1/enrollments", params={
        "batch_id": batch["id"]})).json() == []  # nothing written before the officer confirms
    confirmed = await officer.post(f"/angkatan/{batch['id']}/calonkan", data={
        "csrf": csrf, "participant_id": people["trained"]["id"], "konfirmasi": "ya"})
    assert confirmed.status_code == 303, confirmed.text
    # The untrained cooperative's manager goes straight on, here to the waiting list (one seat).
    straight = await officer.post(f"/angkatan/{batch['id']}/calonkan",
                                  data={"csrf": csrf, "participant_id": people["fresh"]["id"]})
    assert straight.status_code == 303 and straight.headers["location"].endswith("pesan=waitlisted")

    waiting = await officer.get("/daftar-tunggu")
    table = waiting.text.split('id="waiting"')[1]
    row = table.split(people["fresh"]["full_name"])[1].split("</tr>")[0]
    assert batch["code"] in table and "bendahara" in row and people["fresh"]["cooperative_name"] in row
    assert '<td data-label="Antrean" class="num">1</td>' in table
    assert people["trained"]["full_name"] not in table  # enrolled, not waiting
    other, _ = browser(registration, role="district_officer", district="64.02", subject="dinas-kukar")
    assert people["fresh"]["full_name"] not in (await other.get("/daftar-tunggu")).text


async def test_the_participant_edit_page_corrects_a_manager(registration):
    _, people, _, fresh = await a_district(registration, "64.11")
    person = people["fresh"]
    officer, csrf = browser(registration, role="district_officer", district="64.11", subject="dinas-mahulu")
    listed = await officer.get("/peserta")
    assert f'href="/peserta/{person["id"]}/ubah"' in listed.text
    form = await officer.get(f"/peserta/{person['id']}/ubah")
    assert form.status_code == 200 and person["full_name"] in form.text and person["nik"] in form.text
    assert 'name="nik"' not in form.text  # the NIK is the person: shown, not edited
    bad = await officer.post(f"/peserta/{person['id']}/ubah", data={
        "csrf": csrf, "full_name": person["full_name"], "position": "direktur", "phone": "12", "email": "",
        "cooperative_id": fresh["id"]})
    assert bad.status_code == 422 and "jabatan tidak dikenal" in bad.text
    saved = await officer.post(f"/peserta/{person['id']}/ubah", data={
        "csrf": csrf, "full_name": "Muhammad Yusuf Arsyad, S.E.", "position": "anggota", "phone": "0813-5000-1234",
        "email": "yusuf@koperasi.id", "cooperative_id": fresh["id"]})
    assert saved.status_code == 303 and saved.headers["location"] == "/peserta?pesan=pengurus-diubah"
    read = (await registration.client("admin").get(f"/api/v1/participants/{person['id']}")).json()
    assert (read["full_name"], read["position"], read["phone"], read["version"]) == (
        "Muhammad Yusuf Arsyad, S.E.", "anggota", "+6281350001234", 2)
    theirs, _ = browser(registration, role="district_officer", district="64.02", subject="dinas-kukar")
    assert (await theirs.get(f"/peserta/{person['id']}/ubah")).status_code == 403


async def test_the_planning_page_of_the_officer_s_own_district(registration):
    _, _, trained, fresh = await a_district(registration, "64.74")
    officer, _ = browser(registration, role="district_officer", district="64.74", subject="dinas-bontang")
    todo = await officer.get("/perencanaan")
    assert todo.status_code == 200, todo.text
    table = todo.text.split('id="planning"')[1]
    assert fresh["name"] in table and trained["name"] not in table and "belum dilatih" in table
    assert "Target kabupaten/kota belum ditetapkan" in todo.text
    done = await officer.get("/perencanaan", params={"status": "sudah"})
    assert trained["name"] in done.text.split('id="planning"')[1] and "sudah dilatih" in done.text
    assert "/api/v1/planning/cooperatives.xlsx?district=64.74" in done.text
    # The officer's district is theirs whatever the address says; staff choose any.
    assert fresh["name"] in (await officer.get("/perencanaan", params={"kabupaten": "64.02"})).text
    staff, _ = browser(registration, role="training_staff", subject="staf-uptd")
    theirs = await staff.get("/perencanaan", params={"kabupaten": "64.74", "status": "semua"})
    assert theirs.status_code == 200 and fresh["name"] in theirs.text and trained["name"] in theirs.text


async def test_an_import_into_a_batch_warns_on_the_row_of_a_trained_cooperative(registration):
    from tests.integration.registration.test_imports import as_csv, upload

    batch, _, trained, fresh = await a_district(registration, "64.72")
    officer = registration.client("district_officer", "64.72")
    rows = [factories.participant_row(trained["registration_number"], "64.72"),
            factories.participant_row(fresh["registration_number"], "64.72")]
    result = (await upload(officer, "participants", "pengurus.csv", as_csv(rows), batch_id=batch["id"])).json()
    assert [a["enrollment_status"] for a in result["accepted"]] == ["enrolled", "waitlisted"], result
    assert "sudah memiliki peserta yang lulus" in result["accepted"][0]["warnings"][0]
    assert result["accepted"][1]["warnings"] == []
