"""`interviewer practice`, `interviewer sessions list|delete|export|import` and `interviewer report`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from pydantic import SecretStr

from interviewer.bank.models import LEVELS, TRACKS
from interviewer.interview import BaseStore, SessionStore, session_store
from interviewer.interview.models import Plan, Turn
from interviewer.interview.report import build_report, report_paths, to_html, to_markdown
from interviewer.scoring.feedback import for_turn
from interviewer.scoring.models import AnswerScore
from interviewer.settings import Settings

QUIT = {"/quit", "/exit", "quit", "exit"}  # end a terminal interview, as Ctrl-D does


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("practice", help="a mock interview in the terminal (interactive, or scripted with --answers)")
    p.add_argument("--track", choices=TRACKS, action="append", help="repeatable; default python-developer")
    p.add_argument("--level", choices=LEVELS, default="intermediate")
    p.add_argument("--questions", type=int, default=4, help="main questions before the scenario (default 4)")
    p.add_argument("--mode", choices=["practice", "realistic"], default="practice")
    p.add_argument("--scenario", help="run a scenario after the questions, e.g. production-bug")
    p.add_argument("--focus", action="append", default=[], help="a competency to prefer (repeatable)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--answers", type=Path, help="non-interactive: one candidate turn per line")
    p.add_argument("--json", action="store_true", help="with --answers: print turns and report as JSON")
    p.set_defaults(func=cmd_practice)
    s = sub.add_parser("sessions", help="list past sessions")
    s_sub = s.add_subparsers(dest="sessions_command", required=True, metavar="ACTION")
    lst = s_sub.add_parser("list", help="list sessions, newest first")
    lst.add_argument("--user", help="only this account's sessions")
    lst.set_defaults(func=cmd_sessions_list)
    d = s_sub.add_parser("delete", help="delete sessions for good, with their reports")
    which = d.add_mutually_exclusive_group(required=True)
    which.add_argument("session_id", nargs="?", help="the session to delete")
    which.add_argument("--all", action="store_true", help="delete every session")
    d.set_defaults(func=cmd_sessions_delete)
    db_help = "another session database: a postgresql:// URL or a SQLite file (default: the configured one)"
    e = s_sub.add_parser("export", help="write every session to a JSON Lines file (to move them to another database)")
    e.add_argument("file", type=Path, help="the file to write (created readable by you only)")
    e.add_argument("--database", help=db_help)
    e.set_defaults(func=cmd_sessions_export)
    i = s_sub.add_parser("import", help="add the sessions of an exported file; sessions already there are kept")
    i.add_argument("file", type=Path, help="a file written by `interviewer sessions export`")
    i.add_argument("--database", help=db_help)
    i.set_defaults(func=cmd_sessions_import)
    r = sub.add_parser("report", help="print a session's report")
    r.add_argument("session_id")
    r.add_argument("--format", choices=["md", "html", "json"], default="md")
    r.set_defaults(func=cmd_report)


def _print_turns(turns: list[Turn]) -> None:
    for t in turns:
        note = f"  [{t.engine.label}]" if t.engine and t.engine.fallback else ""  # a configured LLM not used
        print(f"\nInterviewer: {t.text}{note}", flush=True)


def _feedback(score: AnswerScore | None, latest: str) -> str | None:
    """Per-turn feedback, as the web app's practice panel: the score, the points hit with the words that made them,
    the points missed, red flags with their words (those said in an earlier answer to the same item named, not
    quoted again: `feedback.for_turn`), and one thing to improve."""
    if score is None:
        return None
    if score.score is None:
        return f"  [not scored: {score.unscored_reason}. Give a fuller answer to the question and it will be scored.]"
    score, earlier = for_turn(score, latest)
    lines = [f"  Score {score.score:.1f}/10 ({score.band}), engine {score.engine.label}"]
    for k in score.key_points:
        if k.verdict != "missing":
            lines.append(f"  + {k.verdict}: {k.text}" + (f'\n      "{k.evidence}"' if k.evidence else ""))
    lines += [f"  - missed: {k.text}" for k in score.key_points if k.verdict == "missing"]
    lines += [f'  ! {f.text}\n      "{f.evidence}"' for f in score.red_flags]
    lines += [f"  ! {f.text} (in an earlier answer)" for f in earlier]
    tips = score.feedback.improvements[:1]
    lines += [f"  Tip: {tips[0]}"] if tips else []
    return "\n".join(lines)


def _print_report(report: dict, files: tuple[Path, Path]) -> None:
    """The final report rendered for a terminal (headings, lists, quotes), plain Markdown when piped."""
    text = to_markdown(report)
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(text))
    else:
        print(f"\n{text}")
    print(f"Report saved: {files[0]} and {files[1]}")


def cmd_practice(args: argparse.Namespace, settings: Settings) -> int:
    plan = Plan(
        tracks=args.track or ["python-developer"],
        level=args.level,
        questions=args.questions,
        mode=args.mode,
        scenario=args.scenario,
        focus=args.focus,
        seed=args.seed,
    )
    from interviewer.service import Service

    service = Service(settings, progress=not args.json)  # as the web app: one model, input cleaned the same way
    service.warm_up()  # load the model and embed the rubrics now, so every turn is quick
    session = service.start(plan)
    if not args.json:
        print(f"Session {session.id} (engine: {service.engine}); type /quit or press Ctrl-D to end with the report")
        _print_turns(session.turns)
    lines = args.answers.read_text(encoding="utf-8", errors="replace").splitlines() if args.answers else None
    source = iter(lines) if lines is not None else None
    while session.state.phase != "done":
        try:
            text = next(source) if source is not None else input("\nYou: ")
        except (StopIteration, EOFError):
            break
        if source is not None and not args.json:
            print(f"\nYou: {text}")
        if text.strip().lower() in QUIT:  # typed to end, never an answer; what was answered is kept
            break
        session, result = service.reply(session.id, text.replace("\\n", "\n"))
        if result.notice and not args.json:
            print(f"  [{result.notice}]")
        if not args.json:
            if plan.mode == "practice":
                note = _feedback(result.score, result.candidate.text)
                if note:
                    print(note)
            _print_turns(result.turns)
    report = service.report(session)
    if args.json:
        turns_out = [
            {
                "role": t.role,
                "text": t.text,
                **({"stage": t.stage} if t.stage else {}),
                **({"score": t.score.score} if t.score else {}),
            }
            for t in session.turns
        ]
        print(json.dumps({"session_id": session.id, "turns": turns_out, "report": report}, indent=2))
    else:
        _print_report(report, service.report_files(session, report))
        print(f"Saved as session {session.id}: `interviewer report {session.id}`")
    return 0


def cmd_sessions_list(args: argparse.Namespace, settings: Settings) -> int:
    rows = session_store(settings).list(owner=args.user)
    if not rows:
        print(f"no sessions of {args.user}" if args.user else "no sessions yet: start one with `interviewer practice`")
    for r in rows:
        plan = r["plan"]
        assert isinstance(plan, dict)
        print(
            f"{r['id']}  {r['phase']:<9} {r['turns']:>3} turns  {','.join(plan['tracks'])} {plan['level']}"
            f"{'  scenario ' + plan['scenario'] if plan.get('scenario') else ''}"
            f"{'  user ' + str(r['owner']) if r.get('owner') else ''}"
        )
    return 0


def cmd_sessions_delete(args: argparse.Namespace, settings: Settings) -> int:
    store = session_store(settings)
    ids = [str(r["id"]) for r in store.list()] if args.all else [args.session_id]
    if not args.all and not store.delete(args.session_id):
        print(f"error: no session {args.session_id!r}; see `interviewer sessions list`", file=sys.stderr)
        return 2
    if args.all:
        store.delete_all()
    removed = remove_session_files(settings, ids)
    print(f"deleted {len(ids)} session(s) and {removed} report file(s)")
    return 0


def _store(settings: Settings, database: str | None) -> BaseStore:
    if database is None:
        return session_store(settings)
    if database.startswith(("postgresql://", "postgres://")):
        return session_store(settings.model_copy(update={"database_url": SecretStr(database)}))
    return SessionStore(Path(database))


def cmd_sessions_export(args: argparse.Namespace, settings: Settings) -> int:
    """One session per line: its id, times, plan, state and turns, exactly as stored."""
    store = _store(settings, args.database)
    args.file.parent.mkdir(parents=True, exist_ok=True)
    partial = args.file.with_name(f".{args.file.name}.part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # the answers are personal: yours only
    count = 0
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        for meta in store.list():
            session = store.load(str(meta["id"]))
            record = {"id": session.id, "created": meta["created"], "updated": meta["updated"],
                      **json.loads(session.model_dump_json(include={"owner", "plan", "state", "turns"}))}  # fmt: skip
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    os.replace(partial, args.file)
    print(f"exported {count} session(s) from {store.where} to {args.file}")
    return 0


def cmd_sessions_import(args: argparse.Namespace, settings: Settings) -> int:
    """Each session in its own transaction; one already in the target (same id) is left as it is."""
    from interviewer.interview.models import Session
    from interviewer.interview.store import SessionNotFound

    if not args.file.is_file():
        print(f"error: no file {args.file}", file=sys.stderr)
        return 2
    store = _store(settings, args.database)
    added = kept = 0
    with args.file.open(encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                session = Session.model_validate(
                    {"owner": record.get("owner"), **{k: record[k] for k in ("id", "plan", "state", "turns")}}
                )
            except (ValueError, KeyError) as e:
                print(f"error: {args.file} line {n} is not an exported session ({type(e).__name__}); nothing "
                      f"after line {n - 1} was imported", file=sys.stderr)  # fmt: skip
                return 2
            try:
                store.load(session.id)
                kept += 1
                continue
            except SessionNotFound:
                pass
            store.create(session, created=float(record["created"]), updated=float(record["updated"]))
            added += 1
    print(f"imported {added} session(s) into {store.where}; {kept} were already there and were left as they are")
    return 0


def remove_session_files(settings: Settings, ids: list[str]) -> int:
    """Reports written for download are copies of the answers: they go too."""
    removed = 0
    for sid in ids:
        for path in report_paths(settings.reports_dir, sid):
            if path.exists():
                path.unlink()
                removed += 1
    return removed


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from interviewer.bank.loader import load_bank

    session = session_store(settings).load(args.session_id)
    report = build_report(load_bank(settings.knowledge_dir), session)
    out = {"md": to_markdown, "html": to_html}.get(args.format)
    sys.stdout.write(out(report) if out else json.dumps(report, indent=2) + "\n")
    return 0
