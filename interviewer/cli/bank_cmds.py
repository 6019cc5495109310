"""`interviewer bank check|stats` and `interviewer ingest`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from interviewer.bank.check import cross_check, stats
from interviewer.bank.loader import load_bank, read_bank
from interviewer.bank.models import TRACKS
from interviewer.ingest.draft import ingest_file, write_drafts
from interviewer.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    bank = sub.add_parser("bank", help="validate the knowledge bank or show its size")
    bank_sub = bank.add_subparsers(dest="bank_command", required=True, metavar="ACTION")
    check = bank_sub.add_parser("check", help="validate schema, unique ids and cross-references")
    check.add_argument("--dir", type=Path, help="knowledge directory (default: the configured one)")
    check.set_defaults(func=cmd_check)
    st = bank_sub.add_parser("stats", help="count questions and scenarios")
    st.add_argument("--json", action="store_true", help="print JSON")
    st.set_defaults(func=cmd_stats)

    ingest = sub.add_parser("ingest", help="turn your own Q&A documents into draft bank YAML")
    ingest.add_argument("files", nargs="+", type=Path, metavar="FILE")
    ingest.add_argument("--out", type=Path, required=True, help="directory for the draft YAML files")
    ingest.add_argument("--track", choices=TRACKS, help="track for every entry (default: guessed per document)")
    ingest.set_defaults(func=cmd_ingest)


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    root = args.dir or settings.knowledge_dir
    raw = read_bank(root)
    issues = raw.issues + cross_check(raw)
    for issue in issues:
        print(f"error: {issue}", file=sys.stderr)
    if issues:
        print(f"bank check failed: {len(issues)} problem(s) in {root}", file=sys.stderr)
        return 1
    print(f"bank ok: {len(raw.questions)} questions, {len(raw.scenarios)} scenario(s) in {root}")
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    bank = load_bank(settings.knowledge_dir)
    figures = stats(bank.questions, bank.scenarios)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"{figures['questions']} questions, {figures['scenarios']} scenario(s)")
    for group in ("by_track", "by_level", "by_competency"):
        counts = figures[group]
        assert isinstance(counts, dict)
        print(f"  {group.removeprefix('by_')}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    taken = {q.id for _, q in read_bank(settings.knowledge_dir).questions}  # drafts must not clash
    total = 0
    for path in args.files:
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file")
        entries = ingest_file(path, track=args.track, taken=taken)
        out = write_drafts(entries, args.out / f"{path.stem}.yaml")
        total += len(entries)
        print(f"{path}: {len(entries)} question(s) -> {out}")
    print(f"{total} question(s) drafted; fill in every TODO(author), then run `interviewer bank check --dir ...`")
    return 0
