"""Reading the app's sessions file directly, the way an auditor would: never through the app's own store.

`SessionStore` sets `journal_mode=WAL` on every connection it opens, so using it here would make the
journal-mode check pass by itself. These connections only read (`query_only`), and change no setting.
"""

from __future__ import annotations

import html
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from interviewer.interview.models import Turn

Shown = tuple[str, str]  # (chat role "user" | "assistant", text as the chat shows it)


def shown(turns: list[Turn]) -> list[Shown]:
    """Turns as the web chat shows them: retries left out, text HTML-escaped (see `ui.views.chat_messages`)."""
    return [
        ("user" if t.role == "candidate" else "assistant", html.escape(t.text, quote=False))
        for t in turns
        if t.kind != "retry"
    ]


class SessionReader:
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

    def turns(self, session_id: str) -> list[Turn] | None:
        """The session's turns in order, or None when the session does not exist."""
        with self._connect() as db:
            if db.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is None:
                return None
            rows = db.execute("SELECT body FROM turns WHERE session_id = ? ORDER BY idx", (session_id,)).fetchall()
        return [Turn.model_validate_json(r[0]) for r in rows]

    def phase(self, session_id: str) -> str | None:
        with self._connect() as db:
            row = db.execute("SELECT json_extract(state, '$.phase') FROM sessions WHERE id = ?", (session_id,))
            found = row.fetchone()
        return str(found[0]) if found else None

    def all_turns(self) -> dict[str, list[Turn]]:
        """Every session's turns, including sessions that have none."""
        with self._connect() as db:
            out: dict[str, list[Turn]] = {r[0]: [] for r in db.execute("SELECT id FROM sessions")}
            for sid, body in db.execute("SELECT session_id, body FROM turns ORDER BY session_id, idx"):
                out.setdefault(sid, []).append(Turn.model_validate_json(body))
        return out

    def health(self) -> tuple[str, str]:
        """(`PRAGMA integrity_check` result, `PRAGMA journal_mode`): ("ok", "wal") when all is well."""
        with self._connect() as db:
            integrity = "; ".join(str(r[0]) for r in db.execute("PRAGMA integrity_check").fetchall())
            mode = str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        return integrity, mode
