"""`interviewer sessions delete` really deletes: rows, database pages, WAL and the downloadable reports."""

import pytest

from interviewer.bank.loader import Bank
from interviewer.cli import main
from interviewer.index.store import BankIndex
from interviewer.interview.interviewer import Interviewer
from interviewer.interview.models import Plan
from interviewer.interview.report import build_report, report_paths, to_markdown
from interviewer.interview.store import SessionStore
from interviewer.scoring.scorer import OfflineScorer
from interviewer.settings import get_settings

MARKER = "ZEBRAQUARTZ"


def _session(bank: Bank, scorer: OfflineScorer, index: BankIndex, seed: int) -> str:
    settings = get_settings()
    store = SessionStore(settings.sessions_dir / "sessions.sqlite3")
    interviewer = Interviewer(bank, scorer, store, index)
    session = interviewer.start(Plan(questions=1, seed=seed))
    interviewer.reply(session, f"{MARKER}{seed} I would profile first with cProfile and fix the slowest query.")
    for path in report_paths(settings.reports_dir, session.id):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(to_markdown(build_report(bank, session)))
    return session.id


def _raw_bytes() -> bytes:
    sessions = get_settings().sessions_dir
    return b"".join(p.read_bytes() for p in sessions.iterdir() if p.is_file())


def test_delete_one_then_all(
    bank: Bank, scorer: OfflineScorer, built_index: BankIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _session(bank, scorer, built_index, 1)
    second = _session(bank, scorer, built_index, 2)
    assert f"{MARKER}1".encode() in _raw_bytes()
    assert main(["sessions", "delete", first]) == 0
    assert "deleted 1 session(s) and 2 report file(s)" in capsys.readouterr().out
    assert f"{MARKER}1".encode() not in _raw_bytes()  # not in the table, the free pages or the WAL
    assert f"{MARKER}2".encode() in _raw_bytes()
    assert not any(p.exists() for p in report_paths(get_settings().reports_dir, first))
    assert all(p.exists() for p in report_paths(get_settings().reports_dir, second))
    assert main(["sessions", "delete", first]) == 2  # already gone: a clear error
    assert main(["sessions", "delete", "--all"]) == 0
    assert MARKER.encode() not in _raw_bytes()
    assert not list(get_settings().reports_dir.iterdir())


def test_delete_needs_an_id_or_all() -> None:
    with pytest.raises(SystemExit):
        main(["sessions", "delete"])
