"""The bench table: every row with its raw baseline and ratio, the machine and the settings that matter."""
from __future__ import annotations

import os
import platform
from datetime import datetime

from bench.common import Row

HEADER = "| path | our figure | raw baseline (same run) | ratio | goal | met? |\n|---|---|---|---|---|---|\n"


def number(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit.startswith("s"):
        return f"{value:.2f} {unit}"
    return f"{value:,.0f} {unit}"


def table(rows: list[Row]) -> str:
    lines = []
    for r in rows:
        met = "–" if r.met is None else ("yes" if r.met else "**no**")
        ratio = "–" if r.ratio is None else f"{r.ratio:.2f}"
        lines.append(f"| {r.path} | {number(r.figure, r.unit)} | {number(r.baseline, r.unit)} | {ratio} | {r.goal} "
                     f"| {met} |")
    return HEADER + "\n".join(lines) + "\n"


def document(rows: list[Row], settings: dict[str, str], notes: list[str], elapsed: float) -> str:
    load = os.getloadavg()
    out = [f"# SIPELKOP bench, {datetime.now():%Y-%m-%d %H:%M}\n",
           f"Machine: **{os.cpu_count()} cores**, load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} at the end, "
           f"Python {platform.python_version()}, run took {elapsed / 60:.1f} min.\n",
           "Settings: " + "; ".join(f"{k} {v}" for k, v in settings.items()) + ".\n",
           table(rows), "\nDetails:\n"]
    out += [f"- **{r.path}**: {r.detail}" for r in rows]
    if notes:
        out += ["", "Notes:", *[f"- {n}" for n in notes]]
    return "\n".join(out) + "\n"
