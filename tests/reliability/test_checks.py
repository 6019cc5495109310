"""The checks themselves, against a real sessions file: each must catch the failure it exists for."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Literal

import pytest

from interviewer.interview.models import Plan, Session, Turn
from interviewer.interview.store import SessionStore
from interviewer.reliability.crash_checks import Record, Tally, check_stored, half_turns
from interviewer.reliability.load import Candidate, LoadConfig, LoadRun, audit
from interviewer.reliability.sessions import SessionReader, shown


def _turn(role: Literal["interviewer", "candidate"], text: str) -> Turn:
    return Turn(role=role, text=text, kind="answer" if role == "candidate" else "question")


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "sessions.sqlite3")


def _session(store: SessionStore, sid: str, texts: list[str]) -> Session:
    """A session whose turns alternate interviewer, candidate, interviewer, ... starting with the interviewer."""
    session = Session(id=sid, plan=Plan())
    store.create(session)
    turns = [_turn("interviewer" if i % 2 == 0 else "candidate", t) for i, t in enumerate(texts)]
    session.turns.extend(turns)
    store.append(session, turns)
    return session


def _check(store: SessionStore, rec: Record) -> Tally:
    tally = Tally()
    check_stored(rec, SessionReader(store.path), tally, "test")
    return tally


def test_everything_acknowledged_and_stored_passes(store: SessionStore) -> None:
    s = _session(store, "s1", ["Q1?", "my <answer> (c0-t1)", "Q2?"])
    tally = _check(store, Record("s1", shown(s.turns)))
    assert (tally.lost_turns, tally.half_turns, tally.unexpected_turns) == (0, 0, 0)
    assert tally.acked_turns_checked == 1


def test_a_missing_or_changed_acknowledged_turn_is_lost(store: SessionStore) -> None:
    s = _session(store, "s1", ["Q1?", "answer one", "Q2?"])
    acked = [*shown(s.turns), ("user", "answer two"), ("assistant", "Q3?")]
    assert _check(store, Record("s1", acked)).lost_turns == 1
    changed = [*shown(s.turns)[:2], ("assistant", "Q2, reworded?")]
    tally = _check(store, Record("s1", changed))
    assert tally.lost_turns == 1 and "s1 turn 2" in tally.problems[0]
    assert _check(store, Record("gone", acked)).lost_turns == 2


def test_a_candidate_turn_without_its_reply_is_a_half_turn(store: SessionStore) -> None:
    s = _session(store, "s1", ["Q1?", "answer one", "Q2?"])
    half = _turn("candidate", "answer two")
    s.turns.append(half)
    store.append(s, [half])  # what committing an exchange in one transaction rules out
    assert _check(store, Record("s1", shown(s.turns[:3]))).half_turns == 1
    assert half_turns([("assistant", "Q"), ("user", "a"), ("user", "b"), ("assistant", "R")]) == 1


def test_the_turn_in_flight_may_be_kept_whole_or_not_at_all(store: SessionStore) -> None:
    s = _session(store, "s1", ["Q1?", "answer one", "Q2?"])
    before = shown(s.turns)
    assert _check(store, Record("s1", before[:1], pending="answer one")).in_flight_committed == 1
    assert _check(store, Record("s1", before, pending="answer two")).in_flight_absent == 1
    assert _check(store, Record("s1", before[:1], pending="something else")).unexpected_turns == 2


def test_health_reports_integrity_and_journal_mode(store: SessionStore, tmp_path: Path) -> None:
    assert SessionReader(store.path).health() == ("ok", "wal")
    plain = tmp_path / "plain.sqlite3"
    with sqlite3.connect(plain) as db:
        db.execute("CREATE TABLE t (x)")
    assert SessionReader(plain).health() == ("ok", "delete")


def test_audit_finds_another_candidates_marker_in_a_session(store: SessionStore) -> None:
    run = LoadRun(LoadConfig(candidates=2), "http://127.0.0.1:9/")
    c0, c1 = run.candidates
    own = _session(store, "own", ["Q1?", f"answer ({c0.who}-t1)", "Q2?"])
    leaked = _session(store, "leaked", ["Q1?", f"answer ({c1.who}-t1)", f"As {c0.who}-t2 said, Q2?"])
    _session(store, "stray", ["Q1?", f"answer ({c1.who}-t9)", "Q2?"])  # started by no candidate of this run
    _session(store, "older-run", ["Q1?", "answer (load000000-c0-t1)", "Q2?"])
    c0.shown = {"own": shown(own.turns)}
    c1.shown = {"leaked": shown(leaked.turns)}
    violations, mismatches, checked, problems = audit(SessionReader(store.path), run)
    assert (violations, mismatches, checked) == (2, 0, 2)
    assert any("leaked" in p and c0.who in p for p in problems) and any("stray" in p for p in problems)


def test_audit_finds_a_stored_session_that_differs_from_what_was_shown(store: SessionStore) -> None:
    run = LoadRun(LoadConfig(candidates=1), "http://127.0.0.1:9/")
    cand: Candidate = run.candidates[0]
    s = _session(store, "s1", ["Q1?", f"answer ({cand.who}-t1)", "Q2?"])
    cand.shown = {"s1": shown(s.turns)[:1], "never-stored": []}
    assert audit(SessionReader(store.path), run)[1] == 2
