"""The participants' evaluation over training's real PostgreSQL: the seed-like batch of 30 with two narasumber,
links for the 29 who attended (none for the one who attended nothing), 25 answers through the public form, results
equal to a hand computation; a second use, a tampered code and a comment too long refused; EvaluationSummarised in
the outbox without names or comments, a narasumber named only with consent."""
import io
import json
import random
import re
import subprocess
from datetime import timedelta

from openpyxl import load_workbook

from services.training.domain.evaluation import code_hash
from shared.clock import business_today
from tests.integration.training.conftest import PUBLIC_URL, day_at, scheduled

HTML = {"accept": "text/html"}
SUMMARISED = "sipelkop.training.evaluation.summarised.v1"
GENERAL = ["P1", "P2", "P3", "P4", "S1", "S2", "S3", "S4", "M1", "M2", "M3"]
ABOUT_EACH = ["N1", "N2", "N3", "N4"]


async def narasumber(training, name: str, n: int, **extra) -> dict:
    made = await training.client().post("/api/v1/trainers", json={
        "name": name, "institution": "Universitas Mulawarman", "nik": f"64020115078{n:05d}", **extra})
    assert made.status_code == 201, made.text
    return made.json()


async def evaluated_batch(training, participants: int = 30, absent: int = 1):
    """Two days, one session a day, each with its narasumber; everyone present at a session except the last
    `absent`, who attended nothing (alpa in both)."""
    named = await narasumber(training, "Dr. Siti Rahmawati, M.M.", 1, named_in_reports=True)
    coded = await narasumber(training, "Ir. Bambang Wijaya", 2, code="NS-77")
    start = business_today()  # the province's day (WITA), as the batch's pages use
    sessions = [{"date": (start + timedelta(days=d)).isoformat(), "start_time": "08:00", "end_time": "12:00",
                 "topic": topic, "trainer_id": who["id"]}
                for d, topic, who in ((0, "Tata kelola koperasi", named), (1, "Literasi digital", coded))]
    batch, people = await scheduled(training, participants=participants, days=2, sessions=sessions)
    trainer = training.client("trainer", "pelatih-1")
    for no in (1, 2):
        marks = [{"participant_id": p["participant_id"],
                  "status": "alpa" if i >= participants - absent else ("hadir" if (i + no) % 5 else "izin")}
                 for i, p in enumerate(people)]
        answer = await trainer.put(f"/api/v1/batches/{batch['id']}/sessions/{no}/attendance",
                                   json={"marks": marks, "recorded_at": day_at(batch, no)})
        assert answer.status_code == 200, answer.text
    return batch, people, named, coded


async def links(training, batch) -> dict[str, str]:
    """Name -> personal link, read back from the links sheet as printed."""
    sheet = await training.client().get(f"/api/v1/batches/{batch['id']}/evaluation/links.pdf")
    assert sheet.status_code == 200 and sheet.headers["content-type"] == "application/pdf", sheet.text[:300]
    # In the order drawn, card by card: the name, then its link (wrapped over two lines).
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=sheet.content, capture_output=True,
                          check=True).stdout.decode()
    found, parts = {}, re.split(r"(Peserta Nomor \d{3,})", text)
    for name, card in zip(parts[1::2], parts[2::2]):
        url = re.search(re.escape(PUBLIC_URL) + r"/evaluasi/[A-Za-z0-9_-]{35}", card.replace("\n", ""))
        found[name] = url.group(0).removeprefix(PUBLIC_URL) if url else None  # None: "Sudah mengisi"
    return found


def answers_for(seed: int, narasumber_ids: list[str]) -> dict[str, str]:
    """One participant's choices: most items answered, some left blank."""
    rng = random.Random(seed)
    keys = GENERAL + [f"{c}@{n}" for n in narasumber_ids for c in ABOUT_EACH]
    return {k: str(rng.randint(1, 5)) for k in keys if rng.random() > 0.1}


def by_hand(answered: list[dict[str, str]], question: str) -> tuple[float | None, int]:
    values = [int(a[question]) for a in answered if question in a]
    return (round(sum(values) / len(values) + 1e-9, 2) if values else None), len(values)


