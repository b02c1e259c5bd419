"""One server as a child process for tests and the bench: started with its output in a log file, waited for until a
path answers 200 (or failed naming the log's last lines), stopped with a signal and killed after a timeout."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from shared.infra.processes import die_with_parent

ROOT = Path(__file__).resolve().parents[2]
_TAIL = 3000  # characters of the log a failure shows


@dataclass
class ServiceProcess:
    """`sipelkop serve NAME --port PORT` by default; `argv` runs anything else that serves HTTP on `port`."""

    name: str
    port: int
    log_path: Path
    env: dict | None = None  # None: this process's environment
    cwd: Path = ROOT
    argv: list[str] | None = None
    # Run under cProfile, the profile written there when stopped. Stopped with SIGINT then: uvicorn re-raises the
    # signal it stopped on, and SIGTERM's default action ends the process before cProfile writes its file, while
    # SIGINT's KeyboardInterrupt lets it write.
    profile_to: Path | None = None
    preexec: Callable[[], None] | None = None  # run in the child before exec (e.g. a resource limit)
    process: subprocess.Popen | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        argv = self.argv or [sys.executable, "-m", "shared.cli", "serve", self.name, "--port", str(self.port)]
        if self.profile_to is None:
            return argv
        if argv[0] != sys.executable:
            raise ValueError(f"{self.name}: only a Python command runs under cProfile, not {argv[0]}")
        return [sys.executable, "-m", "cProfile", "-o", str(self.profile_to), *argv[1:]]

    def start(self, path: str = "/healthz", timeout: float = 60) -> ServiceProcess:
        """Starts the child and waits until `path` answers 200."""
        with open(self.log_path, "ab") as log:  # the child holds its own descriptor
            self.process = subprocess.Popen(self.command(), env=self.env, cwd=self.cwd, stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=subprocess.STDOUT, preexec_fn=self._before_exec())
        self.wait_for(path, timeout)
        return self

    def _before_exec(self) -> Callable[[], None] | None:
        # SIGKILL when this process dies (killed, timed out): no child outlives its run and holds its port.
        dies = die_with_parent(signal.SIGKILL)
        if dies is None or self.preexec is None:
            return dies or self.preexec
        extra = self.preexec

        def both() -> None:
            dies()
            extra()

        return both

    def wait_ready(self, timeout: float = 60) -> None:
        self.wait_for("/readyz", timeout)

    def wait_for(self, path: str, timeout: float) -> None:
        """Until `path` answers 200; RuntimeError with the log's tail when the child exits or `timeout` passes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; {self._tail()}")
            try:
                if httpx.get(f"{self.url}{path}", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer {path} within {timeout:g} s; {self._tail()}")

    def _tail(self) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            text = ""
        return f"the last lines of {self.log_path}:\n{text[-_TAIL:]}"

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no offset commit, nothing flushed."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self, timeout: float | None = None) -> None:
        """SIGTERM (SIGINT under cProfile), then SIGKILL when it has not ended after `timeout` seconds."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT if self.profile_to else signal.SIGTERM)
            try:
                self.process.wait(timeout or (120 if self.profile_to else 30))  # cProfile writes for a while
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def cpu_seconds(self) -> float:
        """User and system CPU the child has used (0 once it is gone)."""
        import psutil  # a bench/test extra, not a runtime dependency

        try:
            times = psutil.Process(self.process.pid).cpu_times()
        except psutil.Error:
            return 0.0
        return times.user + times.system
