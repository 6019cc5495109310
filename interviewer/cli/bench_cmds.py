"""`interviewer bench`: performance figures, measured and printed."""

from __future__ import annotations

import argparse
import json

from interviewer.bench import format_table, run_index_bench, run_scoring_bench, run_turn_bench
from interviewer.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    bench = sub.add_parser("bench", help="measure and print performance figures")
    bench.add_argument("--json", action="store_true", help="print figures as JSON")
    bench.set_defaults(func=cmd_bench)


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    figures = run_index_bench(settings) | run_scoring_bench(settings) | run_turn_bench(settings)
    print(json.dumps(figures, indent=2) if args.json else format_table(figures))
    return 0
