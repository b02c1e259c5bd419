"""Rules without I/O: importing a service's domain (or the shared refusals) never imports a web framework, a
database driver or Kafka."""
from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
FORBIDDEN = ("fastapi", "starlette", "sqlalchemy", "aiokafka", "faststream", "asyncpg")


def domain_modules() -> list[str]:
    names = ["shared.errors"]
    for package in sorted((ROOT / "services").glob("*/domain")):
        dotted = f"services.{package.parent.name}.domain"
        names += [dotted] + [f"{dotted}.{m.name}" for m in pkgutil.iter_modules([str(package)])]
    return names


def test_there_are_domains_to_check():
    assert {"services.registration.domain", "services.training.domain.agenda"} <= set(domain_modules())


@pytest.mark.parametrize("module", domain_modules())
def test_a_domain_imports_no_framework(module):
    probe = (f"import sys, importlib; importlib.import_module({module!r}); "
             f"print(','.join(sorted(m for m in {FORBIDDEN!r} if m in sys.modules)))")
    answer = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert answer.returncode == 0, answer.stderr[-2000:]
    assert answer.stdout.strip() == "", f"{module} imports {answer.stdout.strip()}"
