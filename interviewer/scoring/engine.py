"""The scorer the product uses: offline always, plus the LLM judge when an endpoint is configured."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from interviewer.scoring.judge import LLMJudge
from interviewer.scoring.models import AnswerScore
from interviewer.scoring.rubric import Rubric
from interviewer.scoring.scorer import OfflineScorer
from interviewer.scoring.tokens import TokenCounter
from interviewer.settings import Settings, apply_tiktoken_cache


def token_counter(settings: Settings) -> TokenCounter:
    apply_tiktoken_cache(settings)
    return TokenCounter(settings.tiktoken_cache_dir)


class AnswerScorer:
    def __init__(self, settings: Settings, offline: OfflineScorer | None = None):
        self.offline = offline or OfflineScorer()
        self.judge = (
            LLMJudge(settings.llm, token_counter(settings), self.offline.params) if settings.llm.configured else None
        )

    def warm(self, rubrics: list[Rubric], cache_file: Path | None = None) -> None:
        self.offline.warm(rubrics, cache_file)

    def score(self, rubric: Rubric, answer: str, audio_seconds: float | None = None) -> AnswerScore:
        result, read = self.offline.scored(rubric, answer, audio_seconds=audio_seconds)
        return self.judge.judge(rubric, answer, result, read) if self.judge else result

    def prepare(self, rubric: Rubric, answer: str) -> None:
        """Read an answer that is still being given (a spoken one, stretch by stretch) offline and keep nothing but
        the caches: its sentences embedded and read, so the turn that scores it when it ends does not wait for them.
        Never the judge: an endpoint is asked once per turn."""
        self.offline.score(rubric, answer)

    def score_early(
        self, rubric: Rubric, answer: str, audio_seconds: float | None = None
    ) -> tuple[AnswerScore, Callable[[], AnswerScore]]:
        """The offline result now, and a function that gives the final one (the judge's, when an endpoint is
        configured). The judge's call starts at once in the background, in the turn's context (its time budget), so
        the interviewer can ask the policy meanwhile: a turn then waits one model round trip, not two."""
        result, read = self.offline.scored(rubric, answer, audio_seconds=audio_seconds)
        if self.judge is None or result.score is None:
            return result, lambda: result
        judge = self.judge
        future = _background().submit(contextvars.copy_context().run, judge.judge, rubric, answer, result, read)
        return result, future.result


_POOL: ThreadPoolExecutor | None = None


def _background() -> ThreadPoolExecutor:
    """One pool for every session's background judge calls (each is bounded by its turn's budget)."""
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="judge")
    return _POOL