async def test_thirty_participants_twenty_five_answers_and_the_results_by_hand(training):
    batch, people, named, coded = await evaluated_batch(training)
    assert coded["code"] == "NS-77" and named["code"].startswith("NS-") and named["named_in_reports"] is True
    sheet = await links(training, batch)
    absent = people[-1]["full_name"]
    assert len(sheet) == 29 and absent not in sheet  # attended nothing: no link

    public = training.client(None)
    ids = [named["id"], coded["id"]]
    answered, names = [], list(sheet)
    for i, name in enumerate(names[:25]):
        choices = answers_for(i, ids)
        comment = "<script>alert('x')</script> Konsumsi terlambat" if i == 4 else (f"Saran ke-{i}" if i % 3 == 0 else "")
        posted = await public.post(sheet[name], data={**{f"q_{k}": v for k, v in choices.items()}, "comment": comment},
                                   headers=HTML)
        assert posted.status_code == 200 and "Terima kasih" in posted.text, posted.text[:500]
        answered.append(choices)

    result = (await training.client().get(f"/api/v1/batches/{batch['id']}/evaluation")).json()
    assert (result["invited"], result["respondents"], result["response_rate"]) == (29, 25, round(25 / 29, 4))
    items = {(s["section"], i["code"]): (i["mean"], i["answers"]) for s in result["sections"] for i in s["items"]}
    assert items[("penyelenggaraan", "P1")] == by_hand(answered, "P1")
    assert all(items[(s, c)] == by_hand(answered, c) for (s, c) in items)
    people_results = {n["code"]: n for n in result["narasumber"]}
    for person in (named, coded):
        mine = people_results[person["code"]]
        values = [int(a[f"{c}@{person['id']}"]) for a in answered for c in ABOUT_EACH if f"{c}@{person['id']}" in a]
        assert (mine["mean"], mine["answers"]) == (round(sum(values) / len(values) + 1e-9, 2), len(values))
        assert [(i["code"], (i["mean"], i["answers"])) for i in mine["items"]] == [
            (c, by_hand(answered, f"{c}@{person['id']}")) for c in ABOUT_EACH]
    assert "<script>alert('x')</script> Konsumsi terlambat" in result["comments"] and len(result["comments"]) == 10
    assert result["scores"]["roster_size"] == 30  # the learning results beside the evaluation

    # Reporting learns the same figures, without a name or a comment; the narasumber who did not agree: code only.
    events = await training.outbox(SUMMARISED)
    assert len(events) == 25 and events[-1]["aggregate_version"] == 25 and events[-1]["subject"] == batch["id"]
    wire = json.dumps(events)
    assert not [p["full_name"] for p in people if p["full_name"] in wire]
    assert "Konsumsi terlambat" not in wire and "Saran ke-" not in wire and coded["name"] not in wire
    last = events[-1]["data"]
    assert (last["respondents"], last["invited"]) == (25, 29)
    wired = {n["code"]: n for n in last["narasumber"]}
    assert wired[named["code"]]["display_name"] == named["name"] and wired["NS-77"]["display_name"] is None
    assert wired["NS-77"]["mean"] == people_results["NS-77"]["mean"]
    assert {i["item"]: i["mean"] for i in last["items"]} == {c: items[(s, c)][0] for (s, c) in items}

    # The workbook says the same, and the comment stays text.
    book = load_workbook(io.BytesIO((await training.client().get(
        f"/api/v1/batches/{batch['id']}/evaluation.xlsx")).content))
    assert [r[1] for r in book["Komentar"].iter_rows(min_row=2, values_only=True)] == result["comments"]
    assert book["Ringkasan"]["B3"].value == 25


