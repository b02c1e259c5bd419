"""Scores and the participants' evaluation end to end: entered in training, answered on the public form, and what the
ministry reads in reporting equals what training computes, before and after reporting is rebuilt from the topics;
reporting's answers and exports hold no name and no comment."""
import random
import re
import subprocess
import sys
from datetime import timedelta

import httpx

from shared.clock import business_today
from tests.fixtures import factories
from tests.fixtures.services import ROOT, wait_for

PEOPLE = 8
COMMENT = "Konsumsi datang terlambat pada hari kedua"
GENERAL = ["P1", "P2", "P3", "P4", "S1", "S2", "S3", "S4", "M1", "M2", "M3"]
ABOUT_EACH = ["N1", "N2", "N3", "N4"]
SECTIONS = {"penyelenggaraan": "mean_penyelenggaraan", "sarana": "mean_sarana", "materi": "mean_materi"}


def links_from_sheet(content: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode().replace("\n", "")
    return sorted(set(re.findall(r"/evaluasi/[A-Za-z0-9_-]{35}", text)))


def reports(viewer, year: int) -> tuple[dict, dict]:
    learning = viewer.get("/api/v1/reports/learning", params={"fiscal_year": year})
    satisfaction = viewer.get("/api/v1/reports/satisfaction", params={"fiscal_year": year})
    assert learning.status_code == 200 and satisfaction.status_code == 200, (learning.text, satisfaction.text)
    return learning.json(), satisfaction.json()


def figures(viewer, year: int) -> tuple[dict, dict]:
    """The reports without when and how many events: a rebuilt store applied the same events anew."""
    return tuple({k: v for k, v in r.items() if k not in ("data_as_of", "events_applied")}
                 for r in reports(viewer, year))


def test_reporting_learns_the_scores_and_the_evaluation_training_computes_and_keeps_them_through_a_rebuild(stack):
    admin = stack.client("training", "admin")
    officer = stack.client("registration", "district_officer", "64.02")
    viewer = stack.client("reporting", "viewer")
    named = admin.post("/api/v1/trainers", json={"name": "Dr. Siti Rahmawati, M.M.", "institution": "Unmul",
                                                  "nik": "6402011507800001", "named_in_reports": True})
    coded = admin.post("/api/v1/trainers", json={"name": "Ir. Bambang Wijaya", "institution": "Unmul",
                                                  "nik": "6402011507800002", "code": "NS-88"})
    assert named.status_code == 201 and coded.status_code == 201, (named.text, coded.text)
    named, coded = named.json(), coded.json()
    start = business_today() + timedelta(days=7)  # nominations close when a batch starts
    sessions = [{"date": (start + timedelta(days=d)).isoformat(), "start_time": "08:00", "end_time": "12:00",
                 "topic": topic, "trainer_id": who["id"]}
                for d, topic, who in ((0, "Tata kelola koperasi", named), (1, "Literasi digital", coded))]
    made = admin.post("/api/v1/batches", json=factories.batch(start_in_days=7, days=2, trainers=["pelatih-1"],
                                                              sessions=sessions))
    assert made.status_code == 201, made.text
    batch = made.json()
    wait_for(lambda: any(b["id"] == batch["id"] for b in officer.get("/api/v1/batches").json()),
             message="batch in registration")
    names = []
    for _ in range(PEOPLE):
        coop = officer.post("/api/v1/cooperatives", json=factories.cooperative("64.02")).json()
        body = factories.participant(coop["id"])
        person = officer.post("/api/v1/participants", json=body).json()
        names.append(body["full_name"])
        assert officer.post("/api/v1/enrollments", json={"batch_id": batch["id"],
                                                         "participant_id": person["id"]}).status_code == 201
    roster = wait_for(lambda: (r := admin.get(f"/api/v1/batches/{batch['id']}/roster").json()) and len(r) == PEOPLE
                      and r, message=f"roster of {PEOPLE}")
    ids = [e["participant_id"] for e in roster]
    trainer = stack.client("training", "trainer", subject="pelatih-1")
    # Everyone attends day 1 but the last, who attends nothing (no link for them); marked on the day.
    marks = [{"participant_id": p, "status": "alpa" if p == ids[-1] else "hadir"} for p in ids]
    assert trainer.put(f"/api/v1/batches/{batch['id']}/sessions/1/attendance",
                       json={"marks": marks, "recorded_at": f"{start.isoformat()}T09:00:00+08:00"}).status_code == 200
    # Pre and post for all but one (post only): gains 10, 12.5, ... and one who fell back.
    scores = [{"participant_id": p, "pre_test": 50 + i, "post_test": 60 + i * 1.5} for i, p in enumerate(ids[:-2])]
    scores += [{"participant_id": ids[-2], "pre_test": 70, "post_test": 65}, {"participant_id": ids[-1],
                                                                              "post_test": 40}]
    saved = trainer.put(f"/api/v1/batches/{batch['id']}/scores", json={"scores": scores})
    assert saved.status_code == 200, saved.text

    sheet = admin.get(f"/api/v1/batches/{batch['id']}/evaluation/links.pdf")
    assert sheet.status_code == 200, sheet.text[:300]
    links = links_from_sheet(sheet.content)
    assert len(links) == PEOPLE - 1  # the one who attended nothing has none
    public = httpx.Client(base_url=stack["training"].url, timeout=30)  # a participant's phone: no account
    rng = random.Random(7)
    for n, link in enumerate(links[:5]):
        form = {f"q_{k}": str(rng.randint(1, 5)) for k in GENERAL}
        form |= {f"q_{c}@{who['id']}": str(rng.randint(1, 5)) for who in (named, coded) for c in ABOUT_EACH}
        if n == 0:
            form["comment"] = COMMENT
        answered = public.post(link, data=form, headers={"accept": "text/html"})
        assert answered.status_code == 200 and "Terima kasih" in answered.text, answered.text[:400]

    result = admin.get(f"/api/v1/batches/{batch['id']}/evaluation").json()
    assert (result["respondents"], result["invited"]) == (5, PEOPLE - 1)
    learned = result["scores"]
    year = batch["fiscal_year"]

    def matches() -> bool:
        learning, satisfaction = reports(viewer, year)
        rows = [b for b in learning["batches"] if b["batch_id"] == batch["id"]]
        evaluated = [b for b in satisfaction["batches"] if b["batch_id"] == batch["id"]]
        if not rows or not evaluated or evaluated[0]["respondents"] != 5:
            return False
        row, seen = rows[0], evaluated[0]
        assert (row["participants_with_both"], row["participants_improved"]) == (learned["with_both"],
                                                                                 learned["improved"])
        assert (row["average_pre"], row["average_post"], row["average_gain"]) == (
            learned["average_pre"], learned["average_post"], learned["average_gain"])
        assert (seen["invited"], seen["response_rate"]) == (PEOPLE - 1, result["response_rate"])
        means = {s["section"]: s["mean"] for s in result["sections"]}
        for section, column in SECTIONS.items():
            assert seen[column] == means[section], (section, seen, means)
        by_code = {n["code"]: n for n in satisfaction["narasumber"]}
        for person in result["narasumber"]:
            mine = by_code[person["code"]]
            assert (mine["mean"], mine["answers"]) == (person["mean"], person["answers"])
        assert by_code[named["code"]]["display_name"] == named["name"]
        assert by_code["NS-88"]["display_name"] is None and coded["name"] not in by_code["NS-88"]["label"]
        return True

    wait_for(matches, timeout=90, message="reporting's learning and satisfaction equal training's results")
    assert learned["with_both"] == PEOPLE - 1 and learned["improved"] == PEOPLE - 2

    # Nothing personal in what reporting answers or exports: no participant, no comment, no unconsented name.
    answers = [viewer.get(path, params={"fiscal_year": year}) for path in (
        "/api/v1/reports/learning", "/api/v1/reports/satisfaction", "/api/v1/reports/learning.csv",
        "/api/v1/reports/satisfaction.csv", "/api/v1/reports/narasumber.csv")]
    assert [a.status_code for a in answers] == [200] * len(answers)
    seen = " ".join(a.text for a in answers)
    assert "NS-88" in seen and named["name"] in seen  # the narasumber are there, by code or by consented name
    assert not [n for n in names if n in seen] and COMMENT not in seen and coded["name"] not in seen

    # Rebuilt from the topics, reporting says the same.
    before = figures(viewer, year)
    env = dict(stack["reporting"].env)
    rebuilt = subprocess.run([sys.executable, "-m", "shared.cli", "reporting", "rebuild", "--grace", "1"], env=env,
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert rebuilt.returncode == 0, rebuilt.stdout[-2000:] + rebuilt.stderr[-2000:]
    wait_for(lambda: figures(viewer, year) == before, timeout=60, message="the same figures after the rebuild")
    wait_for(matches, timeout=30, message="still equal to training's results after the rebuild")
