"""The stack for a team, run as a team would run it: two app replicas started by deploy/replicas.sh, sharing a
PostgreSQL database and a Chroma server, behind nginx with deploy/nginx.conf as shipped (its ports changed). One
candidate answers through nginx while each replica in turn is killed with SIGKILL: no acknowledged turn is lost,
and the interview goes on on the other replica. `pytest -k replica` runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from interviewer.interview.store_postgres import PostgresSessionStore
from interviewer.reliability.stack import Nginx, nginx_binary
from interviewer.settings import REPO_ROOT
from interviewer.testing.chroma_server import ChromaServer
from interviewer.testing.net import free_port, wait_for_http
from interviewer.testing.postgres import Cluster

DEPLOY = REPO_ROOT / "deploy"
START_TIMEOUT_S = 180
ANSWERS = [
    "I'd profile it first with cProfile on a copy of production data, then look at the slowest calls.",
    "Then I'd check the database queries for an N+1 pattern and add select_related where the ORM loops.",
    "Finally I'd measure again before and after the change, and add a test so it doesn't come back.",
]


def _nginx() -> str:
    found = nginx_binary()
    if found is None:
        if os.environ.get("REQUIRE_DEPLOY_TESTS") == "1":
            pytest.fail("nginx is missing: apt-get install -y nginx")
        pytest.skip("nginx is not installed (apt-get install -y nginx)")
    return found


class Replicas:
    def __init__(self, data: Path, env: dict[str, str], ports: list[int]):
        self.data, self.env, self.ports = data, env, ports

    def _script(self, *args: str) -> str:
        out = subprocess.run([str(DEPLOY / "replicas.sh"), *args], env=self.env, capture_output=True, text=True,
                             timeout=60, check=True)  # fmt: skip
        return out.stdout

    def start(self, *ports: int) -> None:
        said = self._script("start", *map(str, ports))
        for port in ports:
            log = self.data / "replicas" / f"{port}.log"
            if not wait_for_http(f"http://127.0.0.1:{port}/", lambda: True, START_TIMEOUT_S):
                tail = log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"
                pytest.fail(f"the replica on port {port} did not come up; replicas.sh said:\n{said}\nits log:\n{tail}")

    def kill(self, port: int) -> None:
        pid = int((self.data / "replicas" / f"{port}.pid").read_text())
        os.kill(pid, signal.SIGKILL)
        while True:  # until it is gone, or dead and waiting to be reaped
            try:
                if "zombie" in Path(f"/proc/{pid}/status").read_text():
                    return
            except FileNotFoundError:
                return
            time.sleep(0.1)

    def stop(self) -> None:
        self._script("stop")


def test_a_dead_unreaped_replica_counts_as_stopped(tmp_path: Path) -> None:
    """A killed replica whose parent has not reaped it is a zombie: kill -0 still answers for it. In a container
    whose first process does not reap, that is what a SIGKILLed replica stays, and `start` used to skip its port as
    'already running'. status must say stopped, and a live pid must still say running."""
    dead = subprocess.Popen(["true"])  # never waited for: a zombie child of this test
    while "zombie" not in Path(f"/proc/{dead.pid}/status").read_text():
        time.sleep(0.05)
    live = subprocess.Popen(["sleep", "60"])
    try:
        run = tmp_path / "replicas"
        run.mkdir()
        (run / "7001.pid").write_text(str(dead.pid))
        (run / "7002.pid").write_text(str(live.pid))
        env = {**os.environ, "INTERVIEWER_DATA_DIR": str(tmp_path)}
        out = subprocess.run([str(DEPLOY / "replicas.sh"), "status"], env=env, capture_output=True, text=True,
                             timeout=30, check=True).stdout  # fmt: skip
        assert out.split("\n")[:2] == ["7001 stopped", "7002 running"]
    finally:
        live.kill()
        live.wait()
        dead.wait()


@pytest.fixture
def stack(postgres: Cluster, chroma_server: ChromaServer, tmp_path: Path) -> Iterator[tuple[str, Replicas, str]]:
    _nginx()
    database = postgres.new_database()
    ports = [free_port(), free_port()]
    env = {**os.environ, "PYTHON": sys.executable, "INTERVIEWER_DATA_DIR": str(tmp_path / "data"),
           "INTERVIEWER_DATABASE_URL": database, "INTERVIEWER_CHROMA_URL": chroma_server.url}  # fmt: skip
    for name in ("INTERVIEWER_LLM__BASE_URL", "INTERVIEWER_LLM__API_KEY"):
        env.pop(name, None)
    replicas = Replicas(tmp_path / "data", env, ports)
    nginx = Nginx(ports)  # deploy/nginx.conf as shipped, its two ports changed
    try:
        replicas.start(*ports)
        nginx.start()
        yield nginx.url, replicas, database
    finally:
        nginx.stop()
        replicas.stop()


def _client(url: str) -> Any:
    from gradio_client import Client

    return Client(url, verbose=False)


def _send(url: str, sid: str, text: str) -> list[dict[str, Any]]:
    """One answer through nginx, from a fresh connection (the page reconnecting after its replica died)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            return list(_client(url).predict(sid, text, None, api_name="/send")[0])
        except Exception:  # nginx notices a dead replica on the first request that reaches it
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def test_replica_killed_mid_interview_loses_no_turn(stack: tuple[str, Replicas, str]) -> None:
    url, replicas, database = stack
    sid = str(_client(url).predict(["python-developer"], "intermediate", 3, "practice", "", 0, api_name="/start")[0])
    store = PostgresSessionStore(database)
    first = _send(url, sid, ANSWERS[0])
    assert ANSWERS[0] in str(first)
    replicas.kill(replicas.ports[0])  # one replica dies mid-interview
    _send(url, sid, ANSWERS[1])
    replicas.start(replicas.ports[0])
    replicas.kill(replicas.ports[1])  # then the other: whichever served the candidate, one of them did
    chat = _send(url, sid, ANSWERS[2])
    said = [t.text for t in store.load(sid).turns if t.role == "candidate"]
    assert said == ANSWERS  # every acknowledged turn, once, in order
    assert all(a in str(chat) for a in ANSWERS)  # and the page shows them all
    resumed = _client(url).predict(sid, api_name="/resume")
    assert resumed[0] == sid and all(a in str(resumed[1]) for a in ANSWERS)  # any replica resumes the link
