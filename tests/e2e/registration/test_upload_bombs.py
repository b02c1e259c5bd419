"""Upload bombs against running services (issue 14 item 3): each is refused in Bahasa, naming the limit it broke,
while the same service keeps answering other requests; a good import works afterwards. The figures (RSS above
idle, latency of the other requests) are printed by `python -m bench.upload_bombs`, not asserted here."""
from __future__ import annotations

import csv
import io
import threading
import uuid

import pytest

from bench.upload_bombs import dimension_bomb, many_cells_bomb, shared_strings_bomb, wide_csv
from tests.fixtures import factories

# (file, bomb, the limit its refusal names, whether reading it takes the worker long enough that other requests
# are certain to be answered while it runs)
BOMBS = [("bom-teks.xlsx", lambda: shared_strings_bomb(strings=2_000_000), "shared strings", False),
         ("bom-dimensi.xlsx", dimension_bomb, "batas dimensi", False),
         ("bom-kolom.csv", wide_csv, "batasnya 200 kolom", False),
         ("bom-sel.xlsx", many_cells_bomb, "batas", True)]  # the cell limit, or the time limit on a slow machine


def as_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def upload_while_answering(client, path: str, name: str, content: bytes) -> tuple:
    """The upload in a thread; meanwhile the main thread asks for a page of cooperatives until it has finished."""
    answer = {}
    sender = threading.Thread(target=lambda: answer.update(
        response=client.post(path, files={"file": (name, content)}, timeout=300)))
    sender.start()
    answered_meanwhile = 0
    while sender.is_alive():
        if client.get("/api/v1/cooperatives", params={"page_size": 1}).status_code == 200 and sender.is_alive():
            answered_meanwhile += 1
    sender.join()
    return answer["response"], answered_meanwhile


@pytest.mark.parametrize("name,make,limit,long", BOMBS, ids=[b[0] for b in BOMBS])
def test_a_bomb_is_refused_naming_its_limit_while_other_requests_are_answered(reg_stack, name, make, limit, long):
    officer = reg_stack.client("registration", "district_officer", "64.02")
    response, answered = upload_while_answering(officer, "/api/v1/imports/cooperatives", name, make())
    assert response.status_code in (413, 422), (response.status_code, response.text[:300])
    error = response.json()["error"]
    assert limit in error["message"] and error["fields"][0]["field"] == "file", error
    if long:
        assert answered >= 1, "no other request was answered while the bomb was read"
    good = officer.post("/api/v1/imports/cooperatives",
                        files={"file": ("koperasi.csv", as_csv([factories.cooperative_row("64.02")]))})
    assert good.status_code == 200 and good.json()["created"] == 1, good.text[:300]


def test_the_score_import_refuses_a_bomb_too(reg_stack):
    staff = reg_stack.client("training", "training_staff")
    answer = staff.post(f"/api/v1/batches/{uuid.uuid4()}/scores/import",
                        files={"file": ("nilai.xlsx", dimension_bomb())})
    assert answer.status_code == 413, answer.text[:300]
    assert "batas dimensi" in answer.json()["error"]["message"]
