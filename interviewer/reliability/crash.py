"""Crash durability: candidates interview while the app is killed with SIGKILL at random moments.

Each trial: the candidates' sessions are checked on the restarted app (SQLite, /resume, a new turn), then the
candidates drive their interviews until a seeded random delay has passed, and the app is killed without warning.
The same data directory is reused across trials, so restarts skip the index build, as a real restart would.
"""

from __future__ import annotations

import contextlib
import random
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from interviewer.reliability.app_process import AppProcess, percentile
from interviewer.reliability.client import AppClient, wait_until_warm
from interviewer.reliability.crash_checks import Record, Tally, check_continues, check_resume, check_stored
from interviewer.reliability.reports import CRASH_FAILURES, CrashReport
from interviewer.reliability.script import MAX_TURNS_PER_SESSION, candidate_text, marker, random_plan
from interviewer.reliability.stack import Stack, describe, target
from interviewer.settings import Settings


@dataclass(frozen=True)
class CrashConfig:
    trials: int = 30
    seed: int = 0
    candidates: int = 3
    kill_after_s: tuple[float, float] = (0.5, 4.0)  # after the candidates start driving on the restarted app
    think_s: tuple[float, float] = (0.0, 1.5)  # a pause between turns, so some kills land between turns
    data_dir: Path | None = None  # None: a temporary directory, removed after a clean run
    replicas: int = 0  # 0: one app process; N: N replicas behind nginx, the serving one killed each time
    # a call cut by a kill ends at once with one process; behind nginx, with the other replica alive, a call whose
    # event stream died with its replica can wait instead: it is given up after this (it was in flight anyway)
    call_timeout_s: float = 45.0


@dataclass
class Candidate:
    index: int
    rng: random.Random
    records: list[Record] = field(default_factory=list)
    turn: int = 0
    in_flight: bool = False

    def next_text(self, wrap_up: bool = False, non_answers: bool = True) -> str:
        self.turn += 1
        return candidate_text(self.rng, marker("crash", self.index, self.turn), wrap_up, non_answers)

    @property
    def current(self) -> Record | None:
        return self.records[-1] if self.records else None


class CrashRun:
    def __init__(self, config: CrashConfig, app: AppProcess | Stack):
        self.config, self.app = config, app
        self.reader = app.reader
        self.tally = Tally()
        self.rng = random.Random(config.seed)
        self.candidates = [Candidate(i, random.Random(config.seed * 1000 + i)) for i in range(config.candidates)]
        self.stop = threading.Event()
        self.mid_turn = 0

    # --- after each restart -------------------------------------------------------------------------------
    def verify(self, where: str, client: AppClient, cand: Candidate) -> None:
        """Check every session the candidate touched since the last restart, then take the current one on."""
        current = cand.current
        alive = [rec for rec in cand.records if self._check(where, client, rec)]
        cand.records = [current] if current is not None and any(rec is current for rec in alive) else []
        if cand.records and current is not None and current.acked:
            text = cand.next_text(non_answers=False)  # an answer is scored, so it waits for the app's warm-up
            check_continues(client, current, current.acked, text, self.tally, where)

    def _check(self, where: str, client: AppClient, rec: Record) -> bool:
        rows = check_stored(rec, self.reader, self.tally, where)
        if rows is None:
            return False  # counted as lost; a new session replaces it
        rec.acked, rec.pending = rows, None
        check_resume(client, rec, rows, self.tally, where)
        return True

    def check_health(self, where: str) -> None:
        integrity, mode = self.reader.health()
        if integrity != "ok" or mode not in ("wal", "postgresql"):
            self.tally.add("integrity_failures", 1, f"{where}: integrity_check {integrity!r}, journal_mode {mode!r}")

    # --- between restarts ---------------------------------------------------------------------------------
    def drive(self, client: AppClient, cand: Candidate) -> None:
        """Interview until told to stop; an error after the stop is the kill, before it a failure."""
        while not self.stop.is_set():
            rec = cand.current
            cand.in_flight = True
            try:
                if rec is None or rec.done or len(rec.acked) > MAX_TURNS_PER_SESSION:
                    self._start(client, cand)
                else:
                    self._send(client, cand, rec)
            except Exception as e:
                if not self.stop.is_set():
                    self.tally.add("driver_errors", 1, f"candidate {cand.index}: {type(e).__name__}: {e}")
                elif rec is None or rec.done or len(rec.acked) > MAX_TURNS_PER_SESSION:
                    self.tally.add("in_flight_starts")
                return
            finally:
                cand.in_flight = False
            self.stop.wait(cand.rng.uniform(*self.config.think_s))

    def _start(self, client: AppClient, cand: Candidate) -> None:
        sid, reply = client.start(random_plan(cand.rng))
        cand.records.append(Record(sid, reply.chat, reply.status))

    def _send(self, client: AppClient, cand: Candidate, rec: Record) -> None:
        rec.pending = text = cand.next_text(wrap_up="Wrap-up" in rec.status)
        reply = client.send(rec.session_id, text)
        rec.acked, rec.status, rec.pending = reply.chat, reply.status, None
        self.tally.add("turns_acknowledged")
        rec.done = "Interview complete" in reply.status  # the status line the page shows at the end
        if reply.notice:
            self.tally.add("driver_errors", 1, f"candidate {cand.index}: notice {reply.notice!r}")

    def trial(self, number: int, pool: ThreadPoolExecutor) -> float:
        """Check everyone on the running app, interview for a random while, then kill the app.

        Returns the seconds the checks took. They end with a new turn per candidate, which waits for the app's
        warm-up (model load, rubric embedding), so the kill lands while turns are being processed normally.
        """
        where = f"after kill {number}" if number else "first start"
        began = time.perf_counter()
        clients = list(pool.map(lambda _: AppClient(self.app.url, self.config.call_timeout_s), self.candidates))
        list(pool.map(lambda pair: self.verify(where, *pair), zip(clients, self.candidates, strict=True)))
        checked = time.perf_counter() - began
        if number >= self.config.trials:
            return checked
        self.stop.clear()
        drivers = [pool.submit(self.drive, c, cand) for c, cand in zip(clients, self.candidates, strict=True)]
        time.sleep(self.rng.uniform(*self.config.kill_after_s))
        self.stop.set()
        self.mid_turn += any(c.in_flight for c in self.candidates)
        self.app.kill()
        for d in drivers:
            d.result(timeout=self.config.call_timeout_s + 30)
        for c in clients:
            c.close()
        return checked


