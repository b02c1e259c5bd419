"""A participant correction (PATCH) over real PostgreSQL: version + 1 on every real change, ParticipantUpdated in the
same transaction only when something other services see changed, never with NIK, phone or e-mail."""
import asyncio

from tests.fixtures import factories


async def test_a_corrected_name_is_announced_with_the_new_version_and_no_personal_data(registration):
    officer = registration.client("district_officer", "64.02")
    coop = (await officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02"))).json()
    body = factories.participant(coop["id"], full_name="Siti Rahmawaty", email="ketua@koperasi.id")
    person = (await officer.post("/api/v1/participants", json=body)).json()
    registered = await registration.events(person["id"], "participant.registered.v1")
    assert [e["aggregate_version"] for e in registered] == [1]  # ParticipantRegistered is unchanged

    fixed = await officer.patch(f"/api/v1/participants/{person['id']}", json={"full_name": "Siti Rahmawati"})
    assert fixed.status_code == 200 and fixed.json()["version"] == 2
    [event] = await registration.events(person["id"], "participant.updated.v1")
    assert event["type"] == "sipelkop.registration.participant.updated.v1"
    assert (event["subject"], event["aggregate_version"]) == (person["id"], 2)
    assert event["data"] == {"participant_id": person["id"], "full_name": "Siti Rahmawati", "gender": person["gender"],
                             "position": "ketua", "cooperative_id": coop["id"], "district_code": "64.02"}
    text = str(event)
    assert body["nik"] not in text and person["phone"] not in text and "ketua@koperasi.id" not in text

    # The same values again: no new version, no event. Phone or e-mail only: a new version, not announced.
    same = await officer.patch(f"/api/v1/participants/{person['id']}", json={"full_name": "Siti Rahmawati"})
    assert same.json()["version"] == 2
    contact = await officer.patch(f"/api/v1/participants/{person['id']}", json={"phone": "+62 813 1111 2222",
                                                                                "email": "siti@koperasi.id"})
    assert contact.json()["version"] == 3
    assert len(await registration.events(person["id"], "participant.updated.v1")) == 1

    # Position and cooperative are seen by others too: announced with the newest version.
    other = (await officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02"))).json()
    moved = await officer.patch(f"/api/v1/participants/{person['id']}", json={"position": "bendahara",
                                                                              "cooperative_id": other["id"]})
    assert moved.json()["version"] == 4
    latest = (await registration.events(person["id"], "participant.updated.v1"))[-1]
    assert latest["aggregate_version"] == 4
    assert (latest["data"]["position"], latest["data"]["cooperative_id"]) == ("bendahara", other["id"])


async def test_a_refused_correction_announces_nothing(registration):
    officer = registration.client("district_officer", "64.02")
    coop = (await officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02"))).json()
    person = (await officer.post("/api/v1/participants", json=factories.participant(coop["id"]))).json()
    refused = await officer.patch(f"/api/v1/participants/{person['id']}", json={"full_name": "Nama Baru",
                                                                                "phone": "12"})
    assert refused.status_code == 422
    assert await registration.events(person["id"], "participant.updated.v1") == []
    kutim = registration.client("district_officer", "64.08")
    assert (await kutim.patch(f"/api/v1/participants/{person['id']}", json={"full_name": "X Y"})).status_code == 403
    assert await registration.events(person["id"], "participant.updated.v1") == []


async def test_simultaneous_corrections_never_share_a_version(registration):
    officer = registration.client("district_officer", "64.02")
    coop = (await officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02"))).json()
    person = (await officer.post("/api/v1/participants", json=factories.participant(coop["id"]))).json()
    names = [f"Nama Koreksi {i}" for i in range(6)]
    answers = await asyncio.gather(*(officer.patch(f"/api/v1/participants/{person['id']}", json={"full_name": name})
                                     for name in names))
    assert [a.status_code for a in answers] == [200] * 6
    events = await registration.events(person["id"], "participant.updated.v1")
    assert sorted(e["aggregate_version"] for e in events) == list(range(2, 8))
    # The newest version carries the name the participant has now: what a consumer ends with is right.
    now = (await officer.get(f"/api/v1/participants/{person['id']}")).json()
    assert max(events, key=lambda e: e["aggregate_version"])["data"]["full_name"] == now["full_name"]
