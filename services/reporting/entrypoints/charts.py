"""Charts drawn on the server: no script, no CDN, a few kilobytes on a slow connection.

Every chart scales with its box (inline SVG with a viewBox and width 100%), and its words stay HTML text or SVG text
sized for a 390 px phone, so a label is never shrunk below 14 px when the chart is."""
from __future__ import annotations

from datetime import date
from html import escape

from babel.dates import format_date
from markupsafe import Markup

from services.reporting.entrypoints import columns
from shared.web.format import LOCALE, rupiah

BLUE, GREEN, GREY, ORANGE = "#1f4e79", "#2e7d32", "#d9dee4", "#c25e00"
PALE = "#9fbbd6"  # a plan beside its realisation in BLUE


def _bar(share: float, fill: str, height: int) -> str:
    """One horizontal bar, stretched to its box's width (the viewBox is 100 units wide, whatever the screen)."""
    width = max(0.0, min(share, 1.0)) * 100
    return (f'<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" width="100%" height="{height}" '
            f'aria-hidden="true" focusable="false"><rect width="100" height="10" fill="{GREY}"/>'
            f'<rect width="{width:.1f}" height="10" fill="{fill}"/></svg>')


def progress_bar(done: int, target: int) -> Markup:
    share = min(done / target, 1.0) if target else 0.0
    words = f"{_count(done)} dari {_count(target)} koperasi"
    rate = columns.percent(done / target) if target else "–"
    return Markup(f'<div class="progress">'
                  f'<p class="progress-label"><strong>{escape(words)}</strong> <span>({escape(rate)})</span></p>'
                  f'{_bar(share, GREEN, 28)}</div>')


def bar_chart(items: list[tuple[str, float, str]], *, color: str = BLUE, highlight: set[str] = frozenset(),
              title: str = "") -> Markup:
    """Horizontal bars, one row each: (label, value, text shown beside the label); labels in `highlight` in orange."""
    if not items:
        return Markup('<p class="empty">Belum ada data.</p>')
    top = max((v for _, v, _ in items), default=0) or 1
    rows = []
    for label, value, note in items:
        fill = ORANGE if label in highlight else color
        shown = label[:1].upper() + label[1:]  # "pertanian" as a heading: "Pertanian"
        rows.append(f'<li><span class="bar-label">{escape(shown)}</span> <span class="bar-note">{escape(note)}</span>'
                    f'{_bar(value / top, fill, 14)}</li>')
    return Markup(f'<ul class="bars" aria-label="{escape(title)}">{"".join(rows)}</ul>')


def plan_bars(items: list[tuple[str, int, int]], *, title: str = "") -> Markup:
    """One row per budget line (label, planned, realised): the plan as a light bar, what was realised drawn over
    it, both on one scale (the largest plan or realisation), the rupiah in words beside the label."""
    items = [(label, planned, realised) for label, planned, realised in items if planned or realised]
    if not items:
        return Markup('<p class="empty">Belum ada data.</p>')
    top = max(max(planned, realised) for _, planned, realised in items) or 1
    rows = []
    for label, planned, realised in items:
        rate = f" ({columns.percent(realised / planned)})" if planned else ""
        note = f"{rupiah(realised)} dari {rupiah(planned)}{rate}"
        rows.append(f'<li><span class="bar-label">{escape(label)}</span> <span class="bar-note">{escape(note)}</span>'
                    f'<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" width="100%" height="16" '
                    f'aria-hidden="true" focusable="false"><rect width="100" height="10" fill="{GREY}"/>'
                    f'<rect width="{min(planned / top, 1) * 100:.1f}" height="10" fill="{PALE}"/>'
                    f'<rect y="2" width="{min(realised / top, 1) * 100:.1f}" height="6" fill="{BLUE}"/></svg></li>')
    legend = (f'<ul class="legend"><li><span class="key line" style="background:{PALE};height:.6rem"></span>Rencana'
              f'</li><li><span class="key line" style="background:{BLUE};height:.4rem"></span>Realisasi</li></ul>')
    return Markup(f'<ul class="bars" aria-label="{escape(title)}">{"".join(rows)}</ul>{legend}')


