"""The laporan pelaksanaan's section II.D over training's real PostgreSQL: a scored batch's averages, gain, share
improved, distribution and the participants below the post-test minimum, in the PDF (pdftotext) and the DOCX."""
import io

from docx import Document

from tests.integration.training.conftest import scheduled
from tests.integration.training.test_documents_api import keep_png, text_of

# pre, post for six participants; the sixth has no post-test. Gains: +20, +15, -5, +30, +10 → 5 with both.
SCORES = [(50, 70), (60, 75), (65, 60), (40, 70), (45.5, 55.5), (55, None)]


async def test_the_report_prints_the_batch_s_scores(training):
    batch, people = await scheduled(training, participants=6, days=2, completion_min_post_test=60)
    before = await training.client().get(f"/api/v1/batches/{batch['id']}/report.pdf")
    assert "D. Hasil Pre-test dan Post-test Belum ada data." in text_of(before.content)
    saved = await training.client("trainer", "pelatih-1").put(f"/api/v1/batches/{batch['id']}/scores", json={
        "scores": [{"participant_id": p["participant_id"], "pre_test": pre, "post_test": post}
                   for p, (pre, post) in zip(people, SCORES)]})
    assert saved.status_code == 200, saved.text

    report = await training.client().get(f"/api/v1/batches/{batch['id']}/report.pdf")
    assert report.status_code == 200
    keep_png(report.content, "laporan-nilai")
    printed = " ".join(text_of(report.content).split())
    section = printed[printed.index("D. Hasil Pre-test dan Post-test"):printed.index("E. Evaluasi Penyelenggaraan")]
    low = people[4]["full_name"]
    for line in ("Peserta dengan nilai pre-test 6 dari 6", "Peserta dengan nilai post-test 5 dari 6",
                 "Rata-rata pre-test 52,58",  # (50 + 60 + 65 + 40 + 45,5 + 55) / 6
                 "Rata-rata post-test 66,10",  # (70 + 75 + 60 + 70 + 55,5) / 5
                 "Rata-rata peningkatan (post − pre) +14,00",  # (20 + 15 − 5 + 30 + 10) / 5
                 "Peserta yang nilainya naik 4 dari 5 (80,0%)",
                 "Post-test di bawah minimal 60 1 orang",
                 "0–59 4 1", "60–69 2 1", "70–79 0 3", "80–89 0 0", "90–100 0 0", "Jumlah 6 5",
                 f"Peserta dengan nilai post-test di bawah minimal 60: No Nama Koperasi Pre-test Post-test 1 {low}"):
        assert line in section, line
    assert "45,5 55,5" in section
    assert people[2]["full_name"] not in section  # 60 is the minimum itself: not below it

    docx = await training.client().get(f"/api/v1/batches/{batch['id']}/report.docx")
    document = Document(io.BytesIO(docx.content))
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert ["Rata-rata peningkatan (post − pre)", "+14,00"] in cells
    assert ["Peserta yang nilainya naik", "4 dari 5 (80,0%)"] in cells
    assert ["70–79", "0", "3"] in cells
    assert ["1", low, people[4]["cooperative_name"], "45,5", "55,5"] in cells
