"""`sipelkop up` killed with SIGKILL leaves no broker and no service behind, and the next `sipelkop up` on the same
data dir is ready; a broker of the data dir left running is stopped, a port held by another program is named."""
from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil
import pytest

from shared.infra.kafka_local import LocalKafka
from tests.fixtures.infra import free_port

ROOT = Path(__file__).resolve().parents[2]
READY = "SIPELKOP siap."


def up(data_dir: Path, env: dict, kafka_port: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "shared.cli", "up", "--kafka-port", str(kafka_port)], cwd=ROOT,
                            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def wait_until_ready(process: subprocess.Popen, timeout: float = 240) -> list[str]:
    """What `sipelkop up` printed until it said it is ready (read in a thread: a silent hang must not block)."""
    lines: queue.Queue = queue.Queue()

    def read() -> None:
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    said, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            if process.poll() is not None and lines.empty():
                break
            continue
        said.append(line.rstrip())
        if line.startswith(READY):
            return said
    raise AssertionError("sipelkop up was not ready:\n" + "\n".join(said))


@pytest.fixture
def up_env(tmp_path):
    ports = {name: free_port() for name in ("identity", "registration", "training", "reporting")}
    env = {**os.environ, "SIPELKOP_DATA_DIR": str(tmp_path), "SIPELKOP_ENV": "development",
           "PYTHONUNBUFFERED": "1", "SIPELKOP_JWKS_URL": "",
           **{f"{name.upper()}_PORT": str(port) for name, port in ports.items()},
           **{f"SIPELKOP_{name.upper()}_URL": f"http://127.0.0.1:{port}" for name, port in ports.items()}}
    return env, ports


def test_sigkill_of_up_leaves_no_process_and_the_next_up_is_ready(tmp_path, up_env):
    env, ports = up_env
    kafka_port = free_port()
    first = up(tmp_path, env, kafka_port)
    try:
        wait_until_ready(first)
        children = psutil.Process(first.pid).children(recursive=True)
        assert any("kafka.Kafka" in " ".join(c.cmdline()) for c in children)
        assert sum("serve" in c.cmdline() for c in children) == 4
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        # Each child got its parent-death signal; wait for them to finish their clean stop.
        gone, alive = psutil.wait_procs(children, timeout=60)
        assert not alive, [" ".join(p.cmdline())[:200] for p in alive]
    finally:
        if first.poll() is None:
            first.kill()
    second = up(tmp_path, env, kafka_port)
    try:
        said = wait_until_ready(second)
        assert not any("dipakai" in line for line in said), said
        for name, port in ports.items():
            assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200, name
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(90)
    assert second.returncode == 0


def test_a_broker_of_the_data_dir_left_running_is_stopped_by_the_next_start(tmp_path):
    port = free_port()
    left = LocalKafka(tmp_path, port=port)
    left.start()
    orphan = left._proc.pid  # as if its parent had died without stopping it
    try:
        again = LocalKafka(tmp_path, port=port)
        again.start()
        try:
            assert not psutil.pid_exists(orphan) or psutil.Process(orphan).status() == psutil.STATUS_ZOMBIE
            assert again.is_running() and (tmp_path / "broker.pid").read_text().split()[0] == str(again._proc.pid)
        finally:
            again.stop()
    finally:
        left.kill()
    assert not (tmp_path / "broker.pid").exists()


def test_a_port_held_by_another_program_is_named_in_bahasa(tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(RuntimeError) as refused:
            LocalKafka(tmp_path, port=port).start()
    assert f"port {port} dipakai program lain" in str(refused.value)
