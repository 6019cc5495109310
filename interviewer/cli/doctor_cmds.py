"""`interviewer doctor`: what this installation will use, and whether each part is healthy."""

from __future__ import annotations

import argparse
import json

from interviewer.bank.loader import cross_check_path
from interviewer.scoring.engine import token_counter
from interviewer.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    doctor = sub.add_parser("doctor", help="show the engine, token counter, embedder, bank and data directory")
    doctor.add_argument("--json", action="store_true", help="print JSON")
    doctor.set_defaults(func=cmd_doctor)


def report(settings: Settings) -> dict[str, str]:
    llm = settings.llm
    issues = cross_check_path(settings.knowledge_dir)
    return {
        "engine": f"llm:{llm.model} at {llm.base_url or 'the default OpenAI endpoint'}"
        if llm.configured
        else "offline",
        "api_key": "set" if llm.api_key else "not set",
        "token_counter": token_counter(settings).name,
        "embedder": "local all-MiniLM-L6-v2"
        if settings.embedding.provider == "local"
        else f"openai-compatible {settings.embedding.model}",
        "knowledge": f"ok ({settings.knowledge_dir})" if not issues else f"{len(issues)} problem(s): run bank check",
        "data_dir": str(settings.data_dir),
        "sessions": _sessions(settings),
        "access": _access(settings),
        "index": f"on the Chroma server at {settings.chroma_url}"
        if settings.chroma_url
        else "built"
        if (settings.index_dir / "chroma.sqlite3").exists()
        else "not built yet (index build)",
    }


def _access(settings: Settings) -> str:
    from interviewer.accounts import AccountError, accounts_mode, describe_access

    try:
        return describe_access(settings, accounts_mode(settings))
    except AccountError as e:
        return f"error: {e}"


def _sessions(settings: Settings) -> str:
    if settings.database_url is None:
        return f"SQLite ({settings.sessions_dir / 'sessions.sqlite3'})"
    from interviewer.interview.store_postgres import redacted

    return f"PostgreSQL ({redacted(settings.database_url.get_secret_value())})"


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    figures = report(settings)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        width = max(map(len, figures))
        print("\n".join(f"{k.ljust(width)}  {v}" for k, v in figures.items()))
    return 0
