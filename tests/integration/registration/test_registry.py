"""The cooperative and participant registry through the API, scoped to the officer's district."""
from tests.fixtures import factories


async def test_an_officer_registers_updates_and_finds_cooperatives_only_in_their_district(registration):
    kukar = registration.client("district_officer", "64.02")
    kutim = registration.client("district_officer", "64.08")
    mine = (await kukar.post("/api/v1/cooperatives", json=factories.cooperative("64.02", name="Koperasi Tani Makmur",
                                                                                sector="Pertanian"))).json()
    theirs = (await kutim.post("/api/v1/cooperatives", json=factories.cooperative("64.08"))).json()

    changed = await kukar.patch(f"/api/v1/cooperatives/{mine['id']}", json={"active": False, "grade": "c1"})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["active"], changed.json()["grade"], changed.json()["version"]) == (False, "C1", 2)
    updated = await registration.events(mine["id"], "cooperative.updated.v1")
    assert [(e["aggregate_version"], e["data"]["active"]) for e in updated] == [(2, False)]
    again = await kukar.patch(f"/api/v1/cooperatives/{mine['id']}", json={"active": False})
    assert again.json()["version"] == 2  # nothing changed: no new version, no event
    put = await kukar.put(f"/api/v1/cooperatives/{mine['id']}", json={**factories.cooperative("64.02"),
                                                                        "name": "Koperasi Tani Makmur Jaya"})
    assert put.status_code == 200 and put.json()["version"] == 3

    # Their district's rows are invisible in lists and refused one by one.
    listed = (await kukar.get("/api/v1/cooperatives", params={"page_size": 200})).json()
    assert mine["id"] in [c["id"] for c in listed["items"]] and theirs["id"] not in [c["id"] for c in listed["items"]]
    assert (await kukar.get("/api/v1/cooperatives", params={"district": "64.08"})).status_code == 403
    assert (await kukar.get(f"/api/v1/cooperatives/{theirs['id']}")).status_code == 403
    assert (await kukar.patch(f"/api/v1/cooperatives/{theirs['id']}", json={"name": "Diambil"})).status_code == 403
    handed_away = await kukar.patch(f"/api/v1/cooperatives/{mine['id']}", json={"district_code": "64.08"})
    assert handed_away.status_code == 403

    found = (await kukar.get("/api/v1/cooperatives", params={"q": "tani makmur"})).json()
    assert [c["id"] for c in found["items"]] == [mine["id"]]
    by_number = (await kukar.get("/api/v1/cooperatives", params={"q": mine["registration_number"][:8]})).json()
    assert mine["id"] in [c["id"] for c in by_number["items"]]
    admin = registration.client("admin")
    everywhere = (await admin.get("/api/v1/cooperatives", params={"page_size": 200})).json()
    assert {mine["id"], theirs["id"]} <= {c["id"] for c in everywhere["items"]}


async def test_filters_and_paging(registration):
    admin = registration.client("admin")
    for n in range(5):
        body = factories.cooperative("64.74", sector="perikanan", kind="jasa", active=n % 2 == 0)
        assert (await admin.post("/api/v1/cooperatives", json=body)).status_code == 201
    page = (await admin.get("/api/v1/cooperatives", params={"district": "64.74", "sector": "perikanan",
                                                            "active": True, "page_size": 2})).json()
    assert (page["total"], len(page["items"])) == (3, 2)
    second = (await admin.get("/api/v1/cooperatives", params={"district": "64.74", "active": True, "page": 2,
                                                              "page_size": 2})).json()
    assert len(second["items"]) == 1 and second["items"][0]["id"] not in [c["id"] for c in page["items"]]


async def test_an_unknown_sector_or_number_is_refused_naming_the_field(registration):
    officer = registration.client("district_officer", "64.02")
    bad = await officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02", sector="tambang",
                                                                                registration_number="12A"))
    assert bad.status_code == 422
    fields = {f["field"]: f["message"] for f in bad.json()["error"]["fields"]}
    assert "sektor usaha tidak dikenal" in fields["sector"] and "angka" in fields["registration_number"]


