"""Loopback helpers for the processes tests and benchmarks start (the app, PostgreSQL, Chroma, nginx)."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_http(url: str, alive: Callable[[], bool] = lambda: True, timeout_s: float = 60.0) -> bool:
    """Poll `url` until it answers (True), or until `alive()` says the process died or the time is up (False)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            urllib.request.urlopen(url, timeout=3)
            return True
        except OSError:
            if not alive() or time.monotonic() > deadline:
                return False
            time.sleep(0.3)


def stop_process(proc: subprocess.Popen[bytes] | None, timeout_s: float = 20.0) -> None:
    """SIGTERM, then SIGKILL if it has not ended within `timeout_s`; reaped either way."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
