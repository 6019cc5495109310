"""Answer scoring: key points, red flags, STAR, specificity and delivery, with every quote verbatim."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interviewer.bank.models import Question
from interviewer.scoring.models import AnswerScore
from interviewer.scoring.rubric import Rubric, from_question, from_text

if TYPE_CHECKING:
    from interviewer.bank.loader import Bank
    from interviewer.index.store import BankIndex
    from interviewer.scoring.scorer import OfflineScorer

MATCH_MIN = 0.75  # a free-text question this close to a bank question is scored against that entry


def resolve_rubric(
    question: str,
    bank: Bank | None = None,
    index: BankIndex | None = None,
    reference: str | None = None,
    key_points: list[str] | None = None,
    red_flags: list[str] | None = None,
) -> Rubric:
    """Free text: the user's own checks if given, else the closest bank entry if close enough, else generic."""
    if key_points or red_flags or reference or bank is None or index is None:
        return from_text(question, reference, key_points, red_flags)
    hits = index.search(question, k=1, kind="question")
    if hits and hits[0].score >= MATCH_MIN:
        return from_question(bank.question(hits[0].id))
    return from_text(question)


def score_answer(
    question: Question | Rubric,
    answer: str,
    *,
    audio_seconds: float | None = None,
    scorer: OfflineScorer | None = None,
) -> AnswerScore:
    """Score one answer offline. Pass a shared `scorer` to reuse its loaded model and cached key points."""
    from interviewer.scoring.scorer import OfflineScorer

    rubric = from_question(question) if isinstance(question, Question) else question
    return (scorer or OfflineScorer()).score(rubric, answer, audio_seconds=audio_seconds)


__all__ = ["AnswerScore", "Rubric", "resolve_rubric", "score_answer"]
