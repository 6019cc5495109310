"""`interviewer index build` and `interviewer search`."""

from __future__ import annotations

import argparse
import json
import sys

from interviewer.bank.loader import load_bank
from interviewer.bank.models import LEVELS, TRACKS
from interviewer.index.store import BankIndex, open_index
from interviewer.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    index = sub.add_parser("index", help="build the vector index of the bank")
    index_sub = index.add_subparsers(dest="index_command", required=True, metavar="ACTION")
    build = index_sub.add_parser("build", help="embed new or changed entries (incremental)")
    build.add_argument("--fresh", action="store_true", help="drop the collection and embed everything again")
    build.set_defaults(func=cmd_build)

    search = sub.add_parser("search", help="search the bank by meaning")
    search.add_argument("query")
    search.add_argument("--k", type=int, default=5, help="number of results (default 5)")
    search.add_argument("--track", choices=TRACKS)
    search.add_argument("--level", choices=LEVELS)
    search.add_argument("--kind", choices=["question", "scenario-stage"])
    search.add_argument("--json", action="store_true", help="print JSON: [{id, kind, text, score}], best first")
    search.set_defaults(func=cmd_search)


def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    bank = load_bank(settings.knowledge_dir)
    index = BankIndex(settings)
    if args.fresh:
        index.store.reset_collection()
    report = index.build(bank, progress=True)
    print(f"index {index.collection_name} in {settings.index_dir}: {report}")
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    if args.k < 1:
        raise ValueError("--k must be at least 1")
    bank = load_bank(settings.knowledge_dir)
    index, report = open_index(settings, bank, progress=True)
    if report.embedded:
        print(f"index updated: {report}", file=sys.stderr)
    hits = index.search(args.query, k=args.k, track=args.track, level=args.level, kind=args.kind)
    if args.json:
        print(json.dumps([h.model_dump(include={"id", "kind", "text", "score"}) for h in hits], indent=2))
        return 0
    if not hits:
        print("no results" + ("" if args.query.strip() else ": the query is empty"))
    for rank, h in enumerate(hits, start=1):
        print(f"{rank}. [{h.score:.3f}] {h.id} ({h.kind}, {h.track}, {h.level})\n   {h.text}")
    return 0
