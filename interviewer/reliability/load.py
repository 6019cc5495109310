"""Load and isolation: many simulated candidates interview at once against one running app.

Every candidate turn carries the candidate's marker (`load3fa2c1-c17-t5`). No transcript the app returns, and no
session in SQLite, may ever contain another candidate's marker; each stored session must match the last
transcript its candidate was shown.
"""

from __future__ import annotations

import html
import random
import shutil
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from interviewer.reliability.app_process import percentile
from interviewer.reliability.client import AppClient, Reply, wait_until_warm
from interviewer.reliability.reports import LoadReport
from interviewer.reliability.script import (
    MAX_TURNS_PER_SESSION,
    candidate_id,
    candidate_text,
    marker,
    owners,
    random_plan,
)
from interviewer.reliability.sessions import Reader, Shown, shown
from interviewer.reliability.stack import describe, target
from interviewer.settings import Settings

MAX_SAMPLES = 20


@dataclass(frozen=True)
class LoadConfig:
    candidates: int = 50
    duration_s: float = 120.0
    seed: int = 0
    think_s: tuple[float, float] = (0.0, 1.0)  # pause between a reply and the next turn; (20, 60) is a person's
    data_dir: Path | None = None  # None: a temporary directory, removed after a clean run
    replicas: int = 0  # 0: one app process; N: N replicas behind nginx (needs PostgreSQL and a Chroma server)


@dataclass
class Candidate:
    index: int
    who: str  # the candidate's id inside its markers
    rng: random.Random
    latencies: list[float] = field(default_factory=list)
    start_latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    shown: dict[str, list[Shown]] = field(default_factory=dict)  # session id -> last transcript returned
    status: dict[str, str] = field(default_factory=dict)  # session id -> last status line
    dirty: set[str] = field(default_factory=set)  # sessions where a call failed: stored may be ahead of shown
    completed: int = 0
    turn: int = 0

    def check_isolation(self, chat: list[Shown], where: str) -> None:
        others = {who for _, text in chat for who in owners(text)} - {self.who}
        if others:
            self.violations.append(f"{self.who} {where}: saw the turns of {sorted(others)}")


class LoadRun:
    def __init__(self, config: LoadConfig, url: str):
        self.config, self.url = config, url
        self.run = f"load{uuid.uuid4().hex[:6]}"  # so sessions of earlier runs in the same data directory differ
        self.candidates = [
            Candidate(i, candidate_id(self.run, i), random.Random(config.seed * 1000 + i))
            for i in range(config.candidates)
        ]
        self.ready = threading.Barrier(config.candidates + 1, action=self._open, timeout=300)
        self.opened = self.deadline = 0.0

    def _open(self) -> None:
        self.opened = time.monotonic()
        self.deadline = self.opened + self.config.duration_s

    def interview(self, cand: Candidate) -> None:
        """Connect, wait for everyone, then interview until the deadline, starting over when a session ends."""
        client: AppClient | None = None
        try:
            client = AppClient(self.url)
        except Exception as e:
            cand.errors.append(f"{cand.who} could not connect: {type(e).__name__}: {e}")
        self.ready.wait()
        if client is None:
            return
        time.sleep(cand.rng.uniform(0.0, self.config.think_s[1]))  # people do not all arrive in the same second
        sid: str | None = None
        while time.monotonic() < self.deadline:
            try:
                sid = self._start(client, cand) if sid is None else self._send(client, cand, sid)
            except Exception as e:
                cand.errors.append(f"{cand.who}: {type(e).__name__}: {e}")
                if sid is not None:
                    cand.dirty.add(sid)
                sid = None
            pause = cand.rng.uniform(*self.config.think_s)
            time.sleep(max(0.0, min(pause, self.deadline - time.monotonic())))  # no turn starts after the deadline
        client.close()

    def _start(self, client: AppClient, cand: Candidate) -> str:
        began = time.perf_counter()
        sid, reply = client.start(random_plan(cand.rng))
        cand.start_latencies.append(time.perf_counter() - began)
        cand.shown[sid] = reply.chat
        cand.check_isolation(reply.chat, f"/start {sid}")
        return sid

    def _send(self, client: AppClient, cand: Candidate, sid: str) -> str | None:
        cand.turn += 1
        wrap_up = "Wrap-up" in cand.status.get(sid, "")
        text = candidate_text(cand.rng, marker(self.run, cand.index, cand.turn), wrap_up)
        began = time.perf_counter()
        reply = client.send(sid, text)
        cand.latencies.append(time.perf_counter() - began)
        cand.status[sid] = reply.status
        cand.check_isolation(reply.chat, f"/send {sid}")
        if problem := _reply_problem(cand.shown[sid], text, reply):
            cand.errors.append(f"{cand.who} /send {sid}: {problem}")
            cand.dirty.add(sid)
        cand.shown[sid] = reply.chat
        if "Interview complete" in reply.status:  # the status line the page shows at the end
            cand.completed += 1
            self._resume(client, cand, sid)
            return None
        return None if len(reply.chat) > MAX_TURNS_PER_SESSION else sid

    def _resume(self, client: AppClient, cand: Candidate, sid: str) -> None:
        """A finished session, reopened as after a page reload: the candidate's own transcript, unchanged."""
        chat = client.resume(sid).chat
        cand.check_isolation(chat, f"/resume {sid}")
        if chat != cand.shown[sid]:
            cand.errors.append(f"{cand.who} /resume {sid}: {len(chat)} turns, {len(cand.shown[sid])} shown before")


