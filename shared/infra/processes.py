"""Child processes that do not outlive the process that started them (Linux parent-death signal)."""
from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading

_PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGTERM):
    """A preexec_fn: the child gets `sig` when its parent dies, even by SIGKILL (None off Linux, or off the main
    thread: the signal follows the thread that forked, so a child started from a worker thread would get it when
    that thread ends)."""
    if not sys.platform.startswith("linux") or threading.current_thread() is not threading.main_thread():
        return None
    parent = os.getpid()

    def preexec() -> None:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(sig))
        if os.getppid() != parent:  # the parent died before prctl: the signal would never come
            os._exit(1)

    return preexec


def is_ours(pid: int, *markers: str) -> bool:
    """True when `pid` runs and its command line holds every marker (a recycled pid holds other words)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read().decode(errors="replace")
    except OSError:
        return False
    return all(m in cmdline for m in markers)
