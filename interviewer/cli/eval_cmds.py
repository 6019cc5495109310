"""`interviewer eval [SUITE...]`: offline evals of retrieval, scoring and interviewer behaviour."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from interviewer.evals.runner import SUITES
from interviewer.settings import Settings

if TYPE_CHECKING:
    from interviewer.evals.harness import Harness


def register(sub: argparse._SubParsersAction) -> None:
    ev = sub.add_parser(
        "eval",
        help="run offline evals and write a results folder",
        description="Run eval suites, print a summary table and write results.json, report.md, transcripts.jsonl "
        "and PNG charts to a results folder.",
    )
    ev.add_argument("suites", nargs="*", default=["all"], metavar="SUITE", help=f"{', '.join(SUITES)} or all")
    ev.add_argument(
        "--engine",
        choices=["offline", "llm"],
        default="offline",
        help="interviewer and scorer: offline (default) or the configured OpenAI-compatible endpoint",
    )
    ev.add_argument("--candidate", choices=["offline", "llm"], default="offline",
                    help="simulated candidate: offline personas (default), or an LLM speaking for them")  # fmt: skip
    ev.add_argument(
        "--personas",
        type=lambda s: [p.strip() for p in s.split(",") if p.strip()],
        metavar="A,B",
        help="simulate only these personas (default: all twelve), e.g. for a quick run on a paid model",
    )
    ev.add_argument("--judge", action="store_true", help="also ask the LLM endpoint to judge interviewer behaviour")
    ev.add_argument(
        "--split", choices=["dev", "test"], default="test", help="split of the scoring and turns suites (default: test)"
    )
    ev.add_argument("--semeval", type=Path,
                    help="SemEval-2013 train.csv for the external scoring figures (default: ../shared/data/semeval2013/"
                    "train.csv beside the repository, when present)")  # fmt: skip
    ev.add_argument("--out", type=Path, help="results folder (default: DATA_DIR/evals/<time>-<engine>)")
    ev.add_argument("--json", action="store_true", help="print the results as JSON instead of the table")
    ev.add_argument("--check", action="store_true", help="exit 1 if a figure misses evals/thresholds.yaml")
    ev.add_argument("--compare", nargs="+", type=Path, metavar="RESULTS",
                    help="print the figures of earlier results folders side by side, and run nothing")  # fmt: skip
    ev.set_defaults(func=cmd_eval)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from interviewer.evals import results as res
    from interviewer.evals import runner

    if args.compare:
        missing = [str(f) for f in args.compare if not (f / "results.json").is_file()]
        if missing:
            raise ValueError(f"no results.json in {', '.join(missing)}; pass folders written by `interviewer eval`")
        print(res.compare(args.compare))
        return 0
    if args.judge and not settings.llm.configured:
        raise ValueError("--judge needs an OpenAI-compatible endpoint: set INTERVIEWER_LLM__BASE_URL")
    suites = runner.select(args.suites)
    harness = _harness(settings, args)
    try:
        results = runner.run(settings, harness.bank, harness, suites, args)
    finally:
        harness.close()
    bounds = runner.thresholds(settings)
    misses = runner.misses(bounds, results["suites"]) if args.check else []
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = res.write(args.out or settings.data_dir / "evals" / f"{stamp}-{args.engine}", results, bounds, misses)
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        print(res.table(results, bounds))
        print(f"\nresults: {folder}/report.md (JSON, transcripts and charts beside it)")
    for miss in misses:
        print(f"regression: {miss}", file=sys.stderr)
    return 1 if misses else 0


def _harness(settings: Settings, args: argparse.Namespace) -> Harness:
    from interviewer.bank.loader import load_bank
    from interviewer.evals.harness import Harness
    from interviewer.index.store import open_index

    bank = load_bank(settings.knowledge_dir)
    index, _ = open_index(settings, bank, progress=not args.json)
    kwargs = {"personas": args.personas} if args.personas else {}
    return Harness(settings, bank, index, engine=args.engine, candidate_kind=args.candidate, **kwargs)
