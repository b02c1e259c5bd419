"""The dashboard (/dasbor) shows what a ministry reader needs from the year's events: the DAK budget by component
and triwulan with the split rule, learning and satisfaction, and the cooperative indicators; each card says
"Belum ada data." when nothing has arrived, never a zero standing for "nothing yet"."""
import re
from html import unescape

from tests.unit.reporting import test_budget_report, test_learning_satisfaction
from tests.unit.reporting.test_cooperatives import cooperative


def section(html: str, heading_id: str) -> str:
    """The text of the card whose heading has this id, tags dropped and spaces collapsed."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html[start:end])))


async def page(viewer, year=2023) -> str:
    answer = await viewer.get("/dasbor", params={"fiscal_year": year})
    assert answer.status_code == 200, answer.text
    return answer.text


async def test_budget_by_component_and_quarter_with_the_split_rule(log, feed, viewer):
    test_budget_report.scenario(log)
    await feed(log.records)
    html = await page(viewer)
    components = section(html, "by-component")
    assert "2 angkatan ditutup · realisasi Rp 14.000.000 dari rencana Rp 17.000.000" in components
    assert "Honor narasumber Rp 3.000.000 dari Rp 3.000.000 (100,0%)" in components
    assert "Konsumsi Rp 1.000.000 dari Rp 2.000.000 (50,0%)" in components
    quarters = section(html, "by-quarter")
    assert "I Rp 0 Rp 0 –" in quarters  # nothing planned in triwulan I: no rate
    assert "III Rp 12.000.000 Rp 10.000.000 83,3%" in quarters
    assert "IV Rp 5.000.000 Rp 4.000.000 80,0%" in quarters
    assert "Jumlah Rp 17.000.000 Rp 14.000.000 82,4%" in quarters
    assert "tanggal selesai angkatan" in quarters
    districts = section(html, "budget-by-district")
    assert "Kutai Kartanegara Rp 8.000.000 Rp 6.666.667" in districts
    assert "sebanding jumlah peserta terdaftar" in districts


async def test_learning_and_satisfaction_cards(log, feed, viewer):
    test_learning_satisfaction.scenario(log)
    await feed(log.records)
    html = await page(viewer)
    learning = section(html, "learning")
    assert "Rata-rata pre-test 60,00" in learning and "Rata-rata post-test 75,00" in learning
    assert "Rata-rata kenaikan 11,25" in learning and "Peserta yang naik 50,0% (2 dari 4)" in learning
    # Kutai Kartanegara gained most (12,5), Samarinda next (10); Kutai Timur has no one with both scores.
    assert learning.index("Kutai Kartanegara 50,00") < learning.index("Kota Samarinda") < learning.index("Kutai Timur")
    satisfaction = section(html, "satisfaction")
    assert "Tingkat pengisian 73,3% (22 dari 30 peserta, 2 angkatan)" in satisfaction
    assert "Penyelenggaraan 3,67" in satisfaction and "Materi 5,00" in satisfaction
    assert "NS-01 3,80 30" in satisfaction and "NS-02 3,80 10" in satisfaction
    assert "Rina" not in html  # the newest summary withdrew her name


async def test_cooperative_indicators_card(log, feed, viewer):
    cooperative(log, "64.02", grade="A", men=10, women=5)
    cooperative(log, "64.02", grade="B", men=3, women=4)
    cooperative(log, "64.72", active=False, grade="C2", men=0, women=7)
    await feed(log.records)
    card = section(await page(viewer), "cooperatives")
    assert "Aktif 2 dari 3 (66,7%)" in card and "Tidak aktif 1" in card
    assert "Anggota 29 (16 perempuan, 13 laki-laki)" in card
    assert "Nilai A 1 koperasi" in card and "Nilai C2 1 koperasi" in card and "Tanpa nilai 0 koperasi" in card
    assert "Kutai Kartanegara 2 0 9 / 13 1" in card and "Kota Samarinda 0 1 7 / 0 0" in card
    assert "Belum ada data." not in card


async def test_every_new_card_says_so_when_nothing_has_arrived(viewer):
    html = await page(viewer)
    for heading in ("by-component", "by-quarter", "learning", "satisfaction", "cooperatives"):
        text = section(html, heading)
        assert "Belum ada data." in text and "Rp 0" not in text, heading
    assert 'id="budget-by-district"' not in html