async def test_participants_are_masked_outside_their_district_and_updated_within_it(registration):
    kukar = registration.client("district_officer", "64.02")
    kutim = registration.client("district_officer", "64.08")
    coop = (await kukar.post("/api/v1/cooperatives", json=factories.cooperative("64.02"))).json()
    body = factories.participant(coop["id"], email="ketua@koperasi.id")
    person = (await kukar.post("/api/v1/participants", json=body)).json()
    assert person["nik"] == body["nik"] and person["phone"].startswith("+62")

    # Another district finds the person by NIK (so it does not register a duplicate) but sees no personal data.
    seen = (await kutim.post("/api/v1/participants/lookup", json={"nik": body["nik"]})).json()["items"]
    assert [p["nik"] for p in seen] == [body["nik"][:4] + "********" + body["nik"][12:]]
    assert seen[0]["phone"] is None and seen[0]["email"] is None and seen[0]["birth_date"] is None
    assert (await kutim.get(f"/api/v1/participants/{person['id']}")).status_code == 403
    assert person["id"] not in [p["id"] for p in (await kutim.get("/api/v1/participants")).json()["items"]]
    same_nik = await kutim.post("/api/v1/participants", json={**body, "cooperative_id": coop["id"]})
    assert same_nik.status_code == 200 and same_nik.json()["id"] == person["id"] and "*" in same_nik.json()["nik"]

    fixed = await kukar.patch(f"/api/v1/participants/{person['id']}", json={"full_name": "Siti Rahmawati",
                                                                            "phone": "+62 813 1111 2222"})
    assert fixed.status_code == 200 and fixed.json()["phone"] == "+6281311112222"
    assert (await kutim.patch(f"/api/v1/participants/{person['id']}", json={"full_name": "X Y"})).status_code == 403
    listed = (await kukar.get("/api/v1/participants", params={"q": "rahmawati"})).json()["items"]
    assert [p["id"] for p in listed] == [person["id"]]
    bad_phone = await kukar.patch(f"/api/v1/participants/{person['id']}", json={"phone": "12"})
    assert bad_phone.status_code == 422 and bad_phone.json()["error"]["fields"][0]["field"] == "phone"


async def test_admins_read_who_changed_what_and_officers_may_not(registration):
    officer = registration.client("district_officer", "64.09", subject="petugas-ppu")
    coop = (await officer.post("/api/v1/cooperatives", json=factories.cooperative("64.09"))).json()
    await officer.patch(f"/api/v1/cooperatives/{coop['id']}", json={"members_female": 99})
    assert (await officer.get("/api/v1/audit")).status_code == 403
    trail = (await registration.client("admin").get("/api/v1/audit", params={"entity_id": coop["id"]})).json()
    assert [(e["action"], e["actor"]) for e in trail["items"]] == [("updated", "petugas-ppu"),
                                                                   ("created", "petugas-ppu")]
    assert trail["items"][0]["changes"]["members_female"][1] == 99
    assert {e["actor_name"] for e in trail["items"]} == {"Uji district_officer"}  # the person's name, from the token


async def test_the_nik_lookup_keeps_the_nik_out_of_every_url(registration):
    kukar = registration.client("district_officer", "64.02")
    kutim = registration.client("district_officer", "64.08")
    coop = (await kukar.post("/api/v1/cooperatives", json=factories.cooperative("64.02"))).json()
    body = factories.participant(coop["id"])
    person = (await kukar.post("/api/v1/participants", json=body)).json()
    spaced = f"{body['nik'][:6]} {body['nik'][6:12]} {body['nik'][12:]}"
    own = (await kukar.post("/api/v1/participants/lookup", json={"nik": spaced})).json()
    assert [(p["id"], p["nik"]) for p in own["items"]] == [(person["id"], body["nik"])] and own["total"] == 1
    assert (await kutim.post("/api/v1/participants/lookup", json={"nik": "6402014507900099"})).json()["items"] == []
    short = await kutim.post("/api/v1/participants/lookup", json={"nik": "6402014507"})
    assert short.status_code == 422 and short.json()["error"]["fields"][0]["field"] == "nik"
    old = await kutim.get("/api/v1/participants", params={"nik": body["nik"]})
    assert old.status_code == 422 and "POST /api/v1/participants/lookup" in old.json()["error"]["message"]
    assert body["nik"] not in old.text and body["full_name"] not in old.text
