"""Interview sessions: the orchestrator, its offline policy, scenarios, the session store and the report.

The app, the terminal and the evals open an interviewer through `interviewer.service.Service`: one model load per
process, input cleaned in one place."""

from __future__ import annotations

from interviewer.interview.interviewer import Interviewer
from interviewer.interview.store import SessionStore
from interviewer.settings import Settings


def session_store(settings: Settings) -> SessionStore:
    """The one session database of these settings."""
    return SessionStore(settings.sessions_dir / "sessions.sqlite3")


__all__ = ["Interviewer", "SessionStore", "session_store"]
