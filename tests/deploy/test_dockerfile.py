"""deploy/Dockerfile: pinned, multi-stage, non-root; every file it copies exists and reaches the build context."""
from __future__ import annotations

import json
import re
import shlex
import tomllib
from pathlib import Path, PurePosixPath

import pytest

from tests.deploy.deploy_files import DEPLOY, PORTS, ROOT, SERVICES, all_env_names, is_setting_like

DOCKERFILE = DEPLOY / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    joined, pending = [], ""
    for line in DOCKERFILE.read_text().splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        joined.append(pending + line)
        pending = ""
    return [(cmd.upper(), args.strip()) for cmd, _, args in (line.strip().partition(" ") for line in joined)]


def copy_sources() -> list[str]:
    """Sources of COPY/ADD from the build context (not --from=another stage)."""
    sources = []
    for cmd, args in instructions():
        if cmd not in ("COPY", "ADD"):
            continue
        words = shlex.split(args)
        if any(w.startswith("--from=") for w in words):
            continue
        sources += [w for w in words if not w.startswith("--")][:-1]
    return sources


def dockerignore_excludes(path: str) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parent directories decides."""
    excluded = False
    parts = Path(path).parts
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    for raw in (ROOT / ".dockerignore").read_text().splitlines():
        raw = raw.strip()
        if not raw or raw.startswith("#"):
            continue
        negate, pattern = raw.startswith("!"), raw.lstrip("!").strip("/")
        regex = re.escape(pattern).replace(r"\*\*/", "(.*/)?").replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
        regex = regex.replace(r"\?", "[^/]")
        if any(re.fullmatch(regex, prefix) for prefix in prefixes):
            excluded = not negate
    return excluded


def test_every_copied_file_exists_and_is_in_the_build_context():
    sources = copy_sources()
    assert sources, "no COPY found"
    for source in sources:
        path = ROOT / source
        assert path.exists(), f"COPY {source}: no such file in the repository"
        files = [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts] if path.is_dir() \
            else [path]
        assert files, source
        for file in files:
            relative = file.relative_to(ROOT).as_posix()
            assert not dockerignore_excludes(relative), f"{relative} is copied but .dockerignore leaves it out"


def test_dockerignore_keeps_local_state_and_secrets_out():
    for path in (".venv/bin/python", ".data/registration.db", ".git/HEAD", "deploy/secrets.env",
                 "tests/conftest.py", "shared/__pycache__/cli.cpython-311.pyc"):
        assert dockerignore_excludes(path), path
    assert not dockerignore_excludes("shared/settings.py")


def test_base_image_is_pinned_by_version_and_build_is_multi_stage():
    args = dict(a.split("=", 1) for cmd, a in instructions() if cmd == "ARG" and "=" in a)
    assert re.fullmatch(r"python:3\.11\.\d+-slim(-\w+)?(@sha256:[0-9a-f]{64})?", args["PYTHON_IMAGE"])
    stages = [a for cmd, a in instructions() if cmd == "FROM"]
    assert len(stages) >= 2 and all(s.startswith("${PYTHON_IMAGE}") for s in stages)


def test_runs_as_a_non_root_user():
    users = [a for cmd, a in instructions() if cmd == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")


def test_installs_the_project_from_pyproject():
    runs = " ".join(a for cmd, a in instructions() if cmd == "RUN")
    assert "pyproject.toml" in runs and "pip install --no-deps ." in runs
    assert "pyproject.toml" in copy_sources()


def test_starts_the_service_named_by_SERVICE_and_checks_healthz():
    cmd = json.loads(next(a for c, a in reversed(instructions()) if c == "CMD"))
    # exec form through sh: $SERVICE expands, and exec leaves the service as PID 1 to receive SIGTERM.
    assert cmd == ["/bin/sh", "-c", 'exec sipelkop serve "$SERVICE"']
    healthcheck = next(a for c, a in instructions() if c == "HEALTHCHECK")
    assert "/opt/sipelkop/healthcheck.py" in healthcheck
    assert "/healthz" in (DEPLOY / "healthcheck.py").read_text()
    exposed = {int(p) for c, a in instructions() if c == "EXPOSE" for p in a.split()}
    assert exposed == set(PORTS.values())


def test_environment_baked_in_is_settings_and_no_secret():
    env = {}
    for cmd, args in instructions():
        if cmd == "ENV":
            env.update(dict(word.split("=", 1) for word in shlex.split(args)))
    assert env["SIPELKOP_ENV"] == "production"
    assert not [k for k in env if "SECRET" in k or "PASSWORD" in k or "DATABASE_URL" in k]
    settings = all_env_names()
    assert all(k in settings for k in env if is_setting_like(k))
    assert {f"{s.upper()}_HOST" for s in SERVICES} <= set(env)


@pytest.mark.parametrize("service", SERVICES)
def test_the_image_scripts_know_every_service(service):
    text = (DEPLOY / "healthcheck.py").read_text()
    assert f'"{service}": {PORTS[service]}' in text
    assert f'"{service}"' in (DEPLOY / "migrate.py").read_text()


def test_every_data_file_of_the_code_is_packaged_into_the_image():
    """The image installs the project as a wheel: a page template or data file that pyproject.toml's package-data
    does not match works with `make run` (editable) and is missing in production."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["*"]
    unpackaged = []
    for top in ("shared", "services"):
        for path in (ROOT / top).rglob("*"):
            if not path.is_file() or path.suffix in (".py", ".pyc", ".md") or "__pycache__" in path.parts:
                continue
            # As setuptools reads package-data: every folder is a (namespace) package, and a pattern is a glob
            # relative to one of them, "*" not crossing "/".
            insides = [PurePosixPath(path.relative_to(folder).as_posix())
                       for folder in path.parents if folder != ROOT and ROOT in folder.parents]
            if not any(len(inside.parts) == len(PurePosixPath(pattern).parts) and inside.match(pattern)
                       for inside in insides for pattern in patterns):
                unpackaged.append(path.relative_to(ROOT).as_posix())
    assert not unpackaged, f"add a package-data pattern in pyproject.toml for: {unpackaged}"
