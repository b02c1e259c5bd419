"""Run a real Keycloak (the Quarkus distribution from Maven Central, no Docker) in development mode, for tests and
for trying identity's SSO on one machine: `python -m shared.infra.keycloak_local --realm deploy/keycloak/kaltim-realm.json`.

The zip is downloaded once into ~/.cache/sipelkop (or $SIPELKOP_KEYCLOAK_CACHE), checked against Maven Central's
SHA-1, and unpacked under a file lock, so parallel test workers share one copy. Every run copies the
distribution into its own directory (Keycloak writes its build, its H2 database and the imported realms into its
home), so runs never share state and the cache stays clean."""
from __future__ import annotations

import argparse
import atexit
import contextlib
import ctypes
import fcntl
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

KEYCLOAK_VERSION = "26.5.6"
_MAVEN = "https://repo1.maven.org/maven2/org/keycloak/keycloak-quarkus-dist/{v}/keycloak-quarkus-dist-{v}.zip"
_MARKER = ".complete"


def _cache_root(cache_dir: Path | None) -> Path:
    return Path(cache_dir or os.environ.get("SIPELKOP_KEYCLOAK_CACHE") or Path.home() / ".cache" / "sipelkop")


def ensure_keycloak(cache_dir: Path | None = None, version: str = KEYCLOAK_VERSION) -> Path:
    """The unpacked distribution (the dir holding bin/kc.sh); downloaded and unpacked only on first use."""
    root = _cache_root(cache_dir)
    home = root / f"keycloak-{version}"
    if (home / _MARKER).exists():
        return home
    root.mkdir(parents=True, exist_ok=True)
    with open(root / f".keycloak-{version}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one downloader; the others wait and then find it complete
        if (home / _MARKER).exists():
            return home
        url = _MAVEN.format(v=version)
        with tempfile.TemporaryDirectory(dir=root, prefix=".download-keycloak-") as tmp:
            archive = Path(tmp) / "keycloak.zip"
            with urllib.request.urlopen(url, timeout=60) as response, open(archive, "wb") as out:
                shutil.copyfileobj(response, out, 1 << 20)
            with urllib.request.urlopen(url + ".sha1", timeout=30) as response:
                expected = response.read().decode().split()[0].strip().lower()
            digest = hashlib.sha1()
            with open(archive, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    digest.update(chunk)
            if digest.hexdigest() != expected:
                raise RuntimeError(f"{url}: SHA-1 {digest.hexdigest()} is not the published {expected}")
            with zipfile.ZipFile(archive) as z:
                z.extractall(Path(tmp) / "unpacked")
            unpacked = next((Path(tmp) / "unpacked").iterdir())  # keycloak-<version>/
            for script in (unpacked / "bin").glob("*.sh"):
                script.chmod(0o755)
            (unpacked / _MARKER).write_text(f"keycloak-quarkus-dist {version} sha1 {expected}\n")
            if home.exists():  # an interrupted earlier unpack without its marker
                shutil.rmtree(home)
            unpacked.rename(home)
    return home


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    """In the child before exec: SIGKILL when the process that started Keycloak dies, even by SIGKILL."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    os.setsid()  # own process group: a terminal's Ctrl-C reaches us, and we stop Keycloak ourselves


_live: set[LocalKeycloak] = set()
atexit.register(lambda: [k.kill() for k in list(_live)])


class LocalKeycloak:
    """One Keycloak in `start-dev` mode on 127.0.0.1, with the realms in `realm_files` imported at start."""

    def __init__(self, work_dir: Path, *, port: int | None = None, realm_files: list[Path] = (),
                 admin_user: str = "admin", admin_password: str = "admin-lokal-saja", version: str = KEYCLOAK_VERSION,
                 heap: str = "512m"):
        self.work_dir = Path(work_dir).absolute()
        self.port = port or free_port()
        self.management_port = free_port()
        self.realm_files = [Path(p) for p in realm_files]
        self.admin_user, self.admin_password = admin_user, admin_password
        self.version, self.heap = version, heap
        self.home = self.work_dir / f"keycloak-{version}"
        self.log_file = self.work_dir / "keycloak.log"
        self.started_in: float | None = None  # seconds from launch to the realm answering
        self._proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def issuer(self, realm: str) -> str:
        return f"{self.url}/realms/{realm}"

    @property
    def _built(self) -> Path:
        """The distribution with start-dev's Quarkus build done (no data): copying it saves the ~30 s build."""
        return _cache_root(None) / f"keycloak-{self.version}-dev-built"

    def _keep_build(self) -> None:
        """After the first start: keep this copy's dev build (lib/quarkus) for the next runs."""
        if (self._built / _MARKER).exists():
            return
        with open(self._built.parent / f".keycloak-{self.version}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if (self._built / _MARKER).exists():
                return
            with tempfile.TemporaryDirectory(dir=self._built.parent, prefix=".built-keycloak-") as tmp:
                copy = Path(tmp) / "dist"
                shutil.copytree(self.home, copy, symlinks=True, ignore=shutil.ignore_patterns("data"))
                (copy / _MARKER).write_text(f"keycloak {self.version} with the start-dev build\n")
                if self._built.exists():
                    shutil.rmtree(self._built)
                copy.rename(self._built)

    def _prepare(self) -> None:
        dist = ensure_keycloak(version=self.version)
        if (self._built / _MARKER).exists():
            dist = self._built  # Keycloak rebuilds by itself should its build options ever differ
        if not self.home.exists():
            self.work_dir.mkdir(parents=True, exist_ok=True)
            shutil.copytree(dist, self.home, symlinks=True)
        imports = self.home / "data" / "import"
        imports.mkdir(parents=True, exist_ok=True)
        for realm in self.realm_files:
            shutil.copyfile(realm, imports / realm.name)

    def _log_tail(self, chars: int = 4000) -> str:
        text = self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
        return f"--- tail of {self.log_file} ---\n{text[-chars:]}"

    def _answers(self, path: str) -> bool:
        try:
            with urllib.request.urlopen(self.url + path, timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def start(self, timeout: float = 180.0, *, ready_realm: str | None = None) -> None:
        if self.is_running():
            return
        self._prepare()
        env = {**os.environ, "KC_BOOTSTRAP_ADMIN_USERNAME": self.admin_user,
               "KC_BOOTSTRAP_ADMIN_PASSWORD": self.admin_password,
               # A bounded heap instead of Keycloak's 70 % of the machine's memory.
               "JAVA_OPTS_KC_HEAP": f"-Xms64m -Xmx{self.heap}"}
        cmd = [str(self.home / "bin" / "kc.sh"), "start-dev", f"--http-port={self.port}", "--http-host=127.0.0.1",
               f"--http-management-port={self.management_port}", "--import-realm", "--hostname-strict=false"]
        started = time.monotonic()
        with open(self.log_file, "ab") as log:
            self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                          env=env, cwd=self.home, preexec_fn=_die_with_parent)
        _live.add(self)
        probe = f"/realms/{ready_realm}/.well-known/openid-configuration" if ready_realm else "/realms/master"
        deadline = started + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                self._forget()
                raise RuntimeError(f"Keycloak exited during startup:\n{self._log_tail()}")
            if self._answers(probe):
                self.started_in = time.monotonic() - started
                with contextlib.suppress(OSError):
                    self._keep_build()
                return
            time.sleep(0.25)
        self.kill()
        raise RuntimeError(f"Keycloak not ready on {self.url} after {timeout:.0f}s:\n{self._log_tail()}")

    def _signal(self, sig: int, timeout: float) -> bool:
        if self._proc.poll() is None:
            os.killpg(self._proc.pid, sig)
        try:
            self._proc.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            return False

    def stop(self, timeout: float = 20.0) -> None:
        if self._proc is None:
            return
        if not self._signal(signal.SIGTERM, timeout):
            self._signal(signal.SIGKILL, 10)
        self._forget()

    def kill(self) -> None:
        if self._proc is not None:
            self._signal(signal.SIGKILL, 10)
        self._forget()

    def _forget(self) -> None:
        self._proc = None
        _live.discard(self)

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> LocalKeycloak:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m shared.infra.keycloak_local", description=__doc__)
    ap.add_argument("--work-dir", type=Path, help="kept across runs; default: a temp dir removed on exit")
    ap.add_argument("--port", type=int, default=8180)
    ap.add_argument("--realm", type=Path, action="append", default=[], help="realm JSON to import (repeatable)")
    args = ap.parse_args(argv)
    tmp = None if args.work_dir else tempfile.mkdtemp(prefix="sipelkop-keycloak-")
    keycloak = LocalKeycloak(args.work_dir or Path(tmp), port=args.port, realm_files=args.realm)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.default_int_handler)
    try:
        keycloak.start()
        print(f"Keycloak {keycloak.version} ready on {keycloak.url} in {keycloak.started_in:.1f}s "
              f"(admin: {keycloak.admin_user} / {keycloak.admin_password})", flush=True)
        while keycloak.is_running():
            time.sleep(0.5)
        print(f"Keycloak exited unexpectedly\n{keycloak._log_tail()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        keycloak.stop()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
