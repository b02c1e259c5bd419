"""The child-process helper the test fixtures and the bench start services with (shared/infra/service_process.py),
on a tiny HTTP server: it is waited for, a child that dies or never answers fails naming its log's last lines, stop()
and kill() end it, under cProfile a stop still writes the profile, and it dies with the process that started it."""
import pstats
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from shared.infra.service_process import ServiceProcess
from tests.fixtures.infra import free_port

SERVER = '''
import http.server, signal, sys, time
port, burn = int(sys.argv[1]), float(sys.argv[2])
if "--ignore-term" in sys.argv:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
until = time.process_time() + burn
while time.process_time() < until:
    pass

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *args):
        pass

print("tiny server listening", flush=True)
http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
'''


@pytest.fixture
def server(tmp_path):
    script = tmp_path / "tiny_server.py"
    script.write_text(SERVER)

    made: list[ServiceProcess] = []

    def make(*flags: str, burn: float = 0.0, **options) -> ServiceProcess:
        port = free_port()
        made.append(ServiceProcess("tiny", port, tmp_path / "tiny.log",
                                   argv=[sys.executable, str(script), str(port), str(burn), *flags], **options))
        return made[-1]

    yield make
    for child in made:
        child.kill()


def answers(child: ServiceProcess) -> bool:
    try:
        return httpx.get(f"{child.url}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def test_start_returns_once_the_path_answers_and_stop_ends_it(server):
    child = server().start("/healthz", timeout=10)
    assert answers(child)
    assert "tiny server listening" in child.log_path.read_text()
    child.stop()
    assert child.process.returncode == -signal.SIGTERM
    assert not answers(child)


def test_kill_ends_it_at_once(server):
    child = server().start(timeout=10)
    child.kill()
    assert child.process.returncode == -signal.SIGKILL
    assert not answers(child)


def test_stop_kills_a_child_that_ignores_sigterm(server):
    child = server("--ignore-term").start(timeout=10)
    started = time.monotonic()
    child.stop(timeout=1)
    assert child.process.returncode == -signal.SIGKILL
    assert time.monotonic() - started < 5


def test_a_child_that_exits_at_once_fails_naming_its_log(tmp_path):
    log = tmp_path / "broken.log"
    child = ServiceProcess("broken", free_port(), log, argv=[
        sys.executable, "-c", "import sys; print('DATABASE_URL is not set', flush=True); sys.exit(3)"])
    with pytest.raises(RuntimeError) as failed:
        child.start(timeout=10)
    assert "broken exited with 3" in str(failed.value)
    assert str(log) in str(failed.value)
    assert "DATABASE_URL is not set" in str(failed.value)


def test_a_child_that_never_answers_the_path_fails_naming_its_log(server):
    child = server()
    with pytest.raises(RuntimeError) as failed:
        child.start("/readyz", timeout=1.5)  # the tiny server answers /readyz with 404
    assert "tiny did not answer /readyz within 1.5 s" in str(failed.value)
    assert "tiny server listening" in str(failed.value)
    assert child.process.poll() is None  # left running: the caller stops it (here the fixture kills it)


def test_cpu_seconds_counts_the_childs_work(server):
    child = server(burn=0.5).start(timeout=20)
    assert child.cpu_seconds() >= 0.4
    child.kill()
    assert child.cpu_seconds() == 0.0  # gone: nothing to ask


def test_under_cprofile_a_stop_writes_the_profile(server, tmp_path):
    profile = tmp_path / "tiny.prof"
    child = server(profile_to=profile).start(timeout=20)
    assert child.process.args[1:3] == ["-m", "cProfile"]
    child.stop()
    assert child.process.returncode is not None
    assert pstats.Stats(str(profile)).total_calls > 0


def test_the_child_dies_with_the_process_that_started_it(tmp_path):
    script = tmp_path / "tiny_server.py"
    script.write_text(SERVER)
    port = free_port()
    starter = ("import sys, time\n"
               "from pathlib import Path\n"
               "from shared.infra.service_process import ServiceProcess\n"
               f"child = ServiceProcess('tiny', {port}, Path({str(tmp_path / 'tiny.log')!r}), "
               f"argv=[sys.executable, {str(script)!r}, '{port}', '0']).start(timeout=10)\n"
               "print(child.process.pid, flush=True)\n"
               "time.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, "-c", starter], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parents[3])
    try:
        pid = int(parent.stdout.readline())
    finally:
        parent.kill()
        parent.wait(5)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _running(pid):
        time.sleep(0.05)
    assert not _running(pid)


def _running(pid: int) -> bool:
    try:  # a zombie (dead, not yet reaped by its new parent) is not running
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False
