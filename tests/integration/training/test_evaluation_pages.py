"""The evaluation's pages without JavaScript over training's real PostgreSQL: the console's button makes the links
sheet, the public form asks every section and each narasumber, the results page shows a comment escaped, and the
template's items are added, edited and removed (a batch whose links exist keeps its questionnaire)."""
import re
import subprocess

from tests.integration.training.test_evaluation import HTML, evaluated_batch, links
from tests.integration.training.test_score_pages import pages, words


async def test_the_console_makes_the_sheet_and_the_results_page_shows_a_comment_escaped(training):
    batch, people, named, coded = await evaluated_batch(training, participants=3)
    console = pages(training, role="training_staff", subject="staf-1")
    section = await console.get(f"/konsol/angkatan/{batch['id']}")
    assert section.status_code == 200 and "Evaluasi oleh peserta" in section.text
    assert f'action="/konsol/angkatan/{batch["id"]}/evaluasi/tautan"' in section.text
    sheet = await console.post(f"/konsol/angkatan/{batch['id']}/evaluasi/tautan", data={"csrf": console.csrf})
    assert sheet.status_code == 200 and sheet.headers["content-type"] == "application/pdf"
    printed = subprocess.run(["pdftotext", "-", "-"], input=sheet.content, capture_output=True).stdout.decode()
    assert "TAUTAN EVALUASI PESERTA" in printed and people[0]["full_name"] in printed
    assert people[-1]["full_name"] not in printed  # attended nothing
    forged = await console.post(f"/konsol/angkatan/{batch['id']}/evaluasi/tautan", data={"csrf": "salah"})
    assert forged.status_code == 403

    url = next(u for u in (await links(training, batch)).values() if u)
    public = training.client(None)
    form = await public.get(url, headers=HTML)
    assert form.status_code == 200
    text = words(form)
    for heading in ("Penyelenggaraan", "Tempat dan konsumsi", "Materi", f"Narasumber: {named['name']}",
                    f"Narasumber: {coded['name']}", "Saran dan komentar"):
        assert heading in text
    assert len(re.findall(r'type="radio"', form.text)) == 5 * (11 + 2 * 4)
    assert "<script>" not in form.text.split("</main>")[0]  # no inline script in the page itself
    done = await public.post(url, data={"q_P1": "5", "comment": '<script>alert("x")</script>'}, headers=HTML)
    assert done.status_code == 200 and "Jawaban Anda sudah tersimpan" in done.text

    results = await console.get(f"/konsol/angkatan/{batch['id']}/evaluasi")
    assert results.status_code == 200
    assert '&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;' in results.text and '<script>alert' not in results.text
    assert "1 dari 2 peserta yang hadir sudah mengisi (50,0%)" in words(results)
    assert named["name"] in results.text and "NS-77; di laporan hanya kodenya" in results.text
    trainer = pages(training)  # the batch's trainer reads the results, without the sheet's button
    mine = await trainer.get(f"/konsol/angkatan/{batch['id']}/evaluasi")
    assert mine.status_code == 200 and "evaluasi/tautan" not in mine.text
    other = pages(training, subject="pelatih-lain")
    assert (await other.get(f"/konsol/angkatan/{batch['id']}/evaluasi")).status_code == 403


async def test_admins_edit_the_template_and_a_batch_keeps_its_snapshot(training):
    batch, _, _, _ = await evaluated_batch(training, participants=2, absent=0)
    first = next(u for u in (await links(training, batch)).values() if u)  # the snapshot is taken here
    console = pages(training, role="admin", subject="admin-1")
    shown = await console.get("/konsol/evaluasi/templat")
    assert shown.status_code == 200 and "Kesesuaian pelatihan dengan kebutuhan koperasi Anda" in shown.text

    added = await console.post("/konsol/evaluasi/templat", data={
        "csrf": console.csrf, "section": "materi", "code": "M4", "label": "Contoh kasus relevan"})
    assert added.status_code == 303
    twice = await console.post("/konsol/evaluasi/templat", data={
        "csrf": console.csrf, "section": "materi", "code": "M4", "label": "Lagi"})
    assert twice.status_code == 409 and "sudah ada di bagian ini" in twice.text
    empty = await console.post("/konsol/evaluasi/templat", data={
        "csrf": console.csrf, "section": "materi", "code": "", "label": ""})
    assert empty.status_code == 422 and "isi 1–40 huruf atau angka" in empty.text

    page = (await console.get("/konsol/evaluasi/templat")).text
    item_id = re.search(r'/konsol/evaluasi/templat/(\d+)/ubah"[^>]*>\s*<input[^>]*>\s*<div[^>]*><label for="label-\d+">P1<',
                        page).group(1)
    edited = await console.post(f"/konsol/evaluasi/templat/{item_id}/ubah",
                                data={"csrf": console.csrf, "label": "Manfaat pelatihan bagi koperasi"})
    assert edited.status_code == 303
    m4 = re.search(r'/konsol/evaluasi/templat/(\d+)/ubah"[^>]*>\s*<input[^>]*>\s*<div[^>]*><label for="label-\d+">M4<',
                   (await console.get("/konsol/evaluasi/templat")).text).group(1)
    assert (await console.post(f"/konsol/evaluasi/templat/{m4}/hapus", data={"csrf": console.csrf})).status_code == 303
    after = (await console.get("/konsol/evaluasi/templat")).text
    assert "Manfaat pelatihan bagi koperasi" in after and "Contoh kasus relevan" not in after

    kept = await training.client(None).get(first, headers=HTML)
    assert "Kesesuaian pelatihan dengan kebutuhan koperasi Anda" in kept.text  # the batch's own questionnaire
    assert (await pages(training).get("/konsol/evaluasi/templat")).status_code == 403  # a trainer may not edit


