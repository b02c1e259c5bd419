"""The bench table: every row with its fair and limit baselines and both ratios, the machine and the settings."""
from __future__ import annotations

import os
import platform
from datetime import datetime

from bench.common import Figure, Row
from shared.clock import PROVINCE_ZONE, ZONE_NAME

HEADER = ("| path | our figure | fair baseline | ratio (fair) | limit | ratio (limit) | goal | met? |\n"
          "|---|---|---|---|---|---|---|---|\n")


def number(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit.split()[0] == "s":  # a time in seconds
        return f"{value:.2f}"
    return f"{value:,.0f}" if value >= 10 else f"{value:,.1f}"


def figure(f: Figure, unit: str) -> str:
    """`median unit (min–max)`: the spread of the runs the median came from."""
    if f.median is None:
        return "–"
    low, high = f.spread
    spread = f" ({number(low, unit)}–{number(high, unit)})" if len(f.runs) > 1 else ""
    return f"{number(f.median, unit)} {unit}{spread}"


def ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def table(rows: list[Row]) -> str:
    lines = []
    for r in rows:
        met = "–" if r.met is None else ("yes" if r.met else "**no**")
        lines.append(f"| {r.path} | {figure(r.ours, r.unit)} | {figure(r.fair, r.unit)} | {ratio(r.ratio(r.fair))} "
                     f"| {figure(r.limit, r.unit)} | {ratio(r.ratio(r.limit))} | {r.goal} | {met} |")
    return HEADER + "\n".join(lines) + "\n"


def document(rows: list[Row], settings: dict[str, str], notes: list[str], elapsed: float) -> str:
    load = os.getloadavg()
    out = [f"# SIPELKOP bench, {datetime.now(PROVINCE_ZONE):%Y-%m-%d %H:%M} {ZONE_NAME}\n",
           f"Machine: **{os.cpu_count()} cores**, load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} at the end, "
           f"Python {platform.python_version()}, run took {elapsed / 60:.1f} min.\n",
           "Settings: " + "; ".join(f"{k} {v}" for k, v in settings.items()) + ".\n",
           "Figures are the median of each side's runs, with min–max; the two sides of a ratio ran alternately in "
           "the same run, minutes apart. On a machine shared with other work the absolute figures drift from run to "
           "run: read the ratios. A time's ratio is baseline ÷ ours (1.0 = as fast as the baseline).\n",
           table(rows), "\nDetails:\n"]
    out += [f"- **{r.path}**: {r.detail}" for r in rows]
    if notes:
        out += ["", "Notes:", *[f"- {n}" for n in notes]]
    return "\n".join(out) + "\n"