def run_crash(config: CrashConfig, settings: Settings, progress: bool = True) -> CrashReport:
    """Run the trials. gradio_client prints a traceback for every stream the kill cuts; those go to
    `data_dir/client.log`, so the progress bar and the summary stay readable."""
    data_dir = config.data_dir or Path(tempfile.mkdtemp(prefix="interviewer-crash-"))
    app = target(settings, data_dir, config.replicas)
    began = time.perf_counter()
    first = app.start()
    wait_until_warm(app.url)  # the first trial has no sessions to check, so no turn has waited for the model
    run = CrashRun(config, app)
    terminal = sys.stderr
    try:
        with (data_dir / "client.log").open("a", encoding="utf-8") as log, contextlib.redirect_stderr(log):
            restarts, recovered = _trials(run, progress, terminal)
        empty = sum(not turns for turns in run.reader.all_turns().values())
    finally:
        app.stop()
    report = _report(run, first, restarts, recovered, empty, time.perf_counter() - began, data_dir)
    report.setup = describe(settings, config.replicas)
    if config.data_dir is None and report.ok:
        shutil.rmtree(data_dir, ignore_errors=True)
    return report


def _trials(run: CrashRun, progress: bool, terminal: TextIO) -> tuple[list[float], list[float]]:
    """Kill and restart `trials` times, then check once more. Returns the seconds from each restart to serving,
    and to every candidate's next turn answered (which includes the app's warm-up)."""
    from tqdm import tqdm

    trials = run.config.trials
    restarts: list[float] = []
    recovered: list[float] = []
    bar = tqdm(total=trials, desc="crash trials", unit="kill", disable=not progress, file=terminal)
    with ThreadPoolExecutor(max_workers=run.config.candidates) as pool, bar:
        for number in range(trials + 1):
            checked = run.trial(number, pool)
            if number:
                recovered.append(restarts[-1] + checked)
            if number < trials:
                restarts.append(run.app.start())
                run.check_health(f"after kill {number + 1}")
                bar.update(1)
                bar.set_postfix(lost=run.tally.lost_turns, half=run.tally.half_turns, restart=f"{restarts[-1]:.1f}s")
    return restarts, recovered


def _report(
    run: CrashRun,
    first: float,
    restarts: list[float],
    recovered: list[float],
    empty: int,
    total: float,
    data_dir: Path,
) -> CrashReport:
    t, config = run.tally, run.config
    names = (*CRASH_FAILURES, "turns_acknowledged", "acked_turns_checked", "in_flight_committed", "in_flight_absent",
             "in_flight_starts")  # fmt: skip
    counts = {name: getattr(t, name) for name in names}
    return CrashReport(
        trials=config.trials, candidates=config.candidates, seed=config.seed, kills_mid_turn=run.mid_turn,
        kills_between_turns=config.trials - run.mid_turn, empty_sessions=empty, first_start_s=round(first, 2),
        restart_p50_s=round(percentile(restarts, 0.5), 2), restart_max_s=round(max(restarts, default=0.0), 2),
        recovery_p50_s=round(percentile(recovered, 0.5), 2), recovery_max_s=round(max(recovered, default=0.0), 2),
        total_s=round(total, 1), data_dir=str(data_dir), problems=t.problems, **counts,
    )  # fmt: skip
