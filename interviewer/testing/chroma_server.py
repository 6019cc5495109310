"""A throwaway Chroma server for tests and benchmarks: `chroma run` (the binary inside the chromadb wheel) on a free
loopback port with its own data folder, stopped at the end."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from interviewer.testing.net import free_port, stop_process, wait_for_http

START_TIMEOUT_S = 60


class ChromaServer:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="interviewer-chroma-"))
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ChromaServer:
        exe = Path(sys.executable).with_name("chroma")
        cmd = [str(exe) if exe.exists() else "chroma", "run", "--path", str(self.folder / "data"),
               "--host", "127.0.0.1", "--port", str(self.port)]  # fmt: skip
        log = (self.folder / "server.log").open("wb")
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        proc = self.proc
        if not wait_for_http(f"{self.url}/api/v2/heartbeat", lambda: proc.poll() is None, START_TIMEOUT_S):
            said = (self.folder / "server.log").read_text(errors="replace")[-1000:]
            self.stop()
            raise RuntimeError(f"chroma run did not start: {said}")
        return self

    def stop(self, remove: bool = True) -> None:
        stop_process(self.proc)
        if remove:
            shutil.rmtree(self.folder, ignore_errors=True)