async def test_a_link_works_once_a_tampered_code_is_not_found_and_a_long_comment_is_refused(training):
    batch, people, named, _ = await evaluated_batch(training, participants=4)
    sheet = await links(training, batch)
    url = next(iter(sheet.values()))
    public = training.client(None)
    one = {"q_P1": "4", f"q_N1@{named['id']}": "5"}

    too_long = await public.post(url, data={**one, "comment": "a" * 2001})
    assert too_long.status_code == 422
    error = too_long.json()["error"]
    assert error["fields"] == [{"field": "comment", "message": "paling banyak 2.000 karakter (terisi 2.001)"}]
    page = await public.post(url, data={**one, "comment": "a" * 2001}, headers=HTML)
    assert page.status_code == 422 and "paling banyak 2.000 karakter" in page.text and 'value="4" checked' in page.text
    bad = await public.post(url, data={"q_P1": "7"})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0] == {"field": "P1",
                                                                            "message": "pilih nilai 1 sampai 5"}
    assert await training.outbox(SUMMARISED) == []  # nothing written

    assert (await public.post(url, data=one)).status_code == 200
    again = await public.post(url, data=one)
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    shown = await public.get(url, headers=HTML)
    assert shown.status_code == 409 and "sudah diisi" in shown.text and "Kirim jawaban" not in shown.text
    assert len(await training.outbox(SUMMARISED)) == 1

    code = url.rsplit("/", 1)[1]
    tampered = "/evaluasi/" + code[:-3] + ("AAA" if code[-3:] != "AAA" else "BBB")
    for answer in (await public.get(tampered, headers=HTML), await public.post(tampered, data=one)):
        assert answer.status_code == 404
    assert "Tautan evaluasi ini tidak dikenali" in (await public.get(tampered, headers=HTML)).text

    # Only the hash of a code is kept, the link knows used without a time, the answer knows no participant.
    async with training.runtime.engine.connect() as conn:
        from sqlalchemy import text
        stored = (await conn.execute(text("select code_hash, used from evaluation_links"))).all()
        columns = (await conn.execute(text("select * from evaluation_answers"))).keys()
    assert code_hash(code) in {h for h, _ in stored} and code not in {h for h, _ in stored}
    assert set(columns) == {"id", "batch_id", "answers", "comment"}


async def test_making_links_again_replaces_the_unused_ones_only(training):
    batch, people, _, _ = await evaluated_batch(training, participants=3, absent=0)
    first = await links(training, batch)
    used_name, used_url = next(iter(first.items()))
    public = training.client(None)
    assert (await public.post(used_url, data={"q_P1": "3"})).status_code == 200
    second = await links(training, batch)
    assert second[used_name] is None and len(second) == 3  # answered: listed as done, without a code
    old, new = [(u, second[n]) for n, u in first.items() if n != used_name][0]
    assert (await public.get(old)).status_code == 404 and (await public.get(new)).status_code == 200
    assert (await training.client("trainer", "pelatih-1").get(
        f"/api/v1/batches/{batch['id']}/evaluation/links.pdf")).status_code == 403
    assert (await training.client("trainer", "pelatih-1").get(
        f"/api/v1/batches/{batch['id']}/evaluation")).status_code == 200
    assert (await training.client("trainer", "pelatih-lain").get(
        f"/api/v1/batches/{batch['id']}/evaluation")).status_code == 403


async def test_the_laporan_pelaksanaan_prints_the_evaluation_without_comments(training):
    batch, _, named, coded = await evaluated_batch(training, participants=4, absent=1)
    before = await training.client().get(f"/api/v1/batches/{batch['id']}/report.pdf")
    printed = subprocess.run(["pdftotext", "-", "-"], input=before.content, capture_output=True).stdout.decode()
    assert "E. Evaluasi Penyelenggaraan\nBelum ada data." in printed
    sheet = await links(training, batch)
    public = training.client(None)
    for n, url in enumerate(list(sheet.values())[:2]):
        assert (await public.post(url, data={"q_P1": str(4 + n), "q_S1": "3", f"q_N1@{coded['id']}": "5",
                                             "comment": "Rahasia peserta"})).status_code == 200
    report = await training.client().get(f"/api/v1/batches/{batch['id']}/report.pdf")
    assert report.status_code == 200
    printed = " ".join(subprocess.run(["pdftotext", "-", "-"], input=report.content,
                                      capture_output=True).stdout.decode().split())
    for line in ("Peserta yang menerima tautan 3", "Peserta yang mengisi 2", "Tingkat pengisian 66,7%",
                 "Penyelenggaraan (rata-rata 1–5) 4,50 dari 2 jawaban", "Tempat dan konsumsi (rata-rata 1–5) 3,00 dari 2",
                 f"{coded['name']} (NS-77):", "5,00 dari 2 jawaban"):  # a long value wraps beside its label
        assert line in printed, line
    assert "Rahasia peserta" not in printed
    docx = await training.client().get(f"/api/v1/batches/{batch['id']}/report.docx")
    assert docx.status_code == 200


async def test_the_public_form_is_rate_limited_per_address(training):
    public = training.client(None)
    answers = [(await public.get("/evaluasi/" + "A" * 35)).status_code for _ in range(121)]
    assert answers[:120] == [404] * 120 and answers[120] == 429
    limited = await public.post("/evaluasi/" + "A" * 35, data={"q_P1": "5"})
    assert limited.status_code == 429 and "Terlalu banyak permintaan" in limited.text
    assert int(limited.headers["retry-after"]) >= 1
