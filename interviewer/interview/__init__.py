"""Interview sessions: the orchestrator, its offline policy, scenarios, the session store and the report.

The app, the terminal and the evals open an interviewer through `interviewer.service.Service`: one model load per
process, input cleaned in one place."""

from __future__ import annotations

from interviewer.interview.interviewer import Interviewer
from interviewer.interview.store import BaseStore, SessionStore, TurnConflict
from interviewer.settings import Settings


def session_store(settings: Settings) -> BaseStore:
    """The one session database of these settings: PostgreSQL when `database_url` is set, else the SQLite file."""
    if settings.database_url is not None:
        url = settings.database_url.get_secret_value()
        if not url.startswith(("postgresql://", "postgres://")):
            raise ValueError("INTERVIEWER_DATABASE_URL must be a postgresql:// URL (unset it to use SQLite)")
        from interviewer.interview.store_postgres import PostgresSessionStore

        return PostgresSessionStore(url)
    return SessionStore(settings.sessions_dir / "sessions.sqlite3")


__all__ = ["BaseStore", "Interviewer", "SessionStore", "TurnConflict", "session_store"]
