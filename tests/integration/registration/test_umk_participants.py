"""UMK owners over real PostgreSQL through registration's API: the category's bad inputs are 422s naming the field
in Bahasa with nothing written, a cooperatives-only batch refuses them (409, nothing written), a batch open to UMK
seats them, and the enrolment event carries the category and the business, never the NIK or the NIB."""
import itertools

from tests.fixtures import factories

_nibs = itertools.count(1)


def umk_owner(district_code: str = "64.02", **overrides) -> dict:
    body = factories.participant(None, district_code)
    body.pop("cooperative_id")
    return {**body, "category": "pelaku_umk", "business_name": "Amplang Bu Sari", "nib": f"81200{next(_nibs):08d}",
            "sector": "perdagangan", "district_code": district_code, **overrides}


def field_errors(response) -> dict:
    return {f["field"].split(".")[-1]: f["message"] for f in response.json()["error"]["fields"]}


async def test_bad_category_inputs_are_refused_naming_the_field_and_nothing_is_written(registration):
    officer = registration.client("district_officer", "64.02")
    coop = (await officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02"))).json()
    cases = [
        (umk_owner(cooperative_id=coop["id"]), "cooperative_id", "tidak tergabung dalam koperasi"),
        ({**factories.participant(coop["id"]), "cooperative_id": None}, "cooperative_id", "wajib memilih koperasinya"),
        (umk_owner(nib="12345"), "nib", "NIB harus 13 angka"),
        (umk_owner(nib="12345678901ab"), "nib", "hanya boleh berisi angka"),
        (umk_owner(business_name=""), "business_name", "nama usaha wajib diisi"),
        (umk_owner(district_code="65.01"), "district_code", "tidak dikenal di Kalimantan Timur"),
        (umk_owner(category="petani"), "category", "kategori peserta tidak dikenal"),
        ({**factories.participant(coop["id"]), "business_name": "Toko Kue"}, "business_name", "hanya untuk pelaku UMK"),
    ]
    for body, field, words in cases:
        refused = await officer.post("/api/v1/participants", json=body)
        assert refused.status_code == 422, (field, refused.text)
        assert words in field_errors(refused).get(field, ""), (field, refused.json())
        lookup = await officer.post("/api/v1/participants/lookup", json={"nik": body["nik"]})
        assert lookup.json()["total"] == 0  # nothing written
    # Another district's UMK owner is not this officer's to register.
    assert (await officer.post("/api/v1/participants", json=umk_owner("64.08"))).status_code == 403


async def test_a_umk_owner_is_refused_by_a_cooperatives_only_batch_and_seated_where_umk_may_come(registration):
    officer = registration.client("district_officer", "64.02")
    body = umk_owner()
    made = await officer.post("/api/v1/participants", json=body)
    assert made.status_code == 201, made.text
    owner = made.json()
    assert (owner["category"], owner["cooperative_id"], owner["business_name"], owner["nib"], owner["position"]) == (
        "pelaku_umk", None, "Amplang Bu Sari", body["nib"], "pemilik usaha")
    listed = (await officer.get("/api/v1/participants", params={"q": body["full_name"]})).json()["items"]
    assert [(p["category"], p["sector"]) for p in listed] == [("pelaku_umk", "perdagangan")]
    owners = (await officer.get("/api/v1/participants", params={"category": "pelaku_umk"})).json()["items"]
    assert owner["id"] in {p["id"] for p in owners} and {p["category"] for p in owners} == {"pelaku_umk"}
    assert (await officer.get("/api/v1/participants", params={"category": "petani"})).status_code == 422

    closed_to_umk = await registration.schedule_batch()  # older events: cooperatives only
    open_to_umk = await registration.schedule_batch(eligibility="koperasi_dan_umk")
    assert (await officer.get(f"/api/v1/batches/{open_to_umk['id']}")).json()["eligibility"] == "koperasi_dan_umk"

    refused = await officer.post("/api/v1/enrollments", json={"batch_id": closed_to_umk["id"],
                                                               "participant_id": owner["id"]})
    assert refused.status_code == 409
    assert "hanya untuk peserta dari koperasi" in field_errors(refused)["participant_id"]
    assert (await officer.get("/api/v1/enrollments", params={"batch_id": closed_to_umk["id"]})).json() == []

    seated = await officer.post("/api/v1/enrollments", json={"batch_id": open_to_umk["id"],
                                                              "participant_id": owner["id"]})
    assert seated.status_code == 201 and seated.json()["status"] == "enrolled", seated.text
    [event] = await registration.events(seated.json()["id"], "participant.enrolled.v1")
    data = event["data"]
    assert (data["category"], data["cooperative_name"], data["sector"], data["district_code"]) == (
        "pelaku_umk", "Amplang Bu Sari", "perdagangan", "64.02")
    assert body["nik"] not in str(event) and body["nib"] not in str(event)


async def test_a_correction_keeps_the_category_rule(registration):
    officer = registration.client("district_officer", "64.02")
    coop = (await officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02"))).json()
    owner = (await officer.post("/api/v1/participants", json=umk_owner())).json()
    joined = await officer.patch(f"/api/v1/participants/{owner['id']}", json={"cooperative_id": coop["id"]})
    assert joined.status_code == 422 and "cooperative_id" in field_errors(joined)
    still = await officer.patch(f"/api/v1/participants/{owner['id']}", json={"position": "ketua"})
    assert (still.status_code, still.json()["position"], still.json()["version"]) == (200, "pemilik usaha", 1)
    moved = await officer.patch(f"/api/v1/participants/{owner['id']}",
                                json={"category": "anggota_koperasi", "cooperative_id": coop["id"],
                                      "position": "anggota"})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["category"], moved.json()["cooperative_id"], moved.json()["nib"]) == (
        "anggota_koperasi", coop["id"], None)
    manager = (await officer.post("/api/v1/participants", json=factories.participant(coop["id"]))).json()
    assert manager["category"] == "pengurus_koperasi"
    dropped = await officer.patch(f"/api/v1/participants/{manager['id']}", json={"cooperative_id": None})
    assert dropped.status_code == 422 and "cooperative_id" in field_errors(dropped)


async def test_the_participant_import_takes_umk_owners_and_explains_mixed_rows(registration):
    from tests.integration.registration.test_imports import as_csv, upload

    officer = registration.client("district_officer", "64.02")
    coop = (await officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02"))).json()
    template = await officer.get("/api/v1/imports/participants/template.xlsx")
    assert template.status_code == 200

    def row(**overrides) -> dict:
        base = factories.participant_row("", "64.02")
        return {**base, "kategori": "", "nama_usaha": "", "nib_usaha": "", "sektor_usaha": "",
                "kode_kabupaten_usaha": "", **overrides}

    owner = row(kategori="pelaku_umk", jabatan="", nama_usaha="Batik Tulis Ibu Ani", nib_usaha="9120009876543",
                sektor_usaha="kerajinan", kode_kabupaten_usaha="64.02")
    rows = [owner,
            row(nomor_induk_koperasi=coop["registration_number"]),  # a manager, as before
            row(kategori="pelaku_umk", nama_usaha="Toko X", nib_usaha="123", sektor_usaha="perdagangan",
                kode_kabupaten_usaha="64.02"),
            row(kategori="pelaku_umk", nama_usaha="Toko Y", nib_usaha="9120009876500", sektor_usaha="perdagangan",
                kode_kabupaten_usaha="64.02", nomor_induk_koperasi=coop["registration_number"]),
            row(kategori="pelaku_umk", nama_usaha="Toko Z", nib_usaha="9120009876511", sektor_usaha="perdagangan",
                kode_kabupaten_usaha="64.08")]
    response = await upload(officer, "participants", "peserta.csv", as_csv(rows))
    assert response.status_code == 200, response.text
    result = response.json()
    assert [a["row"] for a in result["accepted"]] == [2, 3]
    reasons = {r["row"]: " | ".join(r["reasons"]) for r in result["rejected"]}
    assert "nib_usaha: NIB harus 13 angka" in reasons[4]
    assert "nomor_induk_koperasi: pelaku UMK tidak tergabung dalam koperasi" in reasons[5]
    assert "kode_kabupaten_usaha: di luar wilayah Anda" in reasons[6]
    stored = (await officer.post("/api/v1/participants/lookup", json={"nik": owner["nik"]})).json()["items"][0]
    assert (stored["category"], stored["business_name"], stored["nib"], stored["sector"], stored["cooperative_id"]) == (
        "pelaku_umk", "Batik Tulis Ibu Ani", "9120009876543", "kerajinan/industri", None)
    again = (await upload(officer, "participants", "peserta.csv", as_csv(rows))).json()
    assert (again["created"], again["existing"]) == (0, 2)  # idempotent


async def test_the_picker_offers_a_umk_owner_only_where_umk_may_come(registration):
    from tests.integration.registration.test_substitution_pages import browser

    admin = registration.client("admin")
    owner = (await admin.post("/api/v1/participants", json=umk_owner("64.09",
                                                                     business_name="Madu Hutan Pak Usman"))).json()
    open_to_umk = await registration.schedule_batch(eligibility="koperasi_dan_umk")
    closed_to_umk = await registration.schedule_batch()
    officer, csrf = browser(registration, role="district_officer", district="64.09", subject="dinas-ppu")

    def picker(page) -> str:
        return page.text.split('id="picker"')[1].split("</table>")[0] if 'id="picker"' in page.text else ""

    found = await officer.post(f"/angkatan/{open_to_umk['id']}/cari", data={"csrf": csrf, "cari": "madu hutan"})
    assert "Terbuka untuk pengurus/anggota koperasi dan pelaku UMK" in found.text
    assert owner["full_name"] in picker(found) and "pelaku UMK" in picker(found)
    none = await officer.post(f"/angkatan/{closed_to_umk['id']}/cari", data={"csrf": csrf, "cari": "madu hutan"})
    assert "pelaku UMK tidak dapat dicalonkan" in none.text
    assert owner["full_name"] not in picker(none)
    listed = await officer.get("/angkatan")
    row = next(r for r in listed.text.split("<tr>") if open_to_umk["code"] in r)
    assert "terbuka untuk UMK" in row
