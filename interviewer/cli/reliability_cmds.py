"""`interviewer reliability crash|load`: the real app under SIGKILL and under many concurrent candidates."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from interviewer.reliability.app_process import AppError
from interviewer.reliability.reports import CrashReport, LoadReport
from interviewer.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    rel = sub.add_parser("reliability", help="crash durability and load/isolation harnesses against the real app")
    rel_sub = rel.add_subparsers(dest="reliability_command", required=True, metavar="HARNESS")
    crash = rel_sub.add_parser("crash", help="kill -9 the app mid-interview, restart it, check no turn was lost")
    crash.add_argument("--trials", type=int, default=30, help="kills (default 30)")
    crash.add_argument("--seed", type=int, default=0, help="seeds the kill moments and the answers")
    crash.add_argument("--candidates", type=int, default=3, help="concurrent candidates (default 3)")
    _common(crash)
    crash.set_defaults(func=cmd_crash)
    load = rel_sub.add_parser("load", help="many concurrent candidates: latency, errors, session isolation")
    load.add_argument("--candidates", type=int, default=50, help="concurrent candidates (default 50)")
    load.add_argument("--duration", type=float, default=120.0, help="seconds of interviewing (default 120)")
    load.add_argument("--seed", type=int, default=0)
    load.add_argument("--think", type=float, nargs=2, default=(0.0, 1.0), metavar=("MIN", "MAX"),
                      help="seconds a candidate pauses between turns (default 0 1: back to back; 20 60 is a "
                      "person's pace)")  # fmt: skip
    _common(load)
    load.set_defaults(func=cmd_load)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--replicas", type=int, default=0, help="run N app replicas behind nginx (deploy/nginx.conf) "
                   "instead of one process; needs INTERVIEWER_DATABASE_URL and INTERVIEWER_CHROMA_URL, and nginx "
                   "installed. crash then kills the replica serving the candidates")  # fmt: skip
    p.add_argument("--data-dir", type=Path, help="the app's data directory (default: a temporary one, removed "
                   "after a clean run; an existing one with a built index starts faster)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the report as JSON")


def _positive(value: float, name: str) -> None:
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")


def cmd_crash(args: argparse.Namespace, settings: Settings) -> int:
    from interviewer.reliability.crash import CrashConfig, run_crash

    _positive(args.trials, "--trials")
    _positive(args.candidates, "--candidates")
    config = CrashConfig(trials=args.trials, seed=args.seed, candidates=args.candidates, data_dir=args.data_dir,
                         replicas=args.replicas)  # fmt: skip
    return _run(lambda: run_crash(config, settings, progress=not args.json), args.json)


def cmd_load(args: argparse.Namespace, settings: Settings) -> int:
    from interviewer.reliability.load import LoadConfig, run_load

    _positive(args.candidates, "--candidates")
    _positive(args.duration, "--duration")
    low, high = args.think
    if not 0 <= low <= high:
        raise ValueError(f"--think needs 0 <= MIN <= MAX, got {low:g} {high:g}")
    config = LoadConfig(candidates=args.candidates, duration_s=args.duration, seed=args.seed, data_dir=args.data_dir,
                        think_s=(low, high), replicas=args.replicas)  # fmt: skip
    return _run(lambda: run_load(config, settings, progress=not args.json), args.json)


def _run(harness: Callable[[], CrashReport | LoadReport], as_json: bool) -> int:
    """Run a harness, print its report (a table or JSON), and exit 1 on any failure or when the app won't start."""
    try:
        report = harness()
    except AppError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(json.dumps(report.model_dump(), indent=2) if as_json else report.table())
    return 0 if report.ok else 1
