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
    assert ">Jan</text>" in line and ">Mei</text>" in line and "Agustus 2023" in line  # the fiscal year's months
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', line)]
    assert sizes and min(sizes) >= 16  # a 360-unit viewBox drawn 332 px wide on a 390 px phone: >= 14 px


def test_labels_are_escaped_and_an_empty_chart_says_so():
    assert "&lt;b&gt;" in charts.bar_chart([("<b>", 1, "1 kop.")])
    assert "Belum ada data" in charts.bar_chart([])
    assert "Belum ada angkatan" in charts.absorption_chart([], 0)


def test_the_absorption_curve_runs_over_the_fiscal_year_and_stops_at_the_last_closing():
    timeline = [{"month": "2023-03", "realised": 10, "cumulative": 10}, {"month": "2023-07", "realised": 20,
                                                                          "cumulative": 30}]
    assert charts._year_months(timeline, 2023) == [f"2023-{m:02d}" for m in range(1, 13)]
    late = timeline + [{"month": "2024-01", "realised": 5, "cumulative": 35}]
    assert charts._year_months(late, 2023)[-1] == "2024-01"
    line = charts.absorption_chart(timeline, 100, 2023)
    points = re.search(r'<polyline points="([^"]+)"', line).group(1).split()
    assert len(points) == 7  # January (0) to July; no line over the months still to come
    assert line.count("<circle") == 2  # the months in which batches closed
