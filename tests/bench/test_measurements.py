"""The bench's own accounting: a worker's peak memory is its own (not its parent's), an enrolment never seen in
reporting is a miss (not dropped), and a row reads as the median of its runs with their spread."""
import asyncio

from bench.common import Context, Figure, Row
from bench.loadgen import visibility_lags
from bench.report import table


def test_a_workers_peak_memory_is_its_own_not_the_parents(tmp_path):
    ballast = bytearray(300 * 1024 * 1024)
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1  # this process now holds 300 MiB; a worker it spawns must not report them
    ctx = Context(infra=None, sizes=None, work_dir=tmp_path)
    small = asyncio.run(ctx.job("hold", mib=1))
    big = asyncio.run(ctx.job("hold", mib=200))
    assert small["peak_rss_mib"] < 150, small
    assert 200 <= big["peak_rss_mib"] < 350, big
    del ballast


def test_an_enrolment_never_counted_is_a_miss_not_dropped():
    answered = [1.0, 2.0, 3.0]  # the 201s
    seen = [(1.2, 1), (2.5, 2), (9.0, 2)]  # the summary's answers: the third never counted
    lags, misses = visibility_lags(answered, seen)
    assert misses == 1
    assert lags == [0.19999999999999996, 0.5]


def test_a_count_seen_before_the_201_does_not_make_it_visible():
    lags, misses = visibility_lags([5.0], [(4.0, 1), (5.4, 1)])
    assert misses == 0 and abs(lags[0] - 0.4) < 1e-9


def test_a_row_gives_medians_with_their_spread_and_both_ratios():
    row = Row.throughput("enrolment write", [90, 100, 120], [180, 200, 260], [1000, 1200, 1500], "enrolments/s")
    assert row.ratio(row.fair) == 0.5 and row.met is True
    line = table([row]).splitlines()[-1]
    assert line == ("| enrolment write | 100 enrolments/s (90–120) | 200 enrolments/s (180–260) | 0.50 "
                    "| 1,200 enrolments/s (1,000–1,500) | 0.08 | ≥ 0.5 of fair | yes |")


def test_a_time_row_reads_its_ratio_as_baseline_over_ours():
    row = Row("end-to-end freshness", "s p95", "p95 ≤ 0.25 s", Figure([0.5, 0.4, 0.6]), Figure([]),
              Figure([0.2, 0.2, 0.3]), lower_is_better=True)
    assert row.ratio(row.limit) == 0.2 / 0.5
    assert row.ratio(row.fair) is None
    assert table([row]).splitlines()[-1] == ("| end-to-end freshness | 0.50 s p95 (0.40–0.60) | – | – "
                                             "| 0.20 s p95 (0.20–0.30) | 0.40 | p95 ≤ 0.25 s | – |")


def test_a_rate_in_sessions_per_second_is_not_read_as_seconds():
    row = Row.throughput("attendance marking", [13.6, 12.1, 17.7], [51.4], [182.0], "sessions/s")
    assert "| 14 sessions/s (12–18) | 51 sessions/s |" in table([row])
