"""`interviewer bench`: performance figures, measured and printed."""

from __future__ import annotations

import argparse
import json
import sys

from interviewer.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    bench = sub.add_parser(
        "bench",
        help="measure and print performance figures (about 3 minutes on 2 cores)",
        description="Index build and search, scoring, offline turns, cold starts of the web app and its memory, "
        "and the LLM path's overhead against a local test server with a fixed latency. Nothing leaves the machine.",
    )
    bench.add_argument("--json", action="store_true", help="print figures as JSON (and no progress on stderr)")
    bench.set_defaults(func=cmd_bench)


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from interviewer.bench import BenchError, format_table, run_all

    try:
        figures = run_all(settings, progress=not args.json)
    except BenchError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(json.dumps(figures, indent=2) if args.json else format_table(figures))
    return 0
