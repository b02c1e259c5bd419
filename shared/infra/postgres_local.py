"""Run a throwaway/local PostgreSQL cluster in a data dir, for tests and developers."""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

_TOOLS = ("initdb", "pg_ctl", "postgres")
_CONF = "sipelkop.conf"  # rewritten on every start(), so port changes take effect


def find_pg_bin() -> Path:
    """Directory holding initdb, pg_ctl and postgres: PATH first, then Debian's layout."""
    found = shutil.which("initdb")
    # resolve(): PATH may hold symlinks (e.g. /usr/local/bin/initdb) whose dir lacks psql
    candidates = [Path(found).resolve().parent] if found else []
    versions = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(versions, key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()],
                         reverse=True)
    for d in candidates:
        if all(os.access(d / t, os.X_OK) for t in _TOOLS):
            return d
    raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found on PATH or in "
                       "/usr/lib/postgresql/*/bin; install them: apt-get update && apt-get install -y postgresql")


def _alive(pid: int) -> bool:
    # A zombie postmaster (killed, not yet reaped) still answers kill(pid, 0), so read its state.
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


class LocalPostgres:
    def __init__(self, data_dir: Path, port: int = 55432, user: str = "sipelkop", password: str = "sipelkop"):
        self.data_dir = Path(data_dir).absolute()
        self.port, self.user, self.password = port, user, password
        self.log_file = self.data_dir / "postgres.log"
        # postgres refuses to run as root, so root delegates to the 'postgres' OS user
        self._as_root = os.geteuid() == 0

    def _run(self, *args: str, check: bool = True, **kw) -> subprocess.CompletedProcess:
        cmd = ["runuser", "-u", "postgres", "--", *args] if self._as_root else list(args)
        # cwd="/": the caller's cwd (e.g. /root) may not be readable by the postgres user
        proc = subprocess.run(cmd, cwd="/", capture_output=True, text=True, **kw)
        if check and proc.returncode != 0:
            tail = self.log_file.read_text(errors="replace")[-3000:] if self.log_file.exists() else ""
            raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}"
                               + (f"\n--- {self.log_file} ---\n{tail}" if tail else ""))
        return proc

    def _give(self, path: Path) -> None:
        if self._as_root:
            shutil.chown(path, "postgres", "postgres")

    def _pid(self) -> int | None:
        try:
            return int((self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def is_running(self) -> bool:
        pid = self._pid()
        # comm check: after a reboot/kill the stale pid may belong to an unrelated process
        return pid is not None and _alive(pid) and _comm(pid) == "postgres"

    def start(self, timeout: float = 60.0) -> None:
        if self.is_running():
            # postmaster.pid line 4 is the port: refuse silently handing out URLs that point elsewhere
            lines = (self.data_dir / "postmaster.pid").read_text().split("\n")
            running_port = lines[3] if len(lines) > 3 else str(self.port)  # still being written
            if running_port != str(self.port):
                raise RuntimeError(f"{self.data_dir} is already served on port {running_port}, not {self.port}")
            return
        pg_bin = find_pg_bin()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._as_root:
            self._prepare_for_postgres_user()
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb(pg_bin)
        sock = self.data_dir / f".s.PGSQL.{self.port}"
        # Unix socket paths are limited to ~107 bytes; deep (pytest) dirs fall back to TCP only.
        sock_dir = str(self.data_dir) if len(str(sock)) < 100 else ""
        conf = self.data_dir / _CONF
        conf.write_text(f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
                        f"unix_socket_directories = '{sock_dir}'\nmax_connections = 200\nfsync = on\n")
        self._give(conf)
        # After kill() the lock files may name a zombie (PID 1 here does not reap orphans), which
        # postgres would take for a live postmaster; no postmaster of ours runs, so they are stale.
        for lock in [self.data_dir / "postmaster.pid", *self.data_dir.glob(".s.PGSQL.*")]:
            lock.unlink(missing_ok=True)
        self._run(str(pg_bin / "pg_ctl"), "start", "-w", "-t", str(max(1, int(timeout))),
                  "-D", str(self.data_dir), "-l", str(self.log_file), timeout=timeout + 30)

    def _prepare_for_postgres_user(self) -> None:
        # The postgres user must traverse every parent (pytest's /tmp/pytest-of-root is 0700).
        for parent in self.data_dir.parents:
            mode = parent.stat().st_mode
            if not mode & stat.S_IXOTH:
                parent.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)
        self._give(self.data_dir)
        self.data_dir.chmod(0o700)  # postgres refuses group/world-accessible data dirs

    def _initdb(self, pg_bin: Path) -> None:
        with tempfile.NamedTemporaryFile("w", prefix="pgpw") as pw:
            pw.write(self.password + "\n")
            pw.flush()
            self._give(Path(pw.name))
            # Local socket (inside the 0700 data dir) is trusted; TCP always needs the password.
            self._run(str(pg_bin / "initdb"), "-D", str(self.data_dir), "-U", self.user, f"--pwfile={pw.name}",
                      "-E", "UTF8", "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256",
                      "--no-instructions")
        with open(self.data_dir / "postgresql.conf", "a") as f:
            f.write(f"\ninclude_if_exists = '{_CONF}'\n")

    def stop(self, mode: str = "fast") -> None:
        if self.is_running():
            self._run(str(find_pg_bin() / "pg_ctl"), "stop", "-w", "-m", mode, "-D", str(self.data_dir))

    def kill(self) -> None:
        pid = self._pid()
        if pid is None or not self.is_running():  # never SIGKILL whatever reused a stale pid
            return
        # Backends are session leaders of their own (setsid), so killpg misses them: find them by PPid.
        children = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                if f"\nPPid:\t{pid}\n" in status.read_text():
                    children.append(int(status.parent.name))
            except OSError:
                pass
        for p in [pid, *children]:  # postmaster first, so it cannot fork replacements
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in [pid, *children]) and time.monotonic() < deadline:
            time.sleep(0.05)

    def url(self, database: str, driver: str = "postgresql+asyncpg") -> str:
        return f"{driver}://{quote(self.user, safe='')}:{quote(self.password, safe='')}@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres", **variables: str) -> str:
        """Run SQL (psql syntax, :'var' interpolation) over TCP; returns unaligned output."""
        psql = find_pg_bin() / "psql"
        args = [str(psql if psql.exists() else "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, "-d", database]
        for k, v in variables.items():
            args += ["-v", f"{k}={v}"]
        env = {**os.environ, "PGPASSWORD": self.password, "PGCONNECT_TIMEOUT": "10"}
        proc = subprocess.run(args, input=sql, capture_output=True, text=True, env=env, timeout=120)
        if proc.returncode != 0:
            raise RuntimeError(f"psql failed ({proc.returncode}): {proc.stderr.strip()}")
        return proc.stdout

    def create_database(self, name: str, drop_existing: bool = False) -> None:
        # Variables go through stdin, where psql quotes :"name"/:'name' safely (-c does not interpolate).
        sql = "DROP DATABASE IF EXISTS :\"name\" WITH (FORCE);\n" if drop_existing else ""
        sql += ("SELECT format('CREATE DATABASE %I', :'name')"
                " WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name') \\gexec\n")
        self.psql(sql, name=name)

    def __enter__(self) -> "LocalPostgres":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m shared.infra.postgres_local", description=__doc__)
    ap.add_argument("--data-dir", type=Path, default=Path(os.environ.get("SIPELKOP_PG_DIR", "/tmp/sipelkop-pg")))
    ap.add_argument("--port", type=int, default=55432)
    ap.add_argument("--create-db", action="extend", nargs="+", default=[], metavar="NAME")
    ap.add_argument("--stop", action="store_true", help="stop the server in --data-dir")
    args = ap.parse_args(argv)
    pg = LocalPostgres(args.data_dir, port=args.port)
    try:
        if args.stop:
            was_running = pg.is_running()
            pg.stop()
            print(f"{'stopped PostgreSQL' if was_running else 'PostgreSQL was not running'} in {args.data_dir}")
            return 0
        pg.start()
        for name in args.create_db:
            pg.create_database(name)
    except RuntimeError as e:
        print(e, file=sys.stderr)
        return 1
    for name in args.create_db or ["postgres"]:
        print(pg.url(name))
    print(f"# running from {args.data_dir} (log: {pg.log_file}); stop with --stop", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
