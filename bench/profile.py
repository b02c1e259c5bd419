"""`bench --profile`: the top frames of each profiled service (cProfile files the services wrote as they stopped),
by own time and by cumulative time, as Markdown for bench/README.md."""
from __future__ import annotations

import io
import pstats
from pathlib import Path


def top_frames(profile: Path, n: int = 15) -> str:
    out = []
    for key, title in (("tottime", "own time"), ("cumulative", "cumulative time")):
        buffer = io.StringIO()
        stats = pstats.Stats(str(profile), stream=buffer)
        stats.strip_dirs().sort_stats(key).print_stats(n)
        lines = buffer.getvalue().splitlines()
        header = next(i for i, line in enumerate(lines) if line.strip().startswith("ncalls"))
        out += [f"{profile.stem}, top {n} by {title}:", "", "```", *lines[header:header + n + 1], "```", ""]
    return "\n".join(out)


def report(work_dir: Path) -> str:
    return "\n".join(top_frames(p) for p in sorted(work_dir.glob("*.prof")))
