"""Sessions in a database: SQLite by default (one file, WAL mode), or PostgreSQL for a team (`store_postgres.py`).

Both keep the same guarantees: a turn is committed, together with the state it leads to, in one transaction before
the reply is returned, so reopening a session gives back exactly what the candidate saw acknowledged; migrations are
versioned and run on both; deletion really deletes; and two writers appending the same turn of one session (two
tabs on two replicas) cannot both succeed: the second gets `TurnConflict`.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Protocol

from interviewer.interview.models import Plan, Session, State, Turn


class Db(Protocol):
    """The part of a DB-API connection the store uses, with `?` placeholders on both databases."""

    def execute(self, sql: str, params: Any = ...) -> Any: ...

    def executemany(self, sql: str, params: Any) -> Any: ...


Migration = Callable[..., None]  # (db, dialect): dialect is "sqlite" or "postgresql"
MIGRATIONS: list[Migration] = []


def migration(fn: Migration) -> Migration:
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_initial(db: Db, dialect: str = "sqlite") -> None:
    real = "DOUBLE PRECISION" if dialect == "postgresql" else "REAL"  # PostgreSQL's REAL is 4 bytes: not a time
    db.execute(
        f"CREATE TABLE sessions (id TEXT PRIMARY KEY, created {real} NOT NULL, updated {real} NOT NULL,"
        " plan TEXT NOT NULL, state TEXT NOT NULL)"
    )
    db.execute(
        "CREATE TABLE turns (session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
        f" idx INTEGER NOT NULL, body TEXT NOT NULL, created {real} NOT NULL, PRIMARY KEY (session_id, idx))"
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
def m002_typed_scores_and_engines(db: Db, dialect: str = "sqlite") -> None:
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


@migration
def m003_owners(db: Db, dialect: str = "sqlite") -> None:
    """Each session's account (NULL without accounts), indexed: History lists one user's sessions."""
    db.execute("ALTER TABLE sessions ADD COLUMN owner TEXT")
    db.execute("CREATE INDEX sessions_owner ON sessions (owner, updated)")


class SessionNotFound(KeyError):
    pass


class TurnConflict(RuntimeError):
    """Another writer (a second tab, on this replica or another) appended this turn of the session first."""


class BaseStore:
    """What both databases share: the rows of a session and its turns. A subclass gives `_write` (a transaction
    holding the write lock, rolled back on error), `_read`, `_migrate`, `_delete` and the error a duplicate turn
    raises (`_duplicate`)."""

    dialect = "sqlite"
    _duplicate: tuple[type[BaseException], ...] = ()
    where = ""  # where the sessions live, for messages

    def _write(self) -> AbstractContextManager[Db]:
        raise NotImplementedError

    def _read(self) -> AbstractContextManager[Db]:
        raise NotImplementedError

    def _delete(self, sql: str, params: tuple[str, ...]) -> int:
        raise NotImplementedError

    def create(self, session: Session, created: float | None = None, updated: float | None = None) -> None:
        """The session row and the turns it already holds (the greeting), in one transaction: a crash leaves
        either nothing or a session the candidate can see. `created`/`updated`: kept from another store (import)."""
        now = time.time()
        with self._write() as db:
            db.execute(
                "INSERT INTO sessions (id, created, updated, plan, state, owner) VALUES (?, ?, ?, ?, ?, ?)",
                (session.id, created or now, updated or now, session.plan.model_dump_json(),
                 session.state.model_dump_json(), session.owner),
            )  # fmt: skip
            db.executemany(
                "INSERT INTO turns VALUES (?, ?, ?, ?)",
                [(session.id, i, t.model_dump_json(), created or now) for i, t in enumerate(session.turns)],
            )

    def append(self, session: Session, turns: list[Turn]) -> None:
        """Add turns and the new state atomically; the session object already holds them. Raises `TurnConflict`
        when another writer got there first (nothing of this call is kept)."""
        now = time.time()
        start = len(session.turns) - len(turns)
        try:
            with self._write() as db:
                db.executemany(
                    "INSERT INTO turns VALUES (?, ?, ?, ?)",
                    [(session.id, start + i, t.model_dump_json(), now) for i, t in enumerate(turns)],
                )
                db.execute(
                    "UPDATE sessions SET state = ?, updated = ? WHERE id = ?",
                    (session.state.model_dump_json(), now, session.id),
                )
        except self._duplicate as e:
            raise TurnConflict(f"session {session.id} already has turn {start + 1}") from e

    def load(self, session_id: str) -> Session:
        with self._read() as db:
            row = db.execute("SELECT plan, state, owner FROM sessions WHERE id = ?", (session_id,)).fetchone()
            if row is None:
                raise SessionNotFound(f"no session {session_id!r}; see `interviewer sessions list`")
            bodies = db.execute("SELECT body FROM turns WHERE session_id = ? ORDER BY idx", (session_id,)).fetchall()
        return Session(
            id=session_id,
            owner=row[2],
            plan=Plan.model_validate_json(row[0]),
            state=State.model_validate_json(row[1]),
            turns=[Turn.model_validate_json(b[0]) for b in bodies],
        )

    def list(self, owner: str | None = None) -> list[dict[str, object]]:
        """Every session, newest first; with `owner`, only that account's."""
        where, params = (" WHERE s.owner = ?", (owner,)) if owner is not None else ("", ())
        with self._read() as db:
            rows = db.execute(
                "SELECT s.id, s.created, s.updated, s.plan, s.state, COUNT(t.idx), s.owner FROM sessions s"
                f" LEFT JOIN turns t ON t.session_id = s.id{where} GROUP BY s.id ORDER BY s.updated DESC",
                params,
            ).fetchall()
        return [
            {
                "id": r[0],
                "created": r[1],
                "updated": r[2],
                "plan": json.loads(r[3]),
                "phase": json.loads(r[4])["phase"],
                "turns": r[5],
                "owner": r[6],
            }
            for r in rows
        ]

    def delete(self, session_id: str) -> bool:
        """Remove a session and its turns for good (see each database's `_delete`)."""
        return self._delete("DELETE FROM sessions WHERE id = ?", (session_id,)) > 0

    def delete_all(self) -> int:
        return self._delete("DELETE FROM sessions", ())


class SessionStore(BaseStore):
    """Sessions in one SQLite file: WAL mode, full sync, one writer at a time (BEGIN IMMEDIATE)."""

    _duplicate = (sqlite3.IntegrityError,)

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.where = str(path)
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

    @contextmanager
    def _write(self) -> Iterator[Db]:
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _read(self) -> AbstractContextManager[Db]:
        return self._connect()

    def _migrate(self, db: sqlite3.Connection) -> None:
        """Each step in its own transaction; the version is read under the write lock, so two processes opening
        the same file at once run each step once."""
        while True:
            db.execute("BEGIN IMMEDIATE")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version >= len(MIGRATIONS):
                db.execute("COMMIT")
                return
            try:
                MIGRATIONS[version](db, "sqlite")
                db.execute(f"PRAGMA user_version = {version + 1}")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _delete(self, sql: str, params: tuple[str, ...]) -> int:
        """Freed pages are zeroed and the WAL is folded back and truncated, so the text is not left behind in the
        database files."""
        with self._connect() as db:
            db.execute("PRAGMA secure_delete=ON")
            db.execute("BEGIN IMMEDIATE")
            cur = db.execute(sql, params)
            db.execute("COMMIT")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(cur.rowcount)
