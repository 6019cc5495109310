"""What the harnesses report: pydantic models (for `--json`) that also print as an aligned table."""

from __future__ import annotations

from pydantic import BaseModel, Field

CRASH_FAILURES = ("lost_turns", "half_turns", "unexpected_turns", "resume_failures", "continuation_failures",
                  "integrity_failures", "driver_errors")  # fmt: skip


def _table(rows: list[tuple[str, object]], problems: list[str]) -> str:
    width = max(len(k) for k, _ in rows)
    return "\n".join([f"{k.ljust(width)}  {v}" for k, v in rows] + [f"  ! {p}" for p in problems])


class CrashReport(BaseModel):
    setup: str = Field(default="one app process", description="What was killed: the one process, or the replica "
                       "serving the candidates behind nginx.")  # fmt: skip
    trials: int
    candidates: int
    seed: int
    kills_mid_turn: int = Field(description="Kills while at least one request was in flight.")
    kills_between_turns: int
    turns_acknowledged: int = Field(description="Candidate turns whose reply a client received.")
    acked_turns_checked: int = Field(
        description="Acknowledged candidate turns compared with SQLite after each "
        "restart, summed over restarts (a turn is checked again after every kill)."
    )
    lost_turns: int
    half_turns: int
    unexpected_turns: int
    resume_failures: int
    continuation_failures: int
    integrity_failures: int
    driver_errors: int = Field(description="Requests that failed while the app was up.")
    in_flight_committed: int
    in_flight_absent: int
    in_flight_starts: int
    empty_sessions: int = Field(description="Sessions with no turns: a /start killed between its two commits.")
    first_start_s: float
    restart_p50_s: float
    restart_max_s: float
    recovery_p50_s: float = Field(description="From the restart to every candidate's next turn answered.")
    recovery_max_s: float
    total_s: float
    data_dir: str
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not any(getattr(self, name) for name in CRASH_FAILURES)

    def table(self) -> str:
        rows = [("setup", self.setup), ("trials", self.trials),
                ("kills mid-turn / between turns", f"{self.kills_mid_turn} / {self.kills_between_turns}"),
                ("turns acknowledged", self.turns_acknowledged),
                ("acknowledged turns checked (summed over restarts)", self.acked_turns_checked)]  # fmt: skip
        rows += [(name.replace("_", " "), getattr(self, name)) for name in CRASH_FAILURES]
        rows += [("in-flight turns kept / not kept", f"{self.in_flight_committed} / {self.in_flight_absent}"),
                 ("in-flight starts", self.in_flight_starts), ("sessions with no turns", self.empty_sessions),
                 ("first start", f"{self.first_start_s:.1f} s"),
                 ("restart to serving p50 / max", f"{self.restart_p50_s:.1f} s / {self.restart_max_s:.1f} s"),
                 ("restart to next turns answered p50 / max", f"{self.recovery_p50_s:.1f} s / "
                 f"{self.recovery_max_s:.1f} s"),
                 ("total", f"{self.total_s:.0f} s"), ("result", "PASS" if self.ok else "FAIL")]  # fmt: skip
        return _table(rows, self.problems)


class LoadReport(BaseModel):
    candidates: int
    setup: str = Field(default="one app process", description="What served: one process, or replicas behind nginx, "
                       "and where the sessions and the index lived.")  # fmt: skip
    think_s: tuple[float, float] = Field(default=(0.0, 1.0), description="A candidate's pause between turns.")
    duration_s: float = Field(description="Seconds from the first candidate turn to the last reply.")
    turns: int = Field(description="/send calls answered.")
    starts: int
    sessions_completed: int
    errors: int = Field(description="Exceptions, time-outs, notices, or a reply that is not on top of the answer.")
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    start_p50_ms: float
    turns_per_s: float
    app_cpu_ms_per_turn: float = Field(default=0.0, description="CPU the app (every replica) used during the run, "
                                       "per turn answered: starts and resumes included.")  # fmt: skip
    isolation_violations: int
    transcript_mismatches: int = Field(description="Stored sessions that differ from what their candidate was shown.")
    sessions_checked: int
    startup_s: float = Field(description="From launch to serving HTTP.")
    warm_s: float = Field(description="From serving to a scored answer answered (the app's model warm-up).")
    total_s: float
    data_dir: str
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not (self.errors or self.isolation_violations or self.transcript_mismatches)

    def table(self) -> str:
        rows = [("setup", self.setup), ("candidates", self.candidates),
                ("pause between turns", f"{self.think_s[0]:g}-{self.think_s[1]:g} s"),
                ("duration", f"{self.duration_s:.0f} s"), ("turns", self.turns),
                ("sessions started / completed", f"{self.starts} / {self.sessions_completed}"),
                ("errors", self.errors), ("turn latency p50", f"{self.p50_ms:.0f} ms"),
                ("turn latency p95", f"{self.p95_ms:.0f} ms"), ("turn latency p99", f"{self.p99_ms:.0f} ms"),
                ("turn latency max", f"{self.max_ms:.0f} ms"), ("start latency p50", f"{self.start_p50_ms:.0f} ms"),
                ("turns/s", f"{self.turns_per_s:.2f}"), ("app CPU per turn", f"{self.app_cpu_ms_per_turn:.0f} ms"),
                ("isolation violations", self.isolation_violations),
                ("transcript mismatches", self.transcript_mismatches), ("sessions checked", self.sessions_checked),
                ("app start to serving / scored reply", f"{self.startup_s:.1f} s / "
                f"{self.startup_s + self.warm_s:.1f} s"), ("result", "PASS" if self.ok else "FAIL")]  # fmt: skip
        return _table(rows, self.problems)
