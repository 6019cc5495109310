"""Reading the app's sessions directly, the way an auditor would: never through the app's own store. SQLite by
default; `PostgresReader` for a team's database.

`SessionStore` sets `journal_mode=WAL` on every connection it opens, so using it here would make the
journal-mode check pass by itself. These connections only read (`query_only`), and change no setting.
"""

from __future__ import annotations

import html
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from interviewer.interview.models import Turn

Shown = tuple[str, str]  # (chat role "user" | "assistant", text as the chat shows it)


def shown(turns: list[Turn]) -> list[Shown]:
    """Turns as the web chat shows them: retries left out, text HTML-escaped (see `ui.views.chat_messages`)."""
    return [
        ("user" if t.role == "candidate" else "assistant", html.escape(t.text, quote=False))
        for t in turns
        if t.kind != "retry"
    ]


class _Reads:
    """The reads both databases answer alike; a subclass gives `_connect` and its placeholder."""

    mark = "?"
    phase_sql = "SELECT json_extract(state, '$.phase') FROM sessions WHERE id = ?"

    def _connect(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def _q(self, sql: str) -> str:
        return sql.replace("?", self.mark)

    def turns(self, session_id: str) -> list[Turn] | None:
        """The session's turns in order, or None when the session does not exist."""
        with self._connect() as db:
            if db.execute(self._q("SELECT 1 FROM sessions WHERE id = ?"), (session_id,)).fetchone() is None:
                return None
            sql = self._q("SELECT body FROM turns WHERE session_id = ? ORDER BY idx")
            rows = db.execute(sql, (session_id,)).fetchall()
        return [Turn.model_validate_json(r[0]) for r in rows]

    def phase(self, session_id: str) -> str | None:
        with self._connect() as db:
            found = db.execute(self._q(self.phase_sql), (session_id,)).fetchone()
        return str(found[0]) if found else None

    def all_turns(self) -> dict[str, list[Turn]]:
        """Every session's turns, including sessions that have none."""
        with self._connect() as db:
            out: dict[str, list[Turn]] = {r[0]: [] for r in db.execute("SELECT id FROM sessions")}
            for sid, body in db.execute("SELECT session_id, body FROM turns ORDER BY session_id, idx"):
                out.setdefault(sid, []).append(Turn.model_validate_json(body))
        return out


class SessionReader(_Reads):
    def __init__(self, path: Path):
        self.path = path

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if not self.path.exists():
            raise FileNotFoundError(f"no sessions file at {self.path}: has the app started?")
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA query_only=ON")
            yield db
        finally:
            db.close()

    def health(self) -> tuple[str, str]:
        """(`PRAGMA integrity_check` result, `PRAGMA journal_mode`): ("ok", "wal") when all is well."""
        with self._connect() as db:
            integrity = "; ".join(str(r[0]) for r in db.execute("PRAGMA integrity_check").fetchall())
            mode = str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        return integrity, mode


class PostgresReader(_Reads):
    """The same reads on a PostgreSQL session database (`INTERVIEWER_DATABASE_URL`), in read-only transactions on
    connections of its own, never through the app's store."""

    mark = "%s"
    phase_sql = "SELECT state::json->>'phase' FROM sessions WHERE id = ?"

    def __init__(self, url: str):
        self.url = url

    @contextmanager
    def _connect(self) -> Iterator[Any]:
        import psycopg

        with psycopg.connect(self.url, connect_timeout=30) as db:
            db.read_only = True
            yield db

    def health(self) -> tuple[str, str]:
        """("ok", "postgresql") when the database answers; its own integrity is PostgreSQL's business."""
        with self._connect() as db:
            db.execute("SELECT 1").fetchone()
        return "ok", "postgresql"


Reader = SessionReader | PostgresReader
