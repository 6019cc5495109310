"""What must hold for a session after a crash and a restart, checked against SQLite and the app's API.

A candidate's acknowledged turns (those whose reply the client received) must all be kept, in order, with the
exact text. The turn in flight at the kill may be kept or not, but whole: a candidate turn is committed with
the interviewer's reply in one transaction, so a candidate turn without a reply after it is a half turn.
"""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass, field

from interviewer.reliability.client import AppClient
from interviewer.reliability.sessions import Reader, Shown, shown

MAX_PROBLEMS = 50


@dataclass
class Record:
    """One session as its candidate saw it."""

    session_id: str
    acked: list[Shown]  # the transcript in the last reply received
    status: str = ""
    pending: str | None = None  # a candidate turn sent, its reply not received
    done: bool = False


@dataclass
class Tally:
    """Counts across all trials; threads add to it under a lock."""

    turns_acknowledged: int = 0
    acked_turns_checked: int = 0
    lost_turns: int = 0
    half_turns: int = 0
    unexpected_turns: int = 0
    resume_failures: int = 0
    continuation_failures: int = 0
    integrity_failures: int = 0
    driver_errors: int = 0
    in_flight_committed: int = 0
    in_flight_absent: int = 0
    in_flight_starts: int = 0
    problems: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, name: str, n: int = 1, problem: str | None = None) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + n)
            if problem and len(self.problems) < MAX_PROBLEMS:
                self.problems.append(problem)


def user_turns(chat: list[Shown]) -> int:
    return sum(role == "user" for role, _ in chat)


def half_turns(rows: list[Shown]) -> int:
    """Candidate turns not followed by an interviewer turn."""
    return sum(role == "user" and (i + 1 == len(rows) or rows[i + 1][0] == "user") for i, (role, _) in enumerate(rows))


def _prefix(a: list[Shown], b: list[Shown]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def check_stored(rec: Record, reader: Reader, tally: Tally, where: str) -> list[Shown] | None:
    """Compare SQLite with what the client was acknowledged; returns the stored transcript (None if lost)."""
    turns = reader.turns(rec.session_id)
    tally.add("acked_turns_checked", user_turns(rec.acked))
    if turns is None:
        tally.add("lost_turns", max(1, user_turns(rec.acked)), f"{where}: session {rec.session_id} is gone")
        return None
    rows = shown(turns)
    if half := half_turns(rows):
        tally.add("half_turns", half, f"{where}: {half} half turn(s) in {rec.session_id}")
    same = _prefix(rows, rec.acked)
    if same < len(rec.acked):
        lost = max(1, user_turns(rec.acked[same:]))
        stored = rows[same] if same < len(rows) else "nothing"
        tally.add(
            "lost_turns", lost, f"{where}: {rec.session_id} turn {same}: acked {rec.acked[same]}, stored {stored}"
        )
        return rows
    _classify_extra(rec, rows[len(rec.acked) :], tally, where)
    return rows


def _classify_extra(rec: Record, extra: list[Shown], tally: Tally, where: str) -> None:
    """Beyond the acknowledged turns there may be the one in flight, complete, and nothing else."""
    if not extra:
        if rec.pending is not None:
            tally.add("in_flight_absent")
        return
    in_flight = rec.pending is not None and extra[0] == ("user", html.escape(rec.pending, quote=False))
    if in_flight and len(extra) >= 2 and all(role == "assistant" for role, _ in extra[1:]):
        tally.add("in_flight_committed")
        return
    tally.add("unexpected_turns", len(extra), f"{where}: {rec.session_id} has unexpected turns {extra[:2]}")


def check_resume(client: AppClient, rec: Record, rows: list[Shown], tally: Tally, where: str) -> None:
    try:
        got = client.resume(rec.session_id).chat
    except Exception as e:
        tally.add("resume_failures", 1, f"{where}: /resume {rec.session_id} raised {type(e).__name__}: {e}")
        return
    if got != rows:
        tally.add("resume_failures", 1, f"{where}: /resume {rec.session_id} gave {len(got)} turns, SQLite {len(rows)}")


def check_continues(client: AppClient, rec: Record, rows: list[Shown], text: str, tally: Tally, where: str) -> bool:
    """The session goes on after the restart: a new turn gets an interviewer reply on top of the stored ones."""
    expected = [*rows, ("user", html.escape(text, quote=False))]
    try:
        reply = client.send(rec.session_id, text)
    except Exception as e:
        tally.add("continuation_failures", 1, f"{where}: /send {rec.session_id} raised {type(e).__name__}: {e}")
        return False
    extra = reply.chat[len(expected) :]
    if reply.chat[: len(expected)] != expected or not extra or any(r != "assistant" for r, _ in extra) or reply.notice:
        tally.add("continuation_failures", 1, f"{where}: /send {rec.session_id} did not continue: {reply.notice!r}")
        return False
    rec.acked, rec.status, rec.pending = reply.chat, reply.status, None
    tally.add("turns_acknowledged")
    return True
