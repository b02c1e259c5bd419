"""The README's run command as a newcomer types it: `sipelkop up --demo` on an empty data dir says it runs in
development, starts the broker and the four services, loads the demo and prints each demo account's password once;
a person signs in with one of them and sees the demo's figures; Ctrl-C stops everything and leaves no process."""
from __future__ import annotations

import queue
import re
import signal
import subprocess
import sys
import threading
import time

import httpx
import psutil

from tests.fixtures.infra import free_port
from tests.integration.test_orphans import READY, ROOT, up_env  # noqa: F401 (up_env: a fixture)


def read_until(lines: queue.Queue, said: list[str], done, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if line is None:
            break  # it ended
        said.append(line.rstrip())
        if done(said[-1]):
            return
    raise AssertionError("sipelkop up did not get there:\n" + "\n".join(said))


def test_up_with_the_demo_serves_it_to_a_person_and_stops_on_ctrl_c(up_env, tmp_path):
    env, ports = up_env
    del env["SIPELKOP_ENV"]  # as on a newcomer's shell: `up` itself says and sets development
    up = subprocess.Popen([sys.executable, "-m", "shared.cli", "up", "--demo", "--kafka-port", str(free_port())],
                          cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: ([lines.put(line) for line in up.stdout], lines.put(None)), daemon=True).start()
    said: list[str] = []
    try:
        read_until(lines, said, lambda line: line.startswith(READY), timeout=480)
        text = "\n".join(said)
        assert said[0].startswith("Mode pengembangan: SIPELKOP_ENV=development"), text
        assert "Memuat data demo lewat API layanan ..." in text, text
        assert re.search(r"Data demo dimuat dalam \d+ detik", text), text
        password = re.search(r"^\s+kementerian\s+(\S+)\s+Pimpinan", text, re.M)
        assert password, text

        identity, reporting = (f"http://127.0.0.1:{ports[n]}" for n in ("identity", "reporting"))
        with httpx.Client(timeout=60) as person:  # one sign-in: the session cookie serves every service's pages
            signed_in = person.post(f"{identity}/api/v1/auth/login",
                                    json={"username": "kementerian", "password": password.group(1)})
            assert signed_in.status_code == 200, signed_in.text
            token = signed_in.json()["access_token"]
            summary = person.get(f"{reporting}/api/v1/reports/summary",
                                 headers={"Authorization": f"Bearer {token}"}).json()
            assert summary["participants_enrolled"] > 0 and summary["participants_completed"] > 0, summary
            dashboard = person.get(f"{reporting}/dasbor", headers={"Accept": "text/html"})
            assert dashboard.status_code == 200 and "Dewi Kartika" in dashboard.text, dashboard.text[:500]

        children = psutil.Process(up.pid).children(recursive=True)
        up.send_signal(signal.SIGINT)  # Ctrl-C
        read_until(lines, said, lambda line: line.startswith("Selesai. Data tetap di"), timeout=90)
        assert up.wait(30) == 0, "\n".join(said)
        assert "Menghentikan layanan dan Kafka ..." in said, "\n".join(said)
        gone, alive = psutil.wait_procs(children, timeout=30)
        assert not alive, [" ".join(p.cmdline())[:200] for p in alive]
    finally:
        if up.poll() is None:
            for child in psutil.Process(up.pid).children(recursive=True):
                child.kill()
            up.kill()
