"""Timing the LLM path from inside: the judge, the policy, each of their chat calls, and the policy's retrieval of
example follow-ups. Subclasses of the product's own classes, so the code measured is the code that runs; times
are `time.monotonic()`, the clock the fake server stamps its requests with."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from interviewer.bank.loader import Bank
from interviewer.index.store import BankIndex
from interviewer.interview.follow_ups import FollowUps
from interviewer.interview.interviewer import Interviewer, Scorer
from interviewer.interview.llm_policy import LLMPolicy, Move
from interviewer.interview.models import Session
from interviewer.interview.store import SessionStore
from interviewer.llm import StructuredChat
from interviewer.scoring.formula import Features
from interviewer.scoring.judge import Judgement, LLMJudge
from interviewer.scoring.models import AnswerScore
from interviewer.scoring.rubric import Rubric
from interviewer.scoring.tokens import TokenCounter
from interviewer.settings import LLMSettings

M = TypeVar("M", bound=BaseModel)


@dataclass
class TurnSample:
    """One candidate turn: its bounds, seconds per LLM-path part ("judge", "policy", "examples"), and its calls."""

    start: float
    end: float = 0.0
    spans: dict[str, float] = field(default_factory=dict)
    calls: list[tuple[float, float, str]] = field(default_factory=list)  # (start, end, the schema it asked for)


class Probe:
    """Collects samples; anything timed outside `turn()` (the warm-up) is not kept."""

    def __init__(self) -> None:
        self.turns: list[TurnSample] = []
        self._turn: TurnSample | None = None

    @contextmanager
    def turn(self) -> Iterator[TurnSample]:
        sample = self._turn = TurnSample(time.monotonic())
        try:
            yield sample
        finally:
            sample.end, self._turn = time.monotonic(), None
            self.turns.append(sample)

    @contextmanager
    def span(self, part: str) -> Iterator[None]:
        began = time.monotonic()
        try:
            yield
        finally:
            if self._turn is not None:
                self._turn.spans[part] = self._turn.spans.get(part, 0.0) + time.monotonic() - began

    @contextmanager
    def call(self, schema: str) -> Iterator[None]:
        """One chat call asking for `schema`: the judge's and the policy's calls of a turn run at once, so a call is
        matched to its request by what it asked for, not only by time."""
        began = time.monotonic()
        try:
            yield
        finally:
            if self._turn is not None:
                self._turn.calls.append((began, time.monotonic(), schema))


class TimedChat(StructuredChat[M]):
    """A copy of `chat` (same settings, schema and temperature) whose every call is timed."""

    def __init__(self, chat: StructuredChat[M], probe: Probe):
        super().__init__(chat.settings, chat.schema, chat.temperature)
        self.probe = probe

    def invoke(self, prompt: str) -> M:
        with self.probe.call(self.schema.__name__):
            return super().invoke(prompt)


def timed(chat: StructuredChat[M], probe: Probe) -> StructuredChat[M]:
    """`chat`, timed: wrapped once, on first use (the product builds its chain lazily)."""
    return chat if isinstance(chat, TimedChat) else TimedChat(chat, probe)


class TimedJudge(LLMJudge):
    def __init__(self, settings: LLMSettings, counter: TokenCounter, probe: Probe):
        super().__init__(settings, counter)
        self.probe = probe

    @property
    def chain(self) -> StructuredChat[Judgement]:
        self._chain = timed(super().chain, self.probe)
        return self._chain

    def judge(self, rubric: Rubric, answer: str, offline: AnswerScore, read: Features | None) -> AnswerScore:
        with self.probe.span("judge"):
            return super().judge(rubric, answer, offline, read)


class TimedPolicy(LLMPolicy):
    def __init__(self, settings: LLMSettings, probe: Probe):
        super().__init__(settings)
        self.probe = probe

    @property
    def chain(self) -> StructuredChat[Move]:
        self._chain = timed(super().chain, self.probe)
        return self._chain

    def decide(self, *args: Any, **kwargs: Any) -> Move:  # the policy's own signature, passed through
        with self.probe.span("policy"):
            return super().decide(*args, **kwargs)


class TimedInterviewer(Interviewer):
    """Times the retrieval of bank follow-ups that only the LLM policy's prompt uses."""

    def __init__(
        self, bank: Bank, scorer: Scorer, store: SessionStore, index: BankIndex, policy: TimedPolicy, probe: Probe
    ):
        super().__init__(bank, scorer, store, index, policy)
        self.follow_ups = TimedFollowUps(bank, index, probe)


class TimedFollowUps(FollowUps):
    def __init__(self, bank: Bank, index: BankIndex, probe: Probe):
        super().__init__(bank, index)
        self.probe = probe

    def examples(self, session: Session, result: AnswerScore | None = None) -> list[str]:
        with self.probe.span("examples"):
            return super().examples(session, result)
