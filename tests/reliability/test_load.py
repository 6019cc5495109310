"""Load and isolation: 50 concurrent candidates for two minutes against one running app."""

from __future__ import annotations

from pathlib import Path

from interviewer.reliability import LoadConfig, run_load
from interviewer.settings import get_settings


def test_50_candidates_for_two_minutes_without_errors_or_leaks(app_data_dir: Path) -> None:
    config = LoadConfig(candidates=50, duration_s=120, seed=0, data_dir=app_data_dir)
    report = run_load(config, get_settings(), progress=False)
    print(report.table())  # the figures, with `pytest -s`
    assert report.candidates == 50 and report.duration_s >= 120
    assert report.turns > 100 and report.sessions_checked >= 50
    assert report.errors == 0, report.problems
    assert report.isolation_violations == 0, report.problems
    assert report.transcript_mismatches == 0, report.problems
    assert 0 < report.p50_ms <= report.p95_ms <= report.p99_ms <= report.max_ms
