"""The participant form in a real Chromium: choosing "Pelaku UMK" hides the cooperative and shows the business
fields, a bad NIB is pointed out beside its field in Bahasa, and the saved owner is listed with the business."""
from playwright.sync_api import expect

from tests.fixtures import factories
from tests.fixtures.browser import LAYOUT_PROBLEMS, screenshot
from tests.fixtures.tokens import sign_in_browser


def test_the_category_switch_shows_the_business_fields_and_the_owner_is_listed(reg_stack, page):
    base = reg_stack["registration"].url
    sign_in_browser(page.context, base, role="district_officer", district="64.02", name="Rina Marlina")
    page.goto(f"{base}/peserta/baru")
    expect(page.locator("#cooperative_id")).to_be_visible()
    expect(page.locator("#business_name")).to_be_hidden()

    page.check("#category-pelaku_umk")
    expect(page.locator("#cooperative_id")).to_be_hidden()
    expect(page.locator("#position")).to_be_hidden()
    expect(page.locator("#business_name")).to_be_visible()
    page.fill("#nik", factories.nik("64.02"))
    page.fill("#full_name", "Darto Wiyono")
    page.fill("#business_name", "Kerupuk Ikan Pak Darto")
    page.fill("#nib", "91200012345")
    page.select_option("#sector", "perikanan")
    page.select_option("#district_code", "64.02")
    page.click("button:has-text('Simpan')")
    expect(page.locator("#nib-error")).to_contain_text("NIB harus 13 angka")
    expect(page.locator("#business_name")).to_be_visible()  # the category chosen is kept with the error
    screenshot(page, "registration-umk-form-error")
    page.set_viewport_size({"width": 390, "height": 844})  # the same form, error and business fields on a phone
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    screenshot(page, "registration-umk-form-phone")
    page.set_viewport_size({"width": 1366, "height": 768})

    page.fill("#nib", "9120001234567")
    page.click("button:has-text('Simpan')")
    row = page.locator("tr", has_text="Darto Wiyono")
    expect(row).to_contain_text("Pelaku UMK")
    expect(row).to_contain_text("Kerupuk Ikan Pak Darto")
    screenshot(page, "registration-umk-listed")

    row.locator("text=Ubah").click()
    expect(page.locator("#category-pelaku_umk")).to_be_checked()
    expect(page.locator("#business_name")).to_have_value("Kerupuk Ikan Pak Darto")
    expect(page.locator("#cooperative_id")).to_be_hidden()