def month_name(month: str, pattern: str = "MMM") -> str:
    """'2023-07' as 'Jul' (pattern 'MMMM y': 'Juli 2023')."""
    year, number = (int(part) for part in month.split("-")[:2])
    return format_date(date(year, number, 1), pattern, locale=LOCALE)


def _year_months(timeline: list[dict], year: int | None) -> list[str]:
    """The months the curve is drawn over: January to December of the fiscal year (and on, if a batch closed later)."""
    first, last = timeline[0]["month"], timeline[-1]["month"]
    y0 = min(year, int(first[:4])) if year else int(first[:4])
    end = max((y0, 12), (int(last[:4]), int(last[5:7])))
    months, (y, m) = [], (y0, 1)
    while (y, m) <= end:
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def absorption_chart(timeline: list[dict], allocation: int, year: int | None = None) -> Markup:
    """Cumulative realised rupiah by month over the fiscal year against the allocation (a dashed ceiling); the
    amounts are in the legend, page text a phone shows at full size."""
    if not timeline:
        return Markup('<p class="empty">Belum ada angkatan yang ditutup dengan realisasi biaya.</p>')
    width, height, side, bottom, top_gap = 360, 200, 20, 34, 12
    months = _year_months(timeline, year)
    realised = {m["month"]: m for m in timeline}
    last_month = timeline[-1]["month"]
    ceiling = max(allocation, timeline[-1]["cumulative"]) or 1
    step = (width - 2 * side) / max(len(months) - 1, 1)

    def x(i: int) -> float:
        return width / 2 if len(months) == 1 else side + i * step

    def y(value: float) -> float:
        return top_gap + (height - bottom - top_gap) * (1 - value / ceiling)

    curve, total = [], 0
    for i, month in enumerate(months):
        if month > last_month:
            break  # months still to come: no line yet
        total = realised[month]["cumulative"] if month in realised else total
        curve.append((i, month, total))
    points = " ".join(f"{x(i):.1f},{y(value):.1f}" for i, _, value in curve)
    label_every = max(1, -(-len(months) // 6))  # at most six month names under the axis
    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="Daya serap anggaran: realisasi kumulatif {escape(rupiah(timeline[-1]["cumulative"]))}'
             f'{" dari pagu " + escape(rupiah(allocation)) if allocation else ""}">',
             f'<line x1="4" y1="{height - bottom}" x2="{width - 4}" y2="{height - bottom}" stroke="#888"/>']
    if allocation:
        parts.append(f'<line x1="4" y1="{y(allocation):.1f}" x2="{width - 4}" y2="{y(allocation):.1f}" '
                     f'stroke="{ORANGE}" stroke-width="2" stroke-dasharray="8 5"/>')
    parts.append(f'<polyline points="{points}" fill="none" stroke="{BLUE}" stroke-width="3" '
                 f'stroke-linejoin="round"/>')
    for i, month, value in curve:
        if month in realised:  # a month in which batches closed with their costs
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="5" fill="{BLUE}">'
                         f'<title>{escape(month_name(month, "MMMM y"))}: {escape(rupiah(value))}</title></circle>')
    for i, month in enumerate(months):
        if i % label_every == 0:
            parts.append(f'<text x="{x(i):.1f}" y="{height - 10}" text-anchor="middle" font-size="16">'
                         f'{escape(month_name(month))}</text>')
    parts.append("</svg>")
    last = timeline[-1]
    legend = [f'<li><span class="key line" style="background:{BLUE}"></span>Realisasi kumulatif s.d. '
              f'{escape(month_name(last["month"], "MMMM y"))}: <strong>{escape(rupiah(last["cumulative"]))}</strong></li>']
    if allocation:
        legend.append(f'<li><span class="key dash" style="border-color:{ORANGE}"></span>Pagu: '
                      f'<strong>{escape(rupiah(allocation))}</strong></li>')
    return Markup(f'<div class="line-chart">{"".join(parts)}<ul class="legend">{"".join(legend)}</ul></div>')


def _count(value) -> str:
    return f"{int(value or 0):,}".replace(",", ".")