def _reply_problem(before: list[Shown], text: str, reply: Reply) -> str | None:
    """The reply must be the previous transcript, this answer, then at least one interviewer turn."""
    expected = [*before, ("user", html.escape(text, quote=False))]
    extra = reply.chat[len(expected) :]
    if reply.chat[: len(expected)] != expected:
        return "the transcript returned is not the previous one plus this answer"
    if not extra or any(role != "assistant" for role, _ in extra):
        return "no interviewer reply"
    return f"notice {reply.notice!r}" if reply.notice else None


def audit(reader: Reader, run: LoadRun) -> tuple[int, int, int, list[str]]:
    """Every stored session: only its owner's markers, and what its owner was last shown. A session no
    candidate of this run started (an earlier run's, the warm-up's) must hold none of this run's markers.

    Returns (isolation violations, transcript mismatches, sessions checked, problems).
    """
    owner = {sid: c for c in run.candidates for sid in c.shown}
    ours = {c.who for c in run.candidates}
    stored = reader.all_turns()
    violations, mismatches, problems = 0, 0, []
    for sid, turns in stored.items():
        cand = owner.get(sid)
        found = {who for t in turns for who in owners(t.text)}
        foreign = found - {cand.who} if cand else found & ours
        if foreign:
            violations += 1
            problems.append(f"stored session {sid} of {cand.who if cand else 'no one'} holds {sorted(foreign)}")
        if cand and sid not in cand.dirty and shown(turns) != cand.shown[sid]:
            mismatches += 1
            problems.append(f"stored session {sid} differs from what {cand.who} was shown")
    for sid in owner.keys() - stored.keys():
        mismatches += 1
        problems.append(f"session {sid} of {owner[sid].who} is not in SQLite")
    return violations, mismatches, len(owner), problems


def _watch(run: LoadRun, progress: bool) -> None:
    from tqdm import tqdm

    run.ready.wait()
    with tqdm(total=round(run.config.duration_s), desc="load", unit="s", disable=not progress) as bar:
        while (left := run.deadline - time.monotonic()) > 0:
            time.sleep(min(1.0, left))
            bar.n = round(min(run.config.duration_s, time.monotonic() - run.opened))
            turns = sum(len(c.latencies) for c in run.candidates)
            bar.set_postfix(turns=turns, errors=sum(len(c.errors) for c in run.candidates))


def run_load(config: LoadConfig, settings: Settings, progress: bool = True) -> LoadReport:
    data_dir = config.data_dir or Path(tempfile.mkdtemp(prefix="interviewer-load-"))
    app = target(settings, data_dir, config.replicas)
    began = time.perf_counter()
    startup = app.start()
    try:
        warm = wait_until_warm(app.url)
        run = LoadRun(config, app.url)
        cpu = app.cpu_seconds()  # from here: the candidates' connections count too
        with ThreadPoolExecutor(max_workers=config.candidates) as pool:
            futures = [pool.submit(run.interview, c) for c in run.candidates]
            _watch(run, progress)
            for f in futures:
                f.result()
            cpu = app.cpu_seconds() - cpu
        elapsed = time.monotonic() - run.opened
        checked = audit(app.reader, run)
    finally:
        app.stop()
    report = _report(run, checked, elapsed, (startup, warm, time.perf_counter() - began), data_dir)
    report.setup, report.think_s = describe(settings, config.replicas), config.think_s
    report.app_cpu_ms_per_turn = round(1000 * cpu / report.turns) if report.turns else 0.0
    if config.data_dir is None and report.ok:
        shutil.rmtree(data_dir, ignore_errors=True)
    return report


def _report(
    run: LoadRun, checked: tuple[int, int, int, list[str]], elapsed: float, times: tuple[float, ...], data_dir: Path
) -> LoadReport:
    """`times`: seconds from launch to serving, then to a scored answer, then the whole run."""
    cands = run.candidates
    startup, warm, total = times
    ms = [x * 1000 for c in cands for x in c.latencies]
    errors = [e for c in cands for e in c.errors]
    violations = [v for c in cands for v in c.violations]
    return LoadReport(
        candidates=len(cands), duration_s=round(elapsed, 1), turns=len(ms),
        starts=sum(len(c.start_latencies) for c in cands), sessions_completed=sum(c.completed for c in cands),
        errors=len(errors), p50_ms=round(percentile(ms, 0.5)), p95_ms=round(percentile(ms, 0.95)),
        p99_ms=round(percentile(ms, 0.99)), max_ms=round(max(ms, default=0.0)),
        start_p50_ms=round(percentile([x * 1000 for c in cands for x in c.start_latencies], 0.5)),
        turns_per_s=round(len(ms) / elapsed, 2) if elapsed else 0.0,
        isolation_violations=len(violations) + checked[0], transcript_mismatches=checked[1],
        sessions_checked=checked[2], startup_s=round(startup, 1), warm_s=round(warm, 1), total_s=round(total, 1),
        data_dir=str(data_dir),
        problems=(errors + violations + checked[3])[:MAX_SAMPLES],
    )  # fmt: skip
