"""Cold start and the app's memory: the real web app (`python app.py`, through `AppProcess`) on a data directory
whose index is already built, as on every start after the first.

- served: from spawning the process until GET / answers 200 (`AppProcess.start`).
- first scored: from spawning until the first answer the app scored comes back through its API (`/start`, then
  `/send` with the current question's reference answer). This is what a candidate waits for: the app serves
  before its warm-up (loading the embedding model, then embedding every rubric) ends, and scoring waits for it.
  The app's engine is forced offline, so this is the embedded default.
- app peak RSS: the app's VmHWM (/proc/PID/status) after the first scored answer and a few more turns.

The operating system's file cache is warm (the index was just built), as on any start but the first after boot.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from interviewer.bank.loader import Bank, load_bank
from interviewer.bank.models import is_stage_key
from interviewer.bench.figures import BenchError
from interviewer.index.store import BankIndex
from interviewer.interview.store import SessionStore
from interviewer.reliability.app_process import AppProcess
from interviewer.reliability.client import AppClient, Plan
from interviewer.settings import Settings

PLAN = Plan(["python-developer"], "intermediate", 8, "practice", "", 0)  # more questions than the turns sent
TRIES = 3  # answers sent before giving up on a score: a reply may ask to expand first


@dataclass(frozen=True)
class StartSample:
    served_s: float
    first_scored_s: float
    peak_rss_mb: float


def _answer(client: AppClient, store: SessionStore, bank: Bank, session_id: str) -> bool:
    """Answer the current question with the bank's reference answer; True when the app scored it."""
    current = store.load(session_id).state.current
    if current is None or is_stage_key(current):
        raise BenchError(f"the plan ran out of questions (at {current!r}); ask for more in PLAN")
    client.send(session_id, bank.question(current).reference_answer)
    candidate = [t for t in store.load(session_id).turns if t.role == "candidate"][-1]
    return bool(candidate.score and candidate.score.score is not None)


def _peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    return round(int(kib) / 1024, 1)


def _drive(app: AppProcess, bank: Bank, more_turns: int) -> float:
    """The first scored answer, then `more_turns` answers; returns seconds from the call to the first score."""
    began = time.perf_counter()
    client = AppClient(app.url)
    try:
        store = SessionStore(app.sessions_db)
        session_id, _ = client.start(PLAN)
        if not any(_answer(client, store, bank, session_id) for _ in range(TRIES)):
            raise BenchError(f"the app scored none of {TRIES} reference answers; see {app.log_path}")
        first_scored = time.perf_counter() - began
        for _ in range(more_turns):
            _answer(client, store, bank, session_id)
    finally:
        client.close()
    return first_scored


def one_start(app: AppProcess, bank: Bank, more_turns: int) -> StartSample:
    try:  # stopped whatever happens, even an interrupt while it starts: it runs in its own process group
        served = app.start()
        first_scored = served + _drive(app, bank, more_turns)
        assert app.proc is not None
        rss = _peak_rss_mb(app.proc.pid)
    finally:
        app.stop()
    return StartSample(served, first_scored, rss)


def run_cold_start_bench(
    settings: Settings,
    data_dir: Path,
    starts: int = 3,
    more_turns: int = 5,
    note: Callable[[str], None] | None = None,
) -> dict[str, float]:
    """`note` hears which start is running, for a progress display."""
    scoped = settings.model_copy(update={"data_dir": data_dir})
    if not BankIndex(scoped).manifest_path.exists():
        raise BenchError(f"no built index in {data_dir}: a cold start is timed on a built index")
    bank = load_bank(settings.knowledge_dir)
    samples = []
    for n in range(starts):
        if note is not None:
            note(f"start {n + 1}/{starts}")
        samples.append(one_start(AppProcess(settings, data_dir), bank, more_turns))
    served, scored = [s.served_s for s in samples], [s.first_scored_s for s in samples]
    return {
        "cold_start_served_p50_s": round(statistics.median(served), 2),
        "cold_start_served_max_s": round(max(served), 2),
        "cold_start_first_scored_p50_s": round(statistics.median(scored), 2),
        "cold_start_first_scored_max_s": round(max(scored), 2),
        "cold_starts": float(starts),
        "app_peak_rss_mb": max(s.peak_rss_mb for s in samples),
    }
