"""The batch page's "Ganti peserta" form, in-process over real PostgreSQL: training staff open the batch page (and
only it) and replace a no-show on day one; refusals appear under the form in Bahasa; officers see the form only
before the batch starts."""
import re

import httpx

from tests.fixtures.tokens import session_cookies
from tests.integration.registration.test_substitution import batch_started, people


def browser(registration, **who) -> tuple[httpx.AsyncClient, str]:
    made = session_cookies(**who)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=registration.app), base_url="http://registration",
                               cookies=made["cookies"], timeout=120)
    return client, made["csrf"]


async def test_training_staff_replace_a_no_show_on_the_batch_page(registration):
    admin = registration.client("admin")
    no_show, present = (await people(admin, "64.02", 1))[0], (await people(admin, "64.08", 1))[0]
    substitute, far = (await people(admin, "64.02", 1))[0], (await people(admin, "64.08", 1))[0]
    batch = await batch_started(registration, admin, [no_show, present], capacity=2)
    replaced = (await admin.get("/api/v1/enrollments", params={"participant_id": no_show["id"]})).json()[0]["id"]
    staff, csrf = browser(registration, role="training_staff", subject="staf-uptd", name="Rina Staf")

    page = await staff.get(f"/angkatan/{batch['id']}")
    assert page.status_code == 200, page.text
    assert page.text.count(">Ganti peserta</a>") == 2 and "Calonkan" not in page.text and "<select" not in page.text
    assert "23.59 WITA" in page.text
    opened = await staff.get(f"/angkatan/{batch['id']}", params={"ganti": replaced})
    assert opened.text.count(">Ganti peserta</a>") == 1  # the other row keeps its link
    form = opened.text.split(f'/ganti/{replaced}"')[1].split("</form>")[0]
    assert substitute["full_name"] in form and far["full_name"] not in form  # the same district's managers only
    assert (await staff.get("/koperasi")).status_code == 403  # the registry stays the districts'

    wrong = await staff.post(f"/angkatan/{batch['id']}/ganti/{replaced}",
                             data={"csrf": csrf, "participant_id": far["id"], "reason": "tidak hadir"})
    assert wrong.status_code == 409 and "kabupaten/kota yang sama" in wrong.text
    assert re.search(r'<div class="field-error">\s*<label for="pengganti-', wrong.text)
    empty = await staff.post(f"/angkatan/{batch['id']}/ganti/{replaced}",
                             data={"csrf": csrf, "participant_id": substitute["id"], "reason": ""})
    assert empty.status_code == 422 and 'class="error"' in empty.text
    stale = await staff.post(f"/angkatan/{batch['id']}/ganti/{replaced}",
                             data={"csrf": "lama", "participant_id": substitute["id"], "reason": "tidak hadir"})
    assert stale.status_code == 403

    done = await staff.post(f"/angkatan/{batch['id']}/ganti/{replaced}",
                            data={"csrf": csrf, "participant_id": substitute["id"], "reason": "tidak hadir"})
    assert done.status_code == 303, done.text
    after = await staff.get(done.headers["location"])
    assert "Peserta diganti" in after.text and substitute["full_name"] in after.text
    rows = {r["participant_id"]: r["status"] for r in
            (await admin.get("/api/v1/enrollments", params={"batch_id": batch["id"]})).json()}
    assert (rows[no_show["id"]], rows[substitute["id"]]) == ("cancelled", "enrolled")


async def test_an_officer_sees_the_form_before_the_start_only(registration):
    admin = registration.client("admin")
    nominee, _spare = await people(admin, "64.02", 2)
    ahead = await registration.schedule_batch(capacity=2, eligible_districts=["64.02"])
    await admin.post("/api/v1/enrollments", json={"batch_id": ahead["id"], "participant_id": nominee["id"]})
    started = await batch_started(registration, admin, [(await people(admin, "64.02", 1))[0]], capacity=2)
    officer, _ = browser(registration, role="district_officer", district="64.02")
    assert "Ganti peserta" in (await officer.get(f"/angkatan/{ahead['id']}")).text
    page = await officer.get(f"/angkatan/{started['id']}")
    assert page.status_code == 200 and "Ganti peserta" not in page.text
    assert "Daftarkan peserta langsung" not in (await officer.get(f"/angkatan/{ahead['id']}")).text  # "Calonkan"


async def test_training_staff_seat_a_walk_in_on_a_free_seat_on_day_one(registration):
    admin = registration.client("admin")
    first, walk_in = await people(admin, "64.08", 2)
    outsider = (await people(admin, "64.09", 1))[0]
    batch = await batch_started(registration, admin, [first], capacity=2)
    staff, csrf = browser(registration, role="training_staff")
    page = await staff.get(f"/angkatan/{batch['id']}")
    assert "Daftarkan peserta langsung" in page.text and "peserta-langsung" not in page.text
    opened = await staff.get(f"/angkatan/{batch['id']}", params={"langsung": 1})
    form = opened.text.split('action="/angkatan/' + batch["id"] + '/langsung"')[1].split("</form>")[0]
    assert walk_in["full_name"] in form and first["full_name"] not in form and outsider["full_name"] not in form
    refused = await staff.post(f"/angkatan/{batch['id']}/langsung",
                               data={"csrf": csrf, "participant_id": outsider["id"], "reason": "datang"})
    assert refused.status_code == 409 and "tidak termasuk" in refused.text
    done = await staff.post(f"/angkatan/{batch['id']}/langsung",
                            data={"csrf": csrf, "participant_id": walk_in["id"], "reason": "datang"})
    assert done.status_code == 303, done.text
    after = await staff.get(done.headers["location"])
    assert "Peserta langsung terdaftar" in after.text and "Daftarkan peserta langsung" not in after.text  # full
    assert (await admin.get(f"/api/v1/batches/{batch['id']}")).json()["seats_taken"] == 2
