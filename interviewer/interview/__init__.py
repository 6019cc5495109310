"""Interview sessions: the orchestrator, its offline policy, scenarios, the session store and the report."""

from __future__ import annotations

from interviewer.bank.loader import load_bank
from interviewer.index.store import open_index
from interviewer.interview.interviewer import Interviewer
from interviewer.interview.llm_policy import LLMPolicy
from interviewer.interview.store import SessionStore
from interviewer.scoring.engine import AnswerScorer
from interviewer.settings import Settings


def session_store(settings: Settings) -> SessionStore:
    return SessionStore(settings.sessions_dir / "sessions.sqlite3")


def open_interviewer(settings: Settings, progress: bool = False) -> Interviewer:
    bank = load_bank(settings.knowledge_dir)
    index, _ = open_index(settings, bank, progress=progress)
    scorer = AnswerScorer(settings)
    policy = LLMPolicy(settings.llm) if settings.llm.configured else None
    return Interviewer(bank, scorer, session_store(settings), index, policy)


__all__ = ["Interviewer", "SessionStore", "open_interviewer", "session_store"]
