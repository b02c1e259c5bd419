"""The participants' evaluation through the running services: 30 enrolled through registration, 29 attend, links
made; on a 390×844 phone in a real headless Chromium three participants answer on the real page (one of them
through a dropped connection and a closed tab), 22 more post the form over HTTP; the results count 25 of 29. The
form's first load is measured with Chromium's network throttled to DevTools' "Slow 3G" (figures printed, not
asserted: timings depend on the machine)."""
import random
import re
import subprocess
import time

import httpx

from tests.e2e.training.conftest import enrol_through_registration, roster_of
from tests.e2e.training.test_score_page import fits
from tests.fixtures import factories
from tests.fixtures.browser import PHONE, screenshot
from tests.fixtures.tokens import sign_in_browser, test_token

# Chrome DevTools' "Slow 3G" preset: 400 ms x 5 latency, 500 kbit/s x 0.8 each way (bytes per second here).
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 500 * 1000 / 8 * 0.8,
           "uploadThroughput": 500 * 1000 / 8 * 0.8}
CODE = re.compile(r"/evaluasi/[A-Za-z0-9_-]{35}")


def link_paths(admin, batch_id: str) -> list[str]:
    sheet = admin.get(f"/api/v1/batches/{batch_id}/evaluation/links.pdf")
    assert sheet.status_code == 200, sheet.text
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=sheet.content, capture_output=True,
                          check=True).stdout.decode()
    return CODE.findall(text.replace("\n", ""))


def answer_on_the_page(page, rng) -> int:
    """Tap a choice for every question on the page; returns how many."""
    groups = page.eval_on_selector_all("input[type=radio][value='1']", "els => els.map(e => e.name)")
    for name in groups:
        page.locator(f"input[name='{name}'][value='{rng.randint(1, 5)}']").locator("..").tap()
    return len(groups)


def first_load(browser, url: str) -> tuple[int, float]:
    """(bytes transferred, seconds to the load event) of a cold first visit over Slow 3G."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    sizes = {}
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    started = time.monotonic()
    page.goto(url, wait_until="load")
    seconds = time.monotonic() - started
    page.wait_for_timeout(200)  # the last loadingFinished events
    context.close()
    return sum(sizes.values()), seconds


def test_twenty_five_participants_evaluate_the_batch_from_their_phones(browser, training_stack):
    admin = training_stack.client("training", "admin")
    batch = admin.post("/api/v1/batches", json=factories.batch(start_in_days=12, days=1, trainers=["pelatih-5"])).json()
    enrol_through_registration(training_stack, batch, 30, per_cooperative=5)
    trainer = training_stack.client("training", "trainer", subject="pelatih-5")
    roster = roster_of(trainer, batch["id"], 30)
    marks = [{"participant_id": e["participant_id"], "status": "alpa" if i == 29 else "hadir"}
             for i, e in enumerate(roster)]
    marked = trainer.put(f"/api/v1/batches/{batch['id']}/sessions/1/attendance",
                         json={"marks": marks, "recorded_at": f"{batch['start_date']}T09:00:00+08:00"})
    assert marked.status_code == 200, marked.text
    paths = link_paths(admin, batch["id"])
    assert len(paths) == 29  # the one who attended nothing has no link
    base = training_stack["training"].url
    rng = random.Random(25)

    context = browser.new_context(**PHONE)
    for n, path in enumerate(paths[:3]):
        page = context.new_page()
        page.goto(base + path)
        assert "Evaluasi pelatihan" in page.inner_text("h1")
        asked = answer_on_the_page(page, rng)
        assert asked == 11  # the default questionnaire; this batch's agenda names no narasumber
        if n == 0:
            fits(page, "training-evaluasi")
            # The connection drops before sending; the tab is closed; the participant comes back later.
            page.fill("#comment", "Ruangan terlalu dingin <b>sekali</b>")
            context.set_offline(True)
            page.close()
            context.set_offline(False)
            page = context.new_page()
            page.goto(base + path)
            assert "dipulihkan" in page.inner_text("#status")
            assert page.input_value("#comment") == "Ruangan terlalu dingin <b>sekali</b>"
            assert page.locator("input[type=radio]:checked").count() == 11
            screenshot(page, "training-evaluasi-restored-390")
        page.click("#kirim")
        page.wait_for_selector("#status.success")
        assert "Terima kasih" in page.inner_text("h1")
        if n == 0:
            fits(page, "training-evaluasi-terkirim")
        page.goto(base + path)
        assert "sudah diisi" in page.inner_text("main")
        page.close()
    context.close()

    public = httpx.Client(base_url=base, timeout=30, headers={"accept": "text/html"})
    for path in paths[3:25]:
        choices = {f"q_{c}": str(rng.randint(1, 5)) for c in ("P1", "P2", "S3", "M1")}
        assert public.post(path, data=choices).status_code == 200
    assert public.post(paths[0], data={"q_P1": "5"}).status_code == 409  # a link used twice

    staff = httpx.Client(base_url=base, timeout=30,
                         headers={"Authorization": f"Bearer {test_token(subject='pelatih-5', role='trainer')}"})
    results = staff.get(f"/api/v1/batches/{batch['id']}/evaluation").json()
    assert (results["invited"], results["respondents"]) == (29, 25)
    assert "Ruangan terlalu dingin <b>sekali</b>" in results["comments"]

    # The batch's trainer reads the results on a phone; the comment is text, not markup.
    context = browser.new_context(**PHONE)
    sign_in_browser(context, base, role="trainer", subject="pelatih-5", name="Siti Rahmawati")
    page = context.new_page()
    page.goto(f"{base}/konsol/angkatan/{batch['id']}/evaluasi")
    assert "25 dari 29 peserta yang hadir sudah mengisi" in page.inner_text("main")
    assert page.locator(".comment b").count() == 0 and "<b>sekali</b>" in page.inner_text(".comment")
    fits(page, "training-evaluasi-hasil")
    context.close()

    size, seconds = first_load(browser, base + paths[25])
    print(f"\nevaluation form, first load over Slow 3G: {size} bytes transferred, {seconds:.2f} s to load")
    assert size > 0
