"""Bulk import from CSV and XLSX: mixed good and bad rows, idempotent re-import, templates, limits."""
import csv
import io
import time

from openpyxl import Workbook, load_workbook

from tests.fixtures import factories

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def as_csv(rows: list[dict], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def as_xlsx(rows: list[dict]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def upload(client, kind: str, name: str, content: bytes, **form):
    return await client.post(f"/api/v1/imports/{kind}", files={"file": (name, content)}, data=form)


async def test_a_csv_with_good_and_bad_rows_stores_the_good_and_explains_the_bad(registration):
    officer = registration.client("district_officer", "64.02")
    good = [factories.cooperative_row("64.02"), factories.cooperative_row("64.02", kode_kabupaten="")]
    rows = [good[0],
            factories.cooperative_row("64.02", nomor_induk_koperasi="12AB", sektor_usaha="tambang"),
            good[1],
            factories.cooperative_row("64.08"),
            factories.cooperative_row("64.02", nomor_induk_koperasi=good[0]["nomor_induk_koperasi"]),
            factories.cooperative_row("64.02", nama_koperasi="", anggota_perempuan="-3")]
    response = await upload(officer, "cooperatives", "koperasi.csv", as_csv(rows, delimiter=";"))
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["total_rows"], result["created"], result["existing"]) == (6, 2, 0)
    assert [a["row"] for a in result["accepted"]] == [2, 4]
    reasons = {r["row"]: " | ".join(r["reasons"]) for r in result["rejected"]}
    assert set(reasons) == {3, 5, 6, 7}
    assert "nomor_induk_koperasi: Nomor Induk Koperasi hanya boleh berisi angka" in reasons[3]
    assert "sektor_usaha: sektor usaha tidak dikenal" in reasons[3]
    assert "di luar wilayah Anda" in reasons[5]
    assert "sama dengan baris 2" in reasons[6]
    assert "nama_koperasi: wajib diisi" in reasons[7] and "anggota_perempuan: terlalu kecil" in reasons[7]
    stored = (await officer.get("/api/v1/cooperatives", params={"q": good[1]["nomor_induk_koperasi"]})).json()
    assert stored["items"][0]["district_code"] == "64.02"  # an empty district means the officer's own

    outbox_before = len(await registration.events(type_suffix="cooperative.registered.v1"))
    again = (await upload(officer, "cooperatives", "koperasi.csv", as_csv(rows, delimiter=";"))).json()
    assert (again["created"], again["existing"]) == (0, 2)
    assert [a["id"] for a in again["accepted"]] == [a["id"] for a in result["accepted"]]
    assert len(await registration.events(type_suffix="cooperative.registered.v1")) == outbox_before


async def test_participants_from_xlsx_are_registered_and_enrolled_into_a_batch(registration):
    officer = registration.client("district_officer", "64.02")
    coop = (await officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02"))).json()
    number = coop["registration_number"]
    batch = await registration.schedule_batch(capacity=2)
    good = [factories.participant_row(number) for _ in range(3)]
    rows = [good[0], factories.participant_row(number, nik="6402018107900001"), good[1],
            factories.participant_row("999999999"), good[2], factories.participant_row(number, telepon="12")]
    sheet = as_xlsx(rows)
    response = await upload(officer, "participants", "peserta.xlsx", sheet, batch_id=batch["id"])
    assert response.status_code == 200, response.text
    result = response.json()
    assert [(a["row"], a["created"], a["enrollment_status"], a["waitlist_position"]) for a in result["accepted"]] == [
        (2, True, "enrolled", None), (4, True, "enrolled", None), (6, True, "waitlisted", 1)]
    assert all("*" in a["key"] for a in result["accepted"])  # the answer never echoes a NIK in full
    reasons = {r["row"]: " | ".join(r["reasons"]) for r in result["rejected"]}
    assert "nik: NIK: tanggal lahir tidak sah" in reasons[3]
    assert "koperasi belum terdaftar" in reasons[5]
    assert "telepon: nomor telepon tidak sah" in reasons[7]

    enrolled_events = len(await registration.events(type_suffix="participant.enrolled.v1"))
    again = (await upload(officer, "participants", "peserta.xlsx", sheet, batch_id=batch["id"])).json()
    assert [(a["created"], a["enrollment_status"]) for a in again["accepted"]] == [
        (False, "enrolled"), (False, "enrolled"), (False, "waitlisted")]
    assert len(await registration.events(type_suffix="participant.enrolled.v1")) == enrolled_events
    seats = (await officer.get(f"/api/v1/batches/{batch['id']}")).json()
    assert (seats["seats_taken"], seats["waitlisted"]) == (2, 1)


async def test_templates_carry_the_columns_and_an_unreadable_or_oversized_file_is_refused(registration):
    officer = registration.client("district_officer", "64.02")
    template = await officer.get("/api/v1/imports/template.xlsx")
    assert template.status_code == 200 and template.headers["content-type"] == XLSX
    sheet = load_workbook(io.BytesIO(template.content)).worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["nama_koperasi", "nomor_induk_koperasi", "nomor_badan_hukum"]
    people = load_workbook(io.BytesIO((await officer.get("/api/v1/imports/participants/template.xlsx")).content))
    assert people.worksheets[0]["A1"].value == "nik"

    junk = await upload(officer, "cooperatives", "koperasi.xlsx", b"PK\x03\x04 not really a workbook")
    assert junk.status_code == 422 and "tidak dapat dibaca" in junk.json()["error"]["message"]
    wrong_type = await upload(officer, "cooperatives", "koperasi.pdf", b"%PDF")
    assert wrong_type.status_code == 422 and wrong_type.json()["error"]["fields"][0]["field"] == "file"
    limit = registration.app.state.settings.import_max_bytes
    huge = await upload(officer, "cooperatives", "koperasi.csv", b"nama_koperasi\n" + b"x" * limit)
    assert huge.status_code == 413 and "batas" in huge.json()["error"]["message"]


async def test_the_whole_provincial_registry_imports_in_one_request(registration):
    admin = registration.client("admin")
    districts = ["64.01", "64.02", "64.03", "64.07", "64.08", "64.09", "64.11", "64.71", "64.72", "64.74"]
    rows = [factories.cooperative_row(districts[n % 10]) for n in range(5000)]
    content = as_csv(rows)
    started = time.perf_counter()
    response = await upload(admin, "cooperatives", "registri-kaltim.csv", content)
    took = time.perf_counter() - started
    assert response.status_code == 200, response.text
    assert (response.json()["created"], response.json()["rejected"]) == (5000, [])
    assert len(await registration.events(type_suffix="cooperative.registered.v1")) >= 5000
    print(f"imported 5,000 cooperatives ({len(content) // 1024} KiB CSV) in {took:.2f}s on PostgreSQL")


async def test_a_sheet_over_the_row_limit_is_refused_whole_and_stores_nothing(registration):
    """REGISTRATION_IMPORT_MAX_ROWS (default 10,000): one row more is refused with what to do, in CSV and XLSX."""
    admin = registration.client("admin")
    rows = [factories.cooperative_row("64.02") for _ in range(10_001)]
    held = (await admin.get("/api/v1/cooperatives")).json()["total"]
    published = len(await registration.events(type_suffix="cooperative.registered.v1"))
    for name, content in (("besar.csv", as_csv(rows)), ("besar.xlsx", as_xlsx(rows))):
        refused = await upload(admin, "cooperatives", name, content)
        assert 400 <= refused.status_code < 500, (name, refused.status_code, refused.text[:300])
        assert "lebih dari 10.000 baris" in refused.json()["error"]["message"], refused.text[:300]
    assert (await admin.get("/api/v1/cooperatives")).json()["total"] == held
    assert len(await registration.events(type_suffix="cooperative.registered.v1")) == published


async def test_a_csv_with_bytes_no_encoding_reads_is_a_422_in_bahasa(registration):
    officer = registration.client("district_officer", "64.02")
    rows = as_csv([factories.cooperative_row("64.02")])
    broken = rows.replace(b"Koperasi", b"Koperasi \x81\x8d\x90 ", 1)  # in neither UTF-8 nor Windows-1252
    answer = await upload(officer, "cooperatives", "koperasi.csv", broken)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["fields"][0]["field"] == "file" and "bukan teks UTF-8 atau Windows-1252" in error["message"]
    people = await upload(officer, "participants", "pengurus.csv", b"nik,nama_lengkap\n\x8f\x9d,Budi\n")
    assert people.status_code == 422 and "CSV tidak dapat dibaca" in people.json()["error"]["message"]


async def test_a_rejected_row_that_looks_like_a_formula_comes_back_as_text(registration):
    import csv as csvlib

    from services.registration.adapters.spreadsheet import error_report
    from services.registration.service_layer.import_formats import COOPERATIVE_COLUMNS
    from services.registration.adapters.spreadsheet import Row

    rows = [Row(2, {"name": '=HYPERLINK("http://contoh.invalid","klik")', "address": "-12", "sector": "tambang"})]
    report = list(csvlib.reader(error_report(COOPERATIVE_COLUMNS, [(rows[0], ["sektor_usaha: tidak dikenal"])])
                                .decode("utf-8-sig").splitlines(), delimiter=";"))
    named = dict(zip(report[0], report[1]))
    assert named["nama_koperasi"] == "'=HYPERLINK(\"http://contoh.invalid\",\"klik\")" and named["alamat"] == "'-12"
    assert named["sektor_usaha"] == "tambang"  # plain values stay as sent
