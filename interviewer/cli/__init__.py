"""The `interviewer` command. Each group of subcommands lives in its own module."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from interviewer.bank.loader import BankError
from interviewer.cli import (
    bank_cmds,
    bench_cmds,
    doctor_cmds,
    embedder_cmds,
    eval_cmds,
    grader_cmds,
    index_cmds,
    interview_cmds,
    reader_cmds,
    reliability_cmds,
    score_cmds,
    users_cmds,
)
from interviewer.ingest.parse import IngestError
from interviewer.settings import get_settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interviewer", description="Mock interviewer for Python developer roles (offline by default)."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    bank_cmds.register(sub)
    index_cmds.register(sub)
    eval_cmds.register(sub)
    bench_cmds.register(sub)
    score_cmds.register(sub)
    grader_cmds.register(sub)
    reader_cmds.register(sub)
    embedder_cmds.register(sub)
    doctor_cmds.register(sub)
    interview_cmds.register(sub)
    reliability_cmds.register(sub)
    users_cmds.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = get_settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args, settings) or 0)
    except KeyError as e:  # includes SessionNotFound: unknown ids, with the known ones listed
        print(f"error: {e.args[0] if e.args else e}", file=sys.stderr)
        return 2
    except (BankError, IngestError, ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
