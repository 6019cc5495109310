"""The app's API as a candidate's browser uses it: /start, /send and /resume through gradio_client."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from interviewer.reliability.sessions import Shown

TURN_TIMEOUT_S = 120.0
# Long and on topic, so the offline scorer has to embed it (short answers are turned away before that).
WARM_ANSWER = (
    "I would reproduce the slow endpoint first, then profile it with cProfile and py-spy to find the hot path. "
    "We had N+1 queries in the ORM, so I used select_related and added an index, and p95 went from 900 ms to 80 ms."
)


@dataclass(frozen=True)
class Plan:
    tracks: list[str]
    level: str
    questions: int
    mode: str
    scenario: str
    seed: int


@dataclass(frozen=True)
class Reply:
    chat: list[Shown]
    status: str
    notice: str


def chat_pairs(messages: Any) -> list[Shown]:
    """Gradio's messages format to (role, text); content is a string or a list of typed parts. A reply that leaves
    the chat as it was (an update with no value) gives no turns."""
    out: list[Shown] = []
    if not isinstance(messages, list):
        return out
    for m in messages:
        content = m["content"]
        if isinstance(content, list):
            content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
        out.append((str(m["role"]), str(content)))
    return out


class AppClient:
    """One candidate's connection. Every call has a time limit, so a dead server cannot hang a thread."""

    def __init__(self, url: str, timeout: float = TURN_TIMEOUT_S):
        from gradio_client import Client

        self.timeout = timeout
        self._client = Client(url, verbose=False, max_workers=4)

    def _call(self, *args: Any, api_name: str) -> Any:
        job = self._client.submit(*args, api_name=api_name)
        try:
            return job.result(timeout=self.timeout)
        except TimeoutError:
            job.cancel()
            raise

    def start(self, plan: Plan) -> tuple[str, Reply]:
        out = self._call(
            plan.tracks, plan.level, plan.questions, plan.mode, plan.scenario, plan.seed, api_name="/start"
        )
        return str(out[0]), Reply(chat_pairs(out[1]), str(out[2] or ""), str(out[4] or ""))

    def send(self, session_id: str, text: str) -> Reply:
        out = self._call(session_id, text, api_name="/send")
        return Reply(chat_pairs(out[0]), str(out[2] or ""), str(out[4] or ""))

    def resume(self, session_id: str) -> Reply:
        out = self._call(session_id, api_name="/resume")
        return Reply(chat_pairs(out[1]), str(out[2] or ""), str(out[4] or ""))

    def close(self) -> None:
        self._client.close()


def wait_until_warm(url: str) -> float:
    """Seconds until scored answers are answered. The app serves before its warm-up (loading the model, then
    embedding every rubric) ends, and scored answers wait for it. The first probe waits for the model; the
    rubric embedding starts right after and holds the scorer, so a second probe waits for that too."""
    import time

    began = time.perf_counter()
    client = AppClient(url)
    try:
        sid, _ = client.start(Plan(["python-developer"], "intermediate", 2, "practice", "", 0))  # both answers scored
        client.send(sid, WARM_ANSWER)
        client.send(sid, WARM_ANSWER)
    finally:
        client.close()
    return time.perf_counter() - began
