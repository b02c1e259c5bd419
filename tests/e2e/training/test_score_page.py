"""The scores page in a real headless Chromium on a 390×844 phone: the trainer types both columns for the roster,
a wrong value comes back beside its field, the sheet is saved in one go, and values typed while the connection is
down survive the tab being closed; the page fits a phone and a laptop."""
import re

from playwright.sync_api import expect

from tests.e2e.training.conftest import enrol_through_registration, roster_of
from tests.fixtures import factories
from tests.fixtures.browser import LAYOUT_PROBLEMS, PHONE, screenshot
from tests.fixtures.tokens import sign_in_browser


def fits(page, name: str) -> None:
    text = page.inner_text("body")
    assert "UTC" not in text and not re.search(r"[{\[]['\"]|\bNone\b|UUID\(", text)
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", text)  # no raw id in the text
    size = page.viewport_size
    assert page.evaluate(LAYOUT_PROBLEMS) == [], f"{name} at {size['width']} px"
    screenshot(page, f"{name}-{size['width']}")
    page.set_viewport_size({"width": 1366, "height": 768})
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot(page, f"{name}-1366")
    page.set_viewport_size(size)


def test_a_trainer_scores_the_roster_on_a_phone(browser, training_stack):
    admin = training_stack.client("training", "admin")
    batch = admin.post("/api/v1/batches", json=factories.batch(start_in_days=10, days=2, capacity=10,
                                                               trainers=["pelatih-3"],
                                                               completion_min_post_test=60)).json()
    enrol_through_registration(training_stack, batch, 5, per_cooperative=5)
    api = training_stack.client("training", "trainer", subject="pelatih-3")
    roster = roster_of(api, batch["id"], 5)
    base = training_stack["training"].url
    context = browser.new_context(**PHONE)
    sign_in_browser(context, base, role="trainer", subject="pelatih-3", name="Siti Rahmawati")
    page = context.new_page()
    page.goto(f"{base}/pelatih/angkatan/{batch['id']}")
    page.get_by_text("Nilai pre-test dan post-test").click()
    expect(page.locator(".score-row")).to_have_count(5)
    assert "post-test minimal 60" in page.inner_text(".facts")
    fits(page, "training-nilai-empty")

    ids = [e["participant_id"] for e in roster]
    for i, pid in enumerate(ids):
        page.fill(f"#pre_{pid}", f"{45 + i},5")
        page.fill(f"#post_{pid}", str(70 + i))
    page.fill(f"#post_{ids[2]}", "120")
    page.click("#save")
    page.wait_for_selector(".field-error")
    assert "harus antara 0 dan 100" in page.inner_text(f"[data-participant='{ids[2]}']")
    assert page.input_value(f"#pre_{ids[0]}") == "45,5"  # what was typed comes back, nothing saved
    assert api.get(f"/api/v1/batches/{batch['id']}/scores").json()["version"] == 0
    fits(page, "training-nilai-error")
    page.fill(f"#post_{ids[2]}", "72")
    page.click("#save")
    page.wait_for_selector("#status.success")
    assert "10 nilai berubah" in page.inner_text("#status")
    sheet = {r["participant_id"]: r for r in api.get(f"/api/v1/batches/{batch['id']}/scores").json()["scores"]}
    assert (sheet[ids[0]]["pre_test"], sheet[ids[2]]["post_test"]) == (45.5, 72.0)

    # The connection drops while the trainer corrects a score; the tab is closed before it comes back.
    context.set_offline(True)
    page.fill(f"#post_{ids[4]}", "58,5")
    page.close()
    context.set_offline(False)
    page = context.new_page()
    page.goto(f"{base}/pelatih/angkatan/{batch['id']}/nilai")
    assert page.input_value(f"#post_{ids[4]}") == "58,5"
    assert "dipulihkan" in page.inner_text("#status")
    screenshot(page, "training-nilai-restored-390")
    page.click("#save")
    page.wait_for_selector("#status.success")
    assert api.get(f"/api/v1/batches/{batch['id']}/scores").json()["scores"][4]["post_test"] is not None
    sheet = {r["participant_id"]: r for r in api.get(f"/api/v1/batches/{batch['id']}/scores").json()["scores"]}
    assert sheet[ids[4]]["post_test"] == 58.5
    assert "mengoreksi nilai post-test" in page.inner_text("main")
    fits(page, "training-nilai-saved")
    context.close()
