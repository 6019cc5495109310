"""The web app as a child process: started on a free port, polled until it answers HTTP, killed with SIGKILL."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

from interviewer.reliability.sessions import PostgresReader, Reader, SessionReader
from interviewer.settings import REPO_ROOT, Settings, child_env
from interviewer.testing.net import free_port

READY_TIMEOUT_S = 180.0  # a first start in a fresh data directory builds the index (about 20 s on 2 cores)
# settings whose empty value is not "unset" to pydantic: left out of the child's environment instead
_UNSET_WHEN_EMPTY = {"INTERVIEWER_DATABASE_URL", "INTERVIEWER_CHROMA_URL", "INTERVIEWER_AUTH__TRUSTED_HEADER"}


class AppError(RuntimeError):
    pass


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between the nearest ranks; 0.0 for no values (a report always has a number)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


class AppProcess:
    """`python app.py` from the repository root, serving `data_dir` on 127.0.0.1 and a fresh port per start.

    The app's output goes to `data_dir/app.log` (appended across restarts), so a failure can be read later.
    The engine is forced offline: a harness must never send hundreds of turns to a paid endpoint. Logins and
    accounts are off (the harness's candidates do not sign in). The session database and the index server are the
    settings' own, so a harness can run against PostgreSQL and a Chroma server.
    """

    def __init__(self, settings: Settings, data_dir: Path, port: int | None = None, name: str = "app"):
        """`port`: the same one at every start (a replica behind nginx); by default a fresh one each time."""
        self.settings = settings.model_copy(update={"data_dir": data_dir})
        self.data_dir = data_dir
        self.port = port
        self.log_path = data_dir / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""
        self._log: IO[bytes] | None = None

    @property
    def sessions_db(self) -> Path:
        return self.settings.sessions_dir / "sessions.sqlite3"

    @property
    def reader(self) -> Reader:
        """The app's sessions, read directly: its PostgreSQL database when it has one, else its SQLite file."""
        if self.settings.database_url is not None:
            return PostgresReader(self.settings.database_url.get_secret_value())
        return SessionReader(self.sessions_db)

    def _env(self, port: int) -> dict[str, str]:
        forced = {"HOST": "127.0.0.1", "PORT": str(port), "LLM__BASE_URL": "", "LLM__API_KEY": "",
                  "AUTH__USERNAME": "", "AUTH__PASSWORD": "", "AUTH__TRUSTED_HEADER": "",
                  "AUTH__USERS_FILE": str(self.data_dir / "no-accounts.json"),
                  "DATABASE_URL": self.settings.database_url.get_secret_value() if self.settings.database_url else "",
                  "CHROMA_URL": self.settings.chroma_url or ""}  # fmt: skip
        env = {**child_env(self.settings), **{f"INTERVIEWER_{k}": v for k, v in forced.items()}}
        return {k: v for k, v in env.items() if not (k in _UNSET_WHEN_EMPTY and v == "")}

    def start(self) -> float:
        """Start the app and wait until it serves; returns the seconds from launch to the first HTTP answer."""
        if self.proc is not None:
            raise AppError("the app is already running; kill it first")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        port = self.port or free_port()
        self._log = self.log_path.open("ab")
        began = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "app.py"],
            cwd=REPO_ROOT,
            env=self._env(port),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so SIGKILL takes anything it spawned too
        )
        self.url = f"http://127.0.0.1:{port}/"
        self._wait_ready(began)
        return time.perf_counter() - began

    def _wait_ready(self, began: float) -> None:
        assert self.proc is not None
        while time.perf_counter() - began < READY_TIMEOUT_S:
            if self.proc.poll() is not None:
                raise AppError(f"the app exited with code {self.proc.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        self.kill()
        raise AppError(f"the app did not serve within {READY_TIMEOUT_S:.0f} s; see {self.log_path}")

    def cpu_seconds(self) -> float:
        """CPU time the running app has used so far (user + system, its threads included); 0.0 when not running
        or where /proc is missing."""
        if self.proc is None:
            return 0.0
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime

    def kill(self, sig: signal.Signals = signal.SIGKILL) -> None:
        """Signal the app's process group (SIGKILL by default: no clean-up runs) and reap it."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def stop(self) -> None:
        """A normal shutdown, for the end of a run."""
        self.kill(signal.SIGTERM)
