"""Crash durability: the real app, killed with SIGKILL 30 times while three candidates interview."""

from __future__ import annotations

from pathlib import Path

from interviewer.reliability import CrashConfig, run_crash
from interviewer.settings import get_settings


def test_no_acknowledged_turn_is_lost_across_30_kills(app_data_dir: Path) -> None:
    report = run_crash(CrashConfig(trials=30, seed=0, data_dir=app_data_dir), get_settings(), progress=False)
    print(report.table())  # the figures, with `pytest -s`
    assert report.trials == 30
    assert report.kills_mid_turn > 0, "no kill landed mid-turn: the harness is not testing what it claims"
    assert report.acked_turns_checked > 100
    assert report.lost_turns == 0, report.problems
    assert report.half_turns == 0, report.problems
    assert report.unexpected_turns == 0, report.problems
    assert report.integrity_failures == 0, report.problems
    assert report.resume_failures == 0 and report.continuation_failures == 0, report.problems
    assert report.driver_errors == 0, report.problems
    assert report.ok
