"""No dead code in services/, shared/ and bench/ (issue 20): vulture finds nothing beyond what frameworks and
libraries use by name (tests/vulture_whitelist.py and the patterns below). Migrations are Alembic's (`upgrade`,
`downgrade`, `revision`) and are left out."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WHITELIST = ROOT / "tests" / "vulture_whitelist.py"
# Called by the framework their decorator registers them with: FastAPI routes and exception handlers (`router`,
# `api`, `console` are APIRouters), pydantic validators, SQLAlchemy event hooks, FastStream subscribers.
DECORATORS = ("@router.*", "@api.*", "@console.*", "@app.*", "@field_validator", "@model_validator",
              "@event.listens_for", "@broker.subscriber")
# Uvicorn's app factories, named by string in shared/cli.py (SERVICES).
NAMES = ("create_*_app",)


def vulture(*paths: str | Path) -> list[str]:
    """What vulture reports over `paths` with the project's whitelist and options, one finding a line."""
    done = subprocess.run(
        [sys.executable, "-m", "vulture", *map(str, paths), str(WHITELIST), "--min-confidence", "60",
         "--exclude", "*/migrations/*", "--ignore-decorators", ",".join(DECORATORS), "--ignore-names", ",".join(NAMES)],
        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode in (0, 3), f"vulture failed ({done.returncode}): {done.stderr}"  # 3: dead code found
    return done.stdout.splitlines()


def test_services_shared_and_bench_hold_no_dead_code():
    found = vulture("services", "shared", "bench")
    assert not found, ("dead code (delete it, or whitelist it in tests/vulture_whitelist.py with the reason a "
                       "framework uses it):\n" + "\n".join(found))


def test_an_unused_function_is_found(tmp_path):
    # The options above must not silence everything: a function no one calls is reported.
    module = tmp_path / "planted.py"
    module.write_text("def used():\n    return 1\n\n\ndef never_called():\n    return used()\n")
    assert [line.split(": ", 1)[1] for line in vulture(module)] == [
        "unused function 'never_called' (60% confidence)"]
