"""`interviewer eval SUITE...` and `interviewer bench`."""

from __future__ import annotations

import argparse
import json
import sys

import yaml

from interviewer.bank.loader import load_bank
from interviewer.bench import format_table, run_index_bench
from interviewer.evals.retrieval import load_cases, run_retrieval
from interviewer.index.store import open_index
from interviewer.settings import Settings

SUITES = ("retrieval",)


def register(sub: argparse._SubParsersAction) -> None:
    ev = sub.add_parser("eval", help="run offline evals")
    ev.add_argument("suites", nargs="*", default=["all"], metavar="SUITE", help=f"{', '.join(SUITES)} or all")
    ev.add_argument("--json", action="store_true", help="print results as JSON")
    ev.add_argument("--check", action="store_true", help="exit 1 if a figure is below evals/thresholds.yaml")
    ev.set_defaults(func=cmd_eval)
    bench = sub.add_parser("bench", help="measure and print performance figures")
    bench.add_argument("--json", action="store_true", help="print figures as JSON")
    bench.set_defaults(func=cmd_bench)


def _suites(requested: list[str]) -> list[str]:
    if "all" in requested:
        return list(SUITES)
    unknown = [s for s in requested if s not in SUITES]
    if unknown:
        raise ValueError(f"unknown suite(s) {', '.join(unknown)}; choose from {', '.join(SUITES)} or all")
    return requested


def _below_threshold(settings: Settings, suite: str, figures: dict[str, float | int]) -> list[str]:
    thresholds = yaml.safe_load((settings.evals_dir / "thresholds.yaml").read_text(encoding="utf-8"))
    return [
        f"{suite}.{name} = {figures[name]} < {minimum}"
        for name, minimum in (thresholds.get(suite) or {}).items()
        if figures[name] < minimum
    ]


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    suites = _suites(args.suites)
    bank = load_bank(settings.knowledge_dir)
    index, _ = open_index(settings, bank, progress=not args.json)
    results: dict[str, dict[str, float | int]] = {}
    failures: list[str] = []
    for suite in suites:  # only retrieval so far
        result = run_retrieval(index, load_cases(settings.evals_dir / "retrieval_queries.yaml", bank))
        results[suite] = result.summary()
        if not args.json:
            for miss in result.misses:
                print(f"  miss: {miss.query!r} expected {miss.expected}, got {miss.got[:3]}", file=sys.stderr)
        if args.check:
            failures += _below_threshold(settings, suite, results[suite])
    if args.json:
        print(json.dumps(results[suites[0]] if len(suites) == 1 else results, indent=2))
    else:
        for suite, figures in results.items():
            print(f"{suite}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    for failure in failures:
        print(f"regression: {failure}", file=sys.stderr)
    return 1 if failures else 0


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    figures = run_index_bench(settings)
    print(json.dumps(figures, indent=2) if args.json else format_table(figures))
    return 0
