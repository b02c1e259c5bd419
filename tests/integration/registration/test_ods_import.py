"""The cooperative import reads an ODS export (issue 17 item 3): its column names through the alias table, unknown
columns as warnings, existing cooperatives updated by Nomor Induk Koperasi; the preview writes nothing and a second
import changes nothing."""
import io

from openpyxl import Workbook

from shared.regions import district_name
from tests.fixtures import factories

DISTRICTS = ["64.01", "64.02", "64.03", "64.07", "64.08", "64.09", "64.11", "64.71", "64.72", "64.74"]
UNKNOWN = ["Kecamatan", "Desa/Kelurahan", "Tanggal Badan Hukum", "Email Koperasi", "Telepon Koperasi", "Nama Ketua",
           "Nama Manajer", "Volume Usaha", "Aset", "SHU"]


def ods_row(coop: dict, n: int) -> dict:
    """A row as an ODS export writes it: its own headers, the district by name, the kind with 'Koperasi'."""
    row = {"Nama Koperasi": coop["name"], "NIK": coop["registration_number"],
           "No. Badan Hukum": f"{100 + n}/BH/KDK/16/II/2000", "Kab/Kota": district_name(coop["district_code"]),
           "Jenis Koperasi": "Koperasi " + coop["kind"].title(), "Sektor Usaha": coop["sector"],
           "Status Koperasi": "Aktif", "Grade": "B", "Jumlah Anggota Pria": coop["members_male"],
           "Jumlah Anggota Wanita": coop["members_female"], "Pola Pengelolaan": "Konvensional"}
    return row | {name: f"{name} {n}" for name in UNKNOWN}


def as_xlsx(rows: list[dict]) -> bytes:
    book = Workbook()
    book.active.append(list(rows[0]))
    for row in rows:
        book.active.append(list(row.values()))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def upload(client, content: bytes, **params):
    return await client.post("/api/v1/imports/cooperatives", params=params,
                             files={"file": ("ekspor-ods.xlsx", content)})


async def test_an_ods_export_previews_then_imports_and_a_second_import_changes_nothing(registration):
    admin = registration.client("admin")
    existing = [factories.cooperative(DISTRICTS[n % 10], grade="B") for n in range(120)]
    for coop in existing:
        assert (await admin.post("/api/v1/cooperatives", json=coop)).status_code == 201
    fresh = [factories.cooperative(DISTRICTS[n % 10], kind="jasa", sector="perdagangan") for n in range(380)]
    # The ODS knows more than the registry: every registered cooperative gained ten members and a legal number.
    changed = [{**coop, "members_female": coop["members_female"] + 10} for coop in existing]
    content = as_xlsx([ods_row(c, n) for n, c in enumerate(changed + fresh)])
    held = (await admin.get("/api/v1/cooperatives", params={"page_size": 1})).json()["total"]
    events = len(await registration.events())

    preview = await upload(admin, content, preview="true")
    assert preview.status_code == 200, preview.text[:500]
    plan = preview.json()
    assert plan["preview"] is True
    assert (plan["total_rows"], plan["created"], plan["updated"], plan["unchanged"], plan["rejected"]) == (
        500, 380, 120, 0, [])
    assert len(plan["warnings"]) == 10 and all(f'"{name}"' in " ".join(plan["warnings"]) for name in UNKNOWN)
    assert "tidak dikenal" in plan["warnings"][0]
    updates = [a for a in plan["accepted"] if a["updated"]]
    assert {tuple(a["changes"]) for a in updates} == {("nomor_badan_hukum", "anggota_perempuan")}
    assert all(a["id"] is None for a in plan["accepted"] if a["created"])
    # Nothing written: no cooperative, no version, no event.
    assert (await admin.get("/api/v1/cooperatives", params={"page_size": 1})).json()["total"] == held
    first = (await admin.get("/api/v1/cooperatives", params={"q": existing[0]["registration_number"]})).json()
    assert (first["items"][0]["version"], first["items"][0]["members_female"]) == (1, existing[0]["members_female"])
    assert len(await registration.events()) == events

    imported = (await upload(admin, content)).json()
    assert (imported["preview"], imported["created"], imported["updated"], imported["rejected"]) == (
        False, 380, 120, [])
    assert len(imported["warnings"]) == 10
    after = (await admin.get("/api/v1/cooperatives", params={"q": existing[0]["registration_number"]})).json()
    record = after["items"][0]
    assert (record["version"], record["members_female"]) == (2, existing[0]["members_female"] + 10)
    assert record["legal_entity_number"] == "100/BH/KDK/16/II/2000"
    new = (await admin.get("/api/v1/cooperatives", params={"q": fresh[0]["registration_number"]})).json()["items"][0]
    assert (new["district_code"], new["kind"], new["active"]) == (fresh[0]["district_code"], "jasa", True)
    assert len(await registration.events(type_suffix="cooperative.registered.v1")) >= 380
    published = len(await registration.events())
    assert published - events == 500  # 380 registered + 120 updated

    again = (await upload(admin, content)).json()
    assert (again["created"], again["updated"], again["unchanged"], again["existing"]) == (0, 0, 500, 500)
    assert len(await registration.events()) == published
    stays = (await admin.get("/api/v1/cooperatives", params={"q": existing[0]["registration_number"]})).json()
    assert stays["items"][0]["version"] == 2


async def test_an_officer_cannot_update_another_districts_cooperative_through_an_ods_file(registration):
    admin, officer = registration.client("admin"), registration.client("district_officer", "64.02")
    elsewhere = factories.cooperative("64.72")
    assert (await admin.post("/api/v1/cooperatives", json=elsewhere)).status_code == 201
    mine = factories.cooperative("64.02")
    rows = [ods_row({**elsewhere, "district_code": "64.02"}, 1), ods_row(mine, 2)]
    plan = (await upload(officer, as_xlsx(rows), preview="true")).json()
    assert (plan["created"], plan["updated"]) == (1, 0)
    assert plan["rejected"] == [{"row": 2, "reasons": ["nomor_induk_koperasi: sudah terdaftar di kabupaten/kota lain"]}]
