"""Sessions in SQLite: WAL mode, one transaction per turn, versioned migrations.

A turn is committed, together with the state it leads to, before the reply is returned. Reopening a session
gives back exactly what the candidate saw acknowledged.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from interviewer.interview.models import Plan, Session, State, Turn

MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = []


def migration(fn: Callable[[sqlite3.Connection], None]) -> Callable[[sqlite3.Connection], None]:
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_initial(db: sqlite3.Connection) -> None:
    db.execute(
        "CREATE TABLE sessions (id TEXT PRIMARY KEY, created REAL NOT NULL, updated REAL NOT NULL,"
        " plan TEXT NOT NULL, state TEXT NOT NULL)"
    )
    db.execute(
        "CREATE TABLE turns (session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
        " idx INTEGER NOT NULL, body TEXT NOT NULL, created REAL NOT NULL, PRIMARY KEY (session_id, idx))"
    )


def legacy_engine(label: object) -> object:
    """An engine as version 1 wrote it, a label string, as the typed `Engine` reads it; anything else unchanged."""
    if not isinstance(label, str):
        return label
    if label.startswith("llm:"):
        return {"kind": "llm", "model": label.removeprefix("llm:")}
    if label.startswith("offline (") and label.endswith(")"):
        inner = label.removeprefix("offline (").removesuffix(")")
        if inner.startswith("llm failed: "):
            return {"kind": "offline", "fallback": "failed", "reason": inner.removeprefix("llm failed: ")}
        return {"kind": "offline", "fallback": "refused", "reason": inner.removeprefix("llm ")}
    return {"kind": "offline"}


def _typed_score(score: object) -> object:
    """A version-1 score dict as `AnswerScore` reads it: the engine typed, keys no longer in the model dropped."""
    if not isinstance(score, dict):
        return score
    from interviewer.scoring.models import AnswerScore

    out = {k: v for k, v in score.items() if k in AnswerScore.model_fields}
    if "engine" in out:
        out["engine"] = legacy_engine(out["engine"])
    return out


@migration
def m002_typed_scores_and_engines(db: sqlite3.Connection) -> None:
    """Scores and engines become typed (`AnswerScore`, `Engine`): rewrite the rows written as dicts and labels, and
    drop the state's `turn_engine` side channel."""
    for sid, idx, body in db.execute("SELECT session_id, idx, body FROM turns").fetchall():
        turn = json.loads(body)
        new = {**turn, "score": _typed_score(turn.get("score")), "engine": legacy_engine(turn.get("engine"))}
        if new != turn:
            db.execute("UPDATE turns SET body = ? WHERE session_id = ? AND idx = ?", (json.dumps(new), sid, idx))
    for sid, body in db.execute("SELECT id, state FROM sessions").fetchall():
        state = json.loads(body)
        new = {k: v for k, v in state.items() if k != "turn_engine"}
        new["scores"] = {item: _typed_score(sc) for item, sc in state.get("scores", {}).items()}
        if new != state:
            db.execute("UPDATE sessions SET state = ? WHERE id = ?", (json.dumps(new), sid))


class SessionNotFound(KeyError):
    pass


class SessionStore:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._connect() as db:
            self._migrate(db)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            yield db
        finally:
            db.close()

    def _migrate(self, db: sqlite3.Connection) -> None:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
            db.execute("BEGIN IMMEDIATE")
            step(db)
            db.execute(f"PRAGMA user_version = {number}")
            db.execute("COMMIT")

    def create(self, session: Session) -> None:
        """The session row and the turns it already holds (the greeting), in one transaction: a crash leaves
        either nothing or a session the candidate can see."""
        now = time.time()
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                (session.id, now, now, session.plan.model_dump_json(), session.state.model_dump_json()),
            )
            db.executemany(
                "INSERT INTO turns VALUES (?, ?, ?, ?)",
                [(session.id, i, t.model_dump_json(), now) for i, t in enumerate(session.turns)],
            )
            db.execute("COMMIT")

    def append(self, session: Session, turns: list[Turn]) -> None:
        """Add turns and the new state atomically; the session object already holds them."""
        now = time.time()
        start = len(session.turns) - len(turns)
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                "INSERT INTO turns VALUES (?, ?, ?, ?)",
                [(session.id, start + i, t.model_dump_json(), now) for i, t in enumerate(turns)],
            )
            db.execute(
                "UPDATE sessions SET state = ?, updated = ? WHERE id = ?",
                (session.state.model_dump_json(), now, session.id),
            )
            db.execute("COMMIT")

    def load(self, session_id: str) -> Session:
        with self._connect() as db:
            row = db.execute("SELECT plan, state FROM sessions WHERE id = ?", (session_id,)).fetchone()
            if row is None:
                raise SessionNotFound(f"no session {session_id!r}; see `interviewer sessions list`")
            bodies = db.execute("SELECT body FROM turns WHERE session_id = ? ORDER BY idx", (session_id,)).fetchall()
        return Session(
            id=session_id,
            plan=Plan.model_validate_json(row[0]),
            state=State.model_validate_json(row[1]),
            turns=[Turn.model_validate_json(b[0]) for b in bodies],
        )

    def list(self) -> list[dict[str, object]]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT s.id, s.created, s.updated, s.plan, s.state, COUNT(t.idx) FROM sessions s"
                " LEFT JOIN turns t ON t.session_id = s.id GROUP BY s.id ORDER BY s.updated DESC"
            ).fetchall()
        return [
            {
                "id": r[0],
                "created": r[1],
                "updated": r[2],
                "plan": json.loads(r[3]),
                "phase": json.loads(r[4])["phase"],
                "turns": r[5],
            }
            for r in rows
        ]

    def delete(self, session_id: str) -> bool:
        """Remove a session and its turns for good: freed pages are zeroed and the WAL is folded back and
        truncated, so the text is not left behind in the database files."""
        return self._delete("DELETE FROM sessions WHERE id = ?", (session_id,)) > 0

    def delete_all(self) -> int:
        return self._delete("DELETE FROM sessions", ())

    def _delete(self, sql: str, params: tuple[str, ...]) -> int:
        with self._connect() as db:
            db.execute("PRAGMA secure_delete=ON")
            db.execute("BEGIN IMMEDIATE")
            cur = db.execute(sql, params)
            db.execute("COMMIT")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return cur.rowcount