async def test_a_narasumber_code_and_consent_are_set_on_the_narasumber_form(training):
    admin = training.client()
    one = (await admin.post("/api/v1/trainers", json={"name": "Dr. Satu", "nik": "6402011507800011"})).json()
    two = (await admin.post("/api/v1/trainers", json={"name": "Dr. Dua", "nik": "6402011507800012"})).json()
    console = pages(training, role="training_staff", subject="staf-1")
    assert "diberikan otomatis" in (await console.get("/konsol/narasumber/baru")).text
    made = await console.post("/konsol/narasumber/baru", data={
        "csrf": console.csrf, "name": "Dr. Tiga", "nik": "6402011507800013", "rate_per_jp": "0", "code": "",
        "named_in_reports": "true"})
    assert made.status_code == 303
    three = next(t for t in (await admin.get("/api/v1/trainers")).json() if t["name"] == "Dr. Tiga")
    assert three["code"].startswith("NS-") and three["named_in_reports"] is True

    url = f"/konsol/narasumber/{one['id']}/ubah"
    shown = await console.get(url)
    assert f'value="{one["code"]}"' in shown.text and "bersedia disebut namanya" in shown.text
    form = {"csrf": console.csrf, "name": "Dr. Satu", "institution": "Unmul", "rate_per_jp": "900000"}
    saved = await console.post(url, data={**form, "code": "NS-A1", "named_in_reports": "true"})
    assert saved.status_code == 303
    after = (await admin.get(f"/api/v1/trainers/{one['id']}")).json()
    assert (after["code"], after["named_in_reports"], after["institution"], after["rate_per_jp"]) == (
        "NS-A1", True, "Unmul", 900000)
    assert "NS-A1" in (await console.get("/konsol/narasumber")).text
    assert "checked" in (await console.get(url)).text.split('name="named_in_reports"')[1][:40]
    unticked = await console.post(url, data={**form, "code": "NS-A1"})
    assert unticked.status_code == 303
    assert (await admin.get(f"/api/v1/trainers/{one['id']}")).json()["named_in_reports"] is False
    emptied = await console.post(url, data={**form, "code": ""})
    assert emptied.status_code == 303 and (await admin.get(f"/api/v1/trainers/{one['id']}")).json()["code"] == "NS-A1"
    taken = await console.post(url, data={**form, "code": two["code"]})
    assert taken.status_code == 409 and "sudah dipakai narasumber lain" in taken.text
    bad = await console.post(url, data={**form, "code": "NS 01 !"})
    assert bad.status_code == 422 and "isi 1–40 huruf" in bad.text and 'value="NS 01 !"' in bad.text
    # One way to set them: the separate small form is gone.
    assert (await console.post(f"/konsol/narasumber/{one['id']}/evaluasi",
                               data={"csrf": console.csrf, "code": "NS-B2"})).status_code in (404, 405)


async def test_the_console_s_batch_page_summarises_the_results(training):
    batch, people, named, coded = await evaluated_batch(training, participants=4, absent=1)
    console = pages(training, role="training_staff", subject="staf-1")
    before = words(await console.get(f"/konsol/angkatan/{batch['id']}"))
    assert "Hasil ringkas tampil di sini setelah tautan dibuat." in before
    public = training.client(None)
    for n, url in enumerate(list((await links(training, batch)).values())[:2]):
        answered = await public.post(url, data={"q_P1": str(4 + n), "q_S1": "3", f"q_N1@{coded['id']}": "5"},
                                     headers=HTML)
        assert answered.status_code == 200
    sheet = await training.client("trainer", "pelatih-1").put(f"/api/v1/batches/{batch['id']}/scores", json={
        "scores": [{"participant_id": p["participant_id"], "pre_test": 50, "post_test": 60 + 5 * i}
                   for i, p in enumerate(people[:3])]})
    assert sheet.status_code == 200, sheet.text

    shown = words(await console.get(f"/konsol/angkatan/{batch['id']}"))
    summary = shown[shown.index("Ringkasan hasil"):]
    for line in ("2 dari 3 peserta yang diundang sudah mengisi (66,7%)",
                 "Penyelenggaraan 4,50 2", "Tempat dan konsumsi 3,00 2", "Narasumber (semua) 5,00 2",
                 "Kenaikan nilai rata-rata (post − pre): 15,00 dari 3 peserta; nilai naik 3 peserta (100,0%)"):
        assert line in summary, line
