"""`interviewer eval SUITE...`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import yaml

from interviewer.bank.loader import Bank, load_bank
from interviewer.settings import Settings

SUITES = ("retrieval", "scoring")
LOWER_IS_BETTER = {"injection_inflations"}


def register(sub: argparse._SubParsersAction) -> None:
    ev = sub.add_parser("eval", help="run offline evals")
    ev.add_argument("suites", nargs="*", default=["all"], metavar="SUITE", help=f"{', '.join(SUITES)} or all")
    ev.add_argument("--split", choices=["dev", "test"], default="test", help="scoring split (default: test)")
    ev.add_argument("--json", action="store_true", help="print results as JSON")
    ev.add_argument("--check", action="store_true", help="exit 1 if a figure misses evals/thresholds.yaml")
    ev.set_defaults(func=cmd_eval)


def _suites(requested: list[str]) -> list[str]:
    if "all" in requested:
        return list(SUITES)
    unknown = [s for s in requested if s not in SUITES]
    if unknown:
        raise ValueError(f"unknown suite(s) {', '.join(unknown)}; choose from {', '.join(SUITES)} or all")
    return requested


def _misses(settings: Settings, suite: str, figures: dict[str, Any]) -> list[str]:
    thresholds = yaml.safe_load((settings.evals_dir / "thresholds.yaml").read_text(encoding="utf-8"))
    misses = []
    for name, bound in (thresholds.get(suite) or {}).items():
        value = figures[name]
        bad = value > bound if name in LOWER_IS_BETTER else value < bound
        if bad:
            misses.append(f"{suite}.{name} = {value} ({'max' if name in LOWER_IS_BETTER else 'min'} {bound})")
    return misses


def _retrieval(settings: Settings, bank: Bank, args: argparse.Namespace) -> dict[str, Any]:
    from interviewer.evals.retrieval import load_cases, run_retrieval
    from interviewer.index.store import open_index

    index, _ = open_index(settings, bank, progress=not args.json)
    result = run_retrieval(index, load_cases(settings.evals_dir / "retrieval_queries.yaml", bank))
    if not args.json:
        for miss in result.misses:
            print(f"  miss: {miss.query!r} expected {miss.expected}, got {miss.got[:3]}", file=sys.stderr)
    return result.summary()


def _scoring(settings: Settings, bank: Bank, args: argparse.Namespace) -> dict[str, Any]:
    from interviewer.evals.baselines import length_baseline, overlap_baseline
    from interviewer.evals.scoring import load_labelled, rubric_for, run
    from interviewer.scoring.scorer import OfflineScorer

    items = load_labelled(settings.evals_dir / "scoring", args.split)
    scorer = OfflineScorer()
    scorer.warm([rubric_for(bank, qid) for qid in sorted({i.question_id for i in items})])  # outside the timing
    figures: dict[str, Any] = run(
        items, bank, lambda r, i: scorer.score(r, i.answer, i.audio_seconds), prepare=scorer.prepare
    )
    figures["split"] = args.split
    figures["baselines"] = {"length": run(items, bank, length_baseline), "overlap": run(items, bank, overlap_baseline)}
    return figures


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    bank = load_bank(settings.knowledge_dir)
    runners = {"retrieval": _retrieval, "scoring": _scoring}
    results: dict[str, dict[str, Any]] = {}
    misses: list[str] = []
    for suite in _suites(args.suites):
        results[suite] = runners[suite](settings, bank, args)
        if args.check:
            misses += _misses(settings, suite, results[suite])
    if args.json:
        print(json.dumps(next(iter(results.values())) if len(results) == 1 else results, indent=2))
    else:
        for suite, figures in results.items():
            flat = {k: v for k, v in figures.items() if not isinstance(v, dict)}
            print(f"{suite}: " + ", ".join(f"{k} {v}" for k, v in flat.items()))
            for name, base in (figures.get("baselines") or {}).items():
                print(f"  baseline {name}: " + ", ".join(f"{k} {v}" for k, v in base.items()))
    for miss in misses:
        print(f"regression: {miss}", file=sys.stderr)
    return 1 if misses else 0
