"""Reporting's summary PDF in DejaVu Sans: a batch code typed with letters beyond Latin-1 and a dash prints as typed
in the learning and satisfaction tables (Helvetica printed "?" for them), read back with pdftotext; the time of the
data is in WITA."""
import subprocess

from bench.synthetic import seed_batch
from tests.unit.reporting.test_learning_satisfaction import item, record_scores, summarise

CODE = "KOP–Ŝāğ-2023/01"  # Ŝ, ā and ğ are outside Latin-1; so is the en dash


def page_text(content: bytes, page: int) -> str:
    out = subprocess.run(["pdftotext", "-raw", "-f", str(page), "-l", str(page), "-", "-"], input=content,
                         capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


async def test_a_batch_code_beyond_latin_1_prints_as_typed(log, feed, viewer):
    batch = seed_batch(log, code=CODE, districts={"64.72": 2}, absent_last_day=0)
    first, second = (p["participant"] for p in batch["people"])
    record_scores(log, batch["batch_id"], {first: (70, 90), second: (80, 80)}, 1)
    summarise(log, batch["batch_id"], respondents=2, invited=2, version=1, items=[item("materi", "M1", 5.0, 2)],
              narasumber=[])
    await feed(log.records)

    answer = await viewer.get("/api/v1/reports/summary.pdf", params={"fiscal_year": 2023})

    assert answer.status_code == 200, answer.text
    second_page = page_text(answer.content, 2)
    assert second_page.count(CODE) == 2, second_page  # its learning row and its satisfaction row
    assert f"{CODE} 75,00 85,00 10,00 2 50,0%" in second_page
    assert "Kepuasan peserta (skala 1–5)" in second_page
    first_page = page_text(answer.content, 1)
    assert "Ringkasan Capaian Pelatihan Koperasi – Tahun Anggaran 2023" in first_page
    assert "WITA" in first_page and "UTC" not in first_page


async def test_umk_owners_stand_apart_on_the_first_page(log, feed, viewer):
    from tests.unit.reporting.test_umk_participants import with_umk_owners

    batch = seed_batch(log, districts={"64.02": 3}, absent_last_day=0)
    with_umk_owners(log, batch["batch_id"], owners=4, completing=3)
    await feed(log.records)

    first_page = page_text((await viewer.get("/api/v1/reports/summary.pdf", params={"fiscal_year": 2023})).content, 1)

    assert "Pelaku UMK terdaftar (di luar koperasi) 4" in first_page, first_page
    assert "Pelaku UMK lulus 3" in first_page
    assert "Koperasi terlatih 3" in first_page  # the three managers' cooperatives; the UMK owners' businesses not
