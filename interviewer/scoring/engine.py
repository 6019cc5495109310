"""The scorer the product uses: offline always, plus the LLM judge when an endpoint is configured."""

from __future__ import annotations

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
