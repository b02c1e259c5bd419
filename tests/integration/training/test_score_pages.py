"""The scores page without JavaScript over training's real PostgreSQL: the roster's two columns saved in one go,
a wrong value shown beside its field with nothing saved, a sheet with a wrong row refused row by row, and the
console's batch page and batch form showing scores and the post-test minimum."""
import re

import httpx

from tests.fixtures.tokens import session_cookies
from tests.integration.training.conftest import scheduled


def pages(training, role="trainer", subject="pelatih-1"):
    made = session_cookies(role=role, subject=subject, name="Budi Santoso")
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=training.app), base_url="http://training",
                               cookies=made["cookies"], headers={"accept": "text/html"})
    client.csrf = made["csrf"]
    return client


def words(answer) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.text))


async def test_the_roster_is_scored_in_one_go_and_a_wrong_value_is_shown_beside_its_field(training):
    batch, people = await scheduled(training, participants=3, completion_min_post_test=60)
    page = pages(training)
    url = f"/pelatih/angkatan/{batch['id']}/nilai"
    shown = await page.get(url)
    assert shown.status_code == 200 and all(p["full_name"] in shown.text for p in people)
    assert "nilai post-test minimal 60" in words(shown)
    form = {"csrf": page.csrf}
    for i, p in enumerate(people):
        form |= {f"pre_{p['participant_id']}": f"{40 + i},5", f"post_{p['participant_id']}": str(70 + i),
                 f"was_pre_{p['participant_id']}": "", f"was_post_{p['participant_id']}": ""}
    wrong = {**form, f"post_{people[1]['participant_id']}": "120"}
    refused = await page.post(url, data=wrong)
    assert refused.status_code == 422
    assert re.search(r'class="field-error">\s*<label for="post_' + people[1]["participant_id"], refused.text)
    assert "harus antara 0 dan 100" in words(refused) and 'value="120"' in refused.text  # kept as typed
    assert (await training.client().get(f"/api/v1/batches/{batch['id']}/scores")).json()["version"] == 0
    saved = await page.post(url, data=form)
    assert saved.status_code == 303
    after = await page.get(saved.headers["location"])
    assert "Tersimpan: 6 nilai berubah." in words(after) and 'value="40,5"' in after.text
    sheet = (await training.client().get(f"/api/v1/batches/{batch['id']}/scores")).json()
    assert sorted(r["post_test"] for r in sheet["scores"]) == [70.0, 71.0, 72.0]
    assert "mencatat nilai 3 peserta" in words(after)  # the page's own trail

    bad = f"nama;pre_test;post_test\n{people[0]['full_name']};40;101\n".encode()
    imported = await page.post(f"{url}/impor", data={"csrf": page.csrf}, files={"file": ("nilai.csv", bad)})
    assert imported.status_code == 422 and "baris 2, post_test: harus antara 0 dan 100" in words(imported)

    console = pages(training, role="training_staff", subject="staf")
    batch_page = words(await console.get(f"/konsol/angkatan/{batch['id']}"))
    assert "Nilai pre-test dan post-test" in batch_page and "rata-rata 71,0" in batch_page
    edit = await console.get(f"/konsol/angkatan/{batch['id']}/ubah")
    assert 'name="completion_min_post_test"' in edit.text and 'value="60"' in edit.text
    assert (await pages(training, subject="pelatih-lain").get(url)).status_code == 403
