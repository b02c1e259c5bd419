"""The dashboard's charts: they scale with their box, speak Indonesian, and keep their words readable on a phone."""
import re

from services.reporting.entrypoints import charts


def test_every_chart_scales_with_its_box_and_has_no_fixed_width():
    drawn = [charts.progress_bar(35, 600),
             charts.bar_chart([("Kutai Kartanegara", 10, "10 kop. (83,3%)"), ("Berau", 0, "0 kop. (-)")]),
             charts.absorption_chart([{"month": "2023-07", "realised": 56_000_000, "cumulative": 56_000_000},
                                      {"month": "2023-08", "realised": 30_000_000, "cumulative": 86_000_000}],
                                     1_200_000_000)]
    for chart in drawn:
        for svg in re.findall(r"<svg[^>]*>", chart):
            assert "viewBox=" in svg and 'width="100%"' in svg, svg


def test_words_are_indonesian_and_not_shrunk_with_the_chart():
    progress = charts.progress_bar(1234, 2000)
    assert "1.234 dari 2.000 koperasi" in progress and "(61,7%)" in progress
    assert "<text" not in progress  # the label is page text, not SVG text scaled down on a phone
    line = charts.absorption_chart([{"month": "2023-08", "realised": 86_000_000, "cumulative": 86_000_000}],
                                   1_200_000_000)
    assert "Rp 86.000.000" in line and "Pagu: <strong>Rp 1.200.000.000</strong>" in line
    assert ">Agu</text>" in line and "Agustus 2023" in line
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', line)]
    assert sizes and min(sizes) >= 16  # a 360-unit viewBox drawn 332 px wide on a 390 px phone: >= 14 px


def test_labels_are_escaped_and_an_empty_chart_says_so():
    assert "&lt;b&gt;" in charts.bar_chart([("<b>", 1, "1 kop.")])
    assert "Belum ada data" in charts.bar_chart([])
    assert "Belum ada angkatan" in charts.absorption_chart([], 0)
