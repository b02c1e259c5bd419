"""Charts drawn on the server as inline SVG: no script, no CDN, a few kilobytes on a slow connection."""
from __future__ import annotations

from html import escape

from markupsafe import Markup

from services.reporting.entrypoints.columns import percent, rupiah

BLUE, GREEN, GREY, ORANGE = "#1f4e79", "#2e7d32", "#d9dee4", "#e07b00"


def progress_bar(done: int, target: int) -> Markup:
    share = min(done / target, 1.0) if target else 0.0
    width = 600
    return Markup(
        f'<svg viewBox="0 0 {width} 34" width="100%" role="img" aria-label="Capaian {done} dari {target} koperasi">'
        f'<rect x="0" y="4" width="{width}" height="26" rx="4" fill="{GREY}"/>'
        f'<rect x="0" y="4" width="{share * width:.1f}" height="26" rx="4" fill="{GREEN}"/>'
        f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="14" fill="#111">'
        f'{done} / {target} koperasi ({escape(percent(done / target if target else None))})</text></svg>')


def bar_chart(items: list[tuple[str, float, str]], *, color: str = BLUE, highlight: set[str] = frozenset(),
              label_width: int = 150, unit_width: int = 240, title: str = "") -> Markup:
    """Horizontal bars: (label, value, text shown after the bar); labels in `highlight` drawn in orange."""
    if not items:
        return Markup('<p class="empty">Belum ada data.</p>')
    top = max((v for _, v, _ in items), default=0) or 1
    row, height = 24, 24 * len(items) + 6
    parts = [f'<svg viewBox="0 0 {label_width + unit_width + 120} {height}" width="100%" role="img" '
             f'aria-label="{escape(title)}">']
    for i, (label, value, note) in enumerate(items):
        y = i * row + 4
        fill = ORANGE if label in highlight else color
        parts.append(f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end" font-size="12">{escape(label)}</text>'
                     f'<rect x="{label_width}" y="{y + 2}" width="{unit_width}" height="17" fill="{GREY}"/>'
                     f'<rect x="{label_width}" y="{y + 2}" width="{value / top * unit_width:.1f}" height="17" '
                     f'fill="{fill}"><title>{escape(label)}: {escape(note)}</title></rect>'
                     f'<text x="{label_width + unit_width + 6}" y="{y + 15}" font-size="12">{escape(note)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def absorption_chart(timeline: list[dict], allocation: int) -> Markup:
    """Cumulative realised rupiah by month against the allocation (a dashed ceiling)."""
    if not timeline:
        return Markup('<p class="empty">Belum ada angkatan yang ditutup dengan realisasi biaya.</p>')
    width, height, left, bottom = 640, 220, 150, 30
    ceiling = max(allocation, timeline[-1]["cumulative"]) or 1
    step = (width - left - 20) / max(len(timeline) - 1, 1)

    def y(value: float) -> float:
        return 10 + (height - bottom - 10) * (1 - value / ceiling)

    points = " ".join(f"{left + i * step:.1f},{y(m['cumulative']):.1f}" for i, m in enumerate(timeline))
    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="Daya serap anggaran">',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#888"/>']
    if allocation:
        parts.append(f'<line x1="{left}" y1="{y(allocation):.1f}" x2="{width - 10}" y2="{y(allocation):.1f}" '
                     f'stroke="{ORANGE}" stroke-dasharray="6 4"/>'
                     f'<text x="{left - 6}" y="{y(allocation) + 4:.1f}" text-anchor="end" font-size="11">'
                     f'Pagu {escape(rupiah(allocation))}</text>')
    parts.append(f'<polyline points="{points}" fill="none" stroke="{BLUE}" stroke-width="3"/>')
    for i, month in enumerate(timeline):
        x = left + i * step
        parts.append(f'<circle cx="{x:.1f}" cy="{y(month["cumulative"]):.1f}" r="4" fill="{BLUE}">'
                     f'<title>{month["month"]}: {escape(rupiah(month["cumulative"]))}</title></circle>'
                     f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" font-size="11">{month["month"]}</text>')
    last = timeline[-1]
    parts.append(f'<text x="{left - 6}" y="{y(last["cumulative"]) + 4:.1f}" text-anchor="end" font-size="11">'
                 f'{escape(rupiah(last["cumulative"]))}</text></svg>')
    return Markup("".join(parts))
