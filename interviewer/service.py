"""The application object: the bank, its index, the interviewer and the voice layer, opened once and shared by
the web UI and the CLI. It decides nothing the UI would have to know about: the UI maps its results to widgets."""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interviewer.accounts import NOBODY, accounts_mode
from interviewer.bank.check import stats
from interviewer.bank.loader import Bank, load_bank
from interviewer.index.store import BankIndex, BuildReport, SearchHit, open_index
from interviewer.interview import session_store
from interviewer.interview.inputs import clean_answer
from interviewer.interview.models import Plan, Session, TurnResult
from interviewer.interview.report import build_report, report_paths, to_html, to_markdown
from interviewer.interview.store import SessionNotFound
from interviewer.scoring.models import Speech
from interviewer.scoring.rubric import Rubric, rubric_for
from interviewer.settings import Settings

if TYPE_CHECKING:
    from interviewer.interview.interviewer import Interviewer
    from interviewer.voice import Transcript
    from interviewer.voice.stt import Transcriber
    from interviewer.voice.turns import Listener

log = logging.getLogger(__name__)
MAX_QUERY_CHARS = 2000


class Service:
    def __init__(
        self, settings: Settings, progress: bool = False, bank: Bank | None = None, index: BankIndex | None = None
    ):
        """`bank` and `index`: already open (the evals open them once for many suites); by default from `settings`."""
        self.settings = settings
        self.bank: Bank = bank or load_bank(settings.knowledge_dir)
        self.index: BankIndex
        self.build_report: BuildReport | None = None  # None when the index came in already open
        if index is None:
            self.index, self.build_report = open_index(settings, self.bank, progress=progress)
        else:
            self.index = index
        self.store = session_store(settings)
        self.accounts = accounts_mode(settings)
        self._interviewer: Interviewer | None = None
        self._build_lock = threading.Lock()
        self._session_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._transcriber: Transcriber | None = None

    # --- engines ------------------------------------------------------------------------------------------
    @property
    def engine(self) -> str:
        """What answers: the offline engine unless an OpenAI-compatible endpoint is configured."""
        return f"llm:{self.settings.llm.model}" if self.settings.llm.configured else "offline"

    @property
    def interviewer(self) -> Interviewer:
        with self._build_lock:  # built once, on first use: loading the scorer's model takes seconds
            if self._interviewer is None:
                from interviewer.interview.interviewer import Interviewer
                from interviewer.interview.llm_policy import LLMPolicy
                from interviewer.interview.profile import load_profile
                from interviewer.scoring.engine import AnswerScorer
                from interviewer.scoring.scorer import OfflineScorer

                embedder = self.index.embedder if self.settings.embedding.provider == "local" else None
                scorer = AnswerScorer(self.settings, OfflineScorer(embedder))
                policy = LLMPolicy(self.settings.llm) if self.settings.llm.configured else None
                profile = load_profile(self.settings.profile_file)
                self._interviewer = Interviewer(self.bank, scorer, self.store, self.index, policy, profile)
            return self._interviewer

    def warm_up(self) -> None:
        """Load the embedding model and embed every rubric now, so no candidate waits for it."""
        self.index.search("warm up", k=1)
        self.interviewer.warm(cache_file=self.settings.rubric_vectors_file)

    # --- the bank -----------------------------------------------------------------------------------------
    def stats(self) -> dict[str, object]:
        return stats(self.bank.questions, self.bank.scenarios)

    def search(self, query: str, k: int = 5, track: str | None = None, level: str | None = None) -> list[SearchHit]:
        return self.index.search(query[:MAX_QUERY_CHARS], k=k, track=track or None, level=level or None)

    # --- accounts -----------------------------------------------------------------------------------------
    def user_of(self, request: Any) -> str | None:
        """The account a web request acts for: None without accounts (every session is open to it), else the
        signed-in name; `NOBODY` (owns and sees nothing) if a request that should carry one does not."""
        if self.accounts is None:
            return None
        name = getattr(request, "username", None)
        return name if isinstance(name, str) and name else NOBODY

    # --- interviews ---------------------------------------------------------------------------------------
    def start(self, plan: Plan, user: str | None = None) -> Session:
        if user == NOBODY:
            raise PermissionError("sign in to start an interview")
        return self.interviewer.start(plan, owner=user)

    def load(self, session_id: str, user: str | None = None) -> Session | None:
        """The session, or None when there is none, or when it belongs to another account than `user`'s (given
        only with accounts on): the same answer, so a link says nothing about whose it is."""
        try:
            return self._own(self.store.load(session_id), user)
        except SessionNotFound:
            return None

    @staticmethod
    def _own(session: Session, user: str | None) -> Session:
        if user is not None and session.owner != user:
            raise SessionNotFound(f"no session {session.id!r}")
        return session

    def sessions(self, user: str | None = None) -> list[dict[str, object]]:
        """The sessions `user` may see, newest first: theirs with accounts, all without."""
        return self.store.list(owner=user)

    def reply(
        self,
        session_id: str,
        raw: str | bytes,
        audio_seconds: float | None = None,
        speech: Speech | None = None,
        user: str | None = None,
    ) -> tuple[Session, TurnResult]:
        """One candidate turn: the session as it now stands and what the turn did (the interviewer cleans the text).
        Raises `SessionNotFound` for a session that is not `user`'s."""
        with self._session_locks[session_id]:  # a double submit must not interleave two turns
            session = self._own(self.store.load(session_id), user)
            result = self.interviewer.reply(session, raw, audio_seconds=audio_seconds, speech=speech)
        return session, result

    def retry(
        self,
        session_id: str,
        raw: str | bytes,
        audio_seconds: float | None = None,
        speech: Speech | None = None,
        user: str | None = None,
    ) -> TurnResult | None:
        """Practice mode: another attempt at the last scored item, scored; None when there is nothing to retry."""
        with self._session_locks[session_id]:
            session = self._own(self.store.load(session_id), user)
            return self.interviewer.retry(session, raw, audio_seconds=audio_seconds, speech=speech)

    def report(self, session: Session) -> dict[str, Any]:
        return build_report(self.bank, session)

    def report_files(self, session: Session, report: dict[str, Any] | None = None) -> tuple[Path, Path]:
        """The report as Markdown and HTML files in the data directory, for download (`report`: one already built
        for this session, so one click builds it once)."""
        report = report or self.report(session)
        self.settings.reports_dir.mkdir(parents=True, exist_ok=True)
        md, page = report_paths(self.settings.reports_dir, session.id)
        md.write_text(to_markdown(report), encoding="utf-8")
        page.write_text(to_html(report), encoding="utf-8")
        return md, page

    # --- voice --------------------------------------------------------------------------------------------
    @property
    def transcriber(self) -> Transcriber:
        """The configured recogniser (the endpoint with the offline one behind it, or the offline one), built once."""
        from interviewer.voice import get_transcriber

        with self._build_lock:
            if self._transcriber is None:
                self._transcriber = get_transcriber(self.settings)
            return self._transcriber

    def transcribe(self, path: str | Path, session_id: str | None = None, user: str | None = None) -> Transcript:
        """Speech to text; raises `AudioError` with a message for the user when the audio cannot be used. With the
        session, the offline recogniser is told the question being answered and the tools its rubric names."""
        from interviewer.voice.prompt import recognition_prompt

        transcriber = self.transcriber
        session = self.load(session_id, user) if session_id else None
        current = session.state.current if session else None
        prompt = recognition_prompt(rubric_for(self.bank, current)) if current else None
        return transcriber.transcribe(Path(path), prompt=prompt)

    def listener(self, session_id: str, user: str | None = None) -> Listener:
        """A hands-free turn for this session: the microphone stream in, the end of the answer detected, its words
        heard stretch by stretch by the configured recogniser (the endpoint, or the offline one), told the question
        being answered."""
        from interviewer.voice.prompt import recognition_prompt
        from interviewer.voice.turns import Listener, Stretches

        transcriber = self.transcriber
        session = self.load(session_id, user)
        current = session.state.current if session else None
        rubric = rubric_for(self.bank, current) if current else None
        prompt = recognition_prompt(rubric) if rubric else None
        stretches = Stretches(transcriber.offline, prompt, transcriber.remote, self.settings.voice.turns.window_s)
        prepare = partial(self._prepare, rubric) if rubric else None
        return Listener(self.settings.voice.turns, stretches, prepare=prepare)

    def _prepare(self, rubric: Rubric, words: str) -> None:
        """The words of a live turn so far, read while the candidate is still talking (`Scorer.prepare`)."""
        try:
            self.interviewer.scorer.prepare(rubric, clean_answer(words).text)
        except Exception as e:  # only a head start: the turn itself scores the answer when it ends
            log.warning("a live answer could not be read ahead: %s", type(e).__name__)

    @property
    def stt_engine(self) -> str:
        from interviewer.voice.stt import OFFLINE, uses_endpoint

        return f"openai:{self.settings.voice.stt_model}" if uses_endpoint(self.settings) else OFFLINE.name
