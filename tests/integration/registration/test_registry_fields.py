"""NIB, the year of the last RAT, the syariah pattern and the counts of managers and employees: through the API,
the import and its template; refusals name the field in Bahasa."""
import io

from openpyxl import load_workbook

from shared.clock import business_today
from tests.fixtures import factories
from tests.integration.registration.test_imports import as_csv, upload


def fields_of(response) -> dict:
    return {f["field"]: f["message"] for f in response.json()["error"]["fields"]}


async def test_the_new_registry_fields_are_stored_and_read_back(registration):
    officer = registration.client("district_officer", "64.02")
    body = factories.cooperative("64.02", nib="912-0001-234567", last_rat_year=business_today().year,
                                 syariah=True, managers_count=5, employees_count=12)
    made = await officer.post("/api/v1/cooperatives", json=body)
    assert made.status_code == 201, made.text
    read = (await officer.get(f"/api/v1/cooperatives/{made.json()['id']}")).json()
    assert (read["nib"], read["last_rat_year"], read["syariah"], read["managers_count"], read["employees_count"]) == (
        "9120001234567", business_today().year, True, 5, 12)
    assert read["grade"] is None  # a RAT this year says nothing of the two years before it
    changed = await officer.patch(f"/api/v1/cooperatives/{read['id']}", json={"employees_count": 14})
    assert changed.json()["employees_count"] == 14 and changed.json()["version"] == 2


async def test_without_a_grade_a_last_rat_older_than_three_years_gives_d(registration):
    officer = registration.client("district_officer", "64.02")
    old = business_today().year - 3
    made = (await officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02", last_rat_year=old))).json()
    assert made["grade"] == "D"
    event = (await registration.events(made["id"], "cooperative.registered.v1"))[0]
    assert event["data"]["grade"] == "D" and "last_rat_year" not in event["data"]  # the contract is unchanged
    given = (await officer.post("/api/v1/cooperatives", json=factories.cooperative(
        "64.02", last_rat_year=old, grade="B"))).json()
    assert given["grade"] == "B"  # a grade given by the officer stands
    later = (await officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02"))).json()
    assert later["grade"] is None
    patched = await officer.patch(f"/api/v1/cooperatives/{later['id']}", json={"last_rat_year": old - 2})
    assert patched.json()["grade"] == "D"


async def test_a_bad_nib_or_a_rat_year_in_the_future_is_refused_naming_the_field(registration):
    officer = registration.client("district_officer", "64.02")
    bad = await officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02", nib="12345"))
    assert bad.status_code == 422 and "NIB harus 13 angka" in fields_of(bad)["nib"]
    future = business_today().year + 1
    bad = await officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02", last_rat_year=future))
    assert bad.status_code == 422
    assert "tahun RAT terakhir tidak boleh di masa depan" in fields_of(bad)["last_rat_year"]
    made = (await officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02"))).json()
    bad = await officer.patch(f"/api/v1/cooperatives/{made['id']}", json={"nib": "91200012345AB"})
    assert bad.status_code == 422 and "angka" in fields_of(bad)["nib"]


async def test_the_import_and_its_template_carry_the_new_fields(registration):
    officer = registration.client("district_officer", "64.02")
    future = business_today().year + 1
    rows = [factories.cooperative_row("64.02", nib="9120001234568", tahun_rat_terakhir="2019", grade_ods="",
                                      pola_syariah="ya", jumlah_pengurus="4", jumlah_karyawan="2"),
            factories.cooperative_row("64.02", nib="91200", tahun_rat_terakhir=str(future))]
    result = (await upload(officer, "cooperatives", "koperasi.csv", as_csv(rows))).json()
    assert result["created"] == 1, result
    reasons = " | ".join(result["rejected"][0]["reasons"])
    assert "nib: NIB harus 13 angka" in reasons and "tahun_rat_terakhir: tahun RAT terakhir tidak boleh" in reasons
    stored = (await officer.get(f"/api/v1/cooperatives/{result['accepted'][0]['id']}")).json()
    assert (stored["nib"], stored["last_rat_year"], stored["grade"], stored["syariah"], stored["managers_count"],
            stored["employees_count"]) == ("9120001234568", 2019, "D", True, 4, 2)

    book = load_workbook(io.BytesIO((await officer.get("/api/v1/imports/template.xlsx")).content))
    headers = [c.value for c in book.worksheets[0][1]]
    assert headers[-5:] == ["nib", "tahun_rat_terakhir", "pola_syariah", "jumlah_pengurus", "jumlah_karyawan"]
    people = load_workbook(io.BytesIO((await officer.get("/api/v1/imports/participants/template.xlsx")).content))
    notes = " ".join(str(c.value) for row in people["petunjuk"].iter_rows() for c in row)
    assert "dewan pengawas syariah" in notes and "anggota" in notes


async def test_a_participant_can_be_a_dps_or_a_member(registration):
    officer = registration.client("district_officer", "64.02")
    coop = (await officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02", syariah=True))).json()
    for position in ("Dewan Pengawas Syariah", "anggota"):
        made = await officer.post("/api/v1/participants", json=factories.participant(coop["id"], position=position))
        assert made.status_code == 201 and made.json()["position"] == position.lower(), made.text
    bad = await officer.post("/api/v1/participants", json=factories.participant(coop["id"], position="direktur"))
    assert bad.status_code == 422 and "dewan pengawas syariah" in fields_of(bad)["position"]


async def test_the_cooperative_form_points_at_a_bad_nib_and_a_future_rat_year(registration):
    from tests.integration.registration.test_substitution_pages import browser

    officer, csrf = browser(registration, role="district_officer", district="64.02", subject="dinas-kukar")
    body = factories.cooperative("64.02", name="Koperasi Syariah Loa Kulu")
    form = {"csrf": csrf, **{k: str(v) for k, v in body.items()}, "active": "aktif", "syariah": "ya",
            "nib": "91200", "last_rat_year": str(business_today().year + 1), "managers_count": "5",
            "employees_count": "3"}
    refused = await officer.post("/koperasi/baru", data=form)
    assert refused.status_code == 422
    assert 'id="nib-error">NIB harus 13 angka' in refused.text
    assert 'id="last_rat_year-error">tahun RAT terakhir tidak boleh di masa depan' in refused.text
    assert 'value="Koperasi Syariah Loa Kulu"' in refused.text  # what was typed is kept
    saved = await officer.post("/koperasi/baru", data={**form, "nib": "9120 0012 34569", "last_rat_year": "2019"})
    assert saved.status_code == 303, saved.text
    listed = (await officer.get("/koperasi", params={"q": "Loa Kulu"})).text
    assert "NIB 9120001234569" in listed and ">syariah<" in listed and ">2019<" in listed
    stored = (await registration.client("admin").get("/api/v1/cooperatives", params={"q": "Loa Kulu"})).json()
    assert (stored["items"][0]["grade"], stored["items"][0]["managers_count"]) == ("D", 5)
