"""The import page's preview step (issue 17 item 3), in a browser, without JavaScript: an ODS export is previewed
(what would be created, updated, refused; unknown columns as warnings; nothing saved), then imported from the
held file with one click, on a laptop and on a phone."""
import csv
import io
import uuid

import pytest
from playwright.sync_api import expect

from shared.regions import district_name
from tests.fixtures import factories
from tests.fixtures.browser import LAPTOP, PHONE, screenshot
from tests.fixtures.services import start_stack
from tests.fixtures.tokens import sign_in_browser


@pytest.fixture(scope="module")
def registration_only(kafka, postgres, tmp_path_factory):
    """Registration alone: the preview needs no batch, so neither training nor reporting is started."""
    running = start_stack(kafka_bootstrap=kafka.bootstrap, database_urls={"registration": postgres.new_database("reg")},
                          topic_prefix=f"t{uuid.uuid4().hex[:8]}.", log_dir=tmp_path_factory.mktemp("ods-page"))
    yield running
    running.stop()


def ods_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def ods_row(coop: dict, **extra) -> dict:
    return {"Nama Koperasi": coop["name"], "NIK": coop["registration_number"],
            "Kab/Kota": district_name(coop["district_code"]), "Jenis Koperasi": "Koperasi Produsen",
            "Sektor Usaha": coop["sector"], "Status Koperasi": "Aktif", "Jumlah Anggota Pria": coop["members_male"],
            "Jumlah Anggota Wanita": coop["members_female"], "Kecamatan": "Tenggarong", **extra}


@pytest.mark.parametrize("device", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_an_officer_previews_an_ods_export_then_imports_it(registration_only, browser, device):
    base = registration_only["registration"].url
    officer = registration_only.client("registration", "district_officer", "64.02")
    registered = factories.cooperative("64.02", kind="produsen")
    assert officer.post("/api/v1/cooperatives", json=registered).status_code == 201
    fresh, elsewhere = factories.cooperative("64.02"), factories.cooperative("64.72")
    content = ods_csv([ods_row({**registered, "members_female": registered["members_female"] + 5}),
                       ods_row(fresh), ods_row(elsewhere)])

    context = browser.new_context(java_script_enabled=False, **device)
    page = context.new_page()
    sign_in_browser(context, base, role="district_officer", district="64.02", name="Rina Marlina")
    page.goto(f"{base}/impor")
    page.select_option("#kind", "cooperatives")
    page.set_input_files("#file", files=[{"name": "ekspor-ods.csv", "mimeType": "text/csv", "buffer": content}])
    page.click("button:has-text('Pratinjau')")
    expect(page.locator("h2").first).to_have_text("Pratinjau: belum ada yang disimpan")
    expect(page.locator("#import-summary")).to_have_text(
        "ekspor-ods.csv: 3 baris: 1 akan dibuat, 1 akan diperbarui, 0 tidak berubah, 1 ditolak.")
    expect(page.locator("#import-warnings")).to_contain_text('Kolom "Kecamatan" tidak dikenal dan diabaikan')
    expect(page.locator("tr.rejected")).to_contain_text("64.72 di luar wilayah Anda")
    expect(page.locator("tbody").last).to_contain_text("akan diperbarui: anggota_perempuan")
    screenshot(page, f"registration-import-preview-{device['viewport']['width']}")
    assert officer.get("/api/v1/cooperatives", params={"q": fresh["registration_number"]}).json()["total"] == 0

    page.click("#confirm-import button:has-text('Impor sekarang')")
    expect(page.locator("#import-summary")).to_have_text("3 baris: 1 baru, 1 sudah terdaftar (1 diperbarui), 1 ditolak.")
    screenshot(page, f"registration-import-after-preview-{device['viewport']['width']}")
    stored = officer.get("/api/v1/cooperatives", params={"q": registered["registration_number"]}).json()["items"][0]
    assert stored["members_female"] == registered["members_female"] + 5
    assert officer.get("/api/v1/cooperatives", params={"q": fresh["registration_number"]}).json()["total"] == 1
    context.close()
