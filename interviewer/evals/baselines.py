"""Two naive scorers the real one must beat: answer length alone, and word overlap with the reference."""

from __future__ import annotations

from interviewer.evals.scoring import Labelled
from interviewer.scoring.guards import STOPWORDS
from interviewer.scoring.models import (
    AnswerScore,
    Delivery,
    Engine,
    KeyPointResult,
    Ownership,
    Specificity,
    Verdict,
    band_for,
)
from interviewer.scoring.rubric import Rubric
from interviewer.scoring.text import sentences, words

_EMPTY_SPEC = Specificity(ownership=Ownership(i=0, we=0), score=0.0)


def _content(text: str) -> set[str]:
    return {w.lower() for w in words(text) if w.lower() not in STOPWORDS and len(w) > 2}


def _result(score: float | None, answer: str, key_points: list[KeyPointResult] | None = None) -> AnswerScore:
    n = len(words(answer))
    return AnswerScore(
        score=score,
        band=band_for(score) if score is not None else None,
        unscored_reason=None if score is not None else ("empty" if n == 0 else "too-short"),
        key_points=key_points or [],
        specificity=_EMPTY_SPEC,
        delivery=Delivery(words=n, filler_words=0, filler_rate=0.0),
        engine=Engine(kind="baseline"),
    )


def length_baseline(rubric: Rubric, item: Labelled) -> AnswerScore:
    """Longer is better: 10 at 200 words. Every key point 'there' once the answer passes 60 words."""
    n = len(words(item.answer))
    if n < 8:
        return _result(None, item.answer)
    verdict: Verdict = "covered" if n >= 60 else "missing"
    kps = [KeyPointResult(id=k.id, text=k.text, verdict=verdict) for k in rubric.key_points]
    return _result(round(min(10.0, 10 * n / 200), 1), item.answer, kps)


def overlap_baseline(rubric: Rubric, item: Labelled) -> AnswerScore:
    """Share of the reference's (and key points') content words that the answer uses."""
    answer_words = _content(item.answer)
    if len(words(item.answer)) < 8:
        return _result(None, item.answer)
    reference = _content(" ".join([rubric.reference or "", *(k.text for k in rubric.key_points)]))
    kps = []
    for k in rubric.key_points:
        kw = _content(k.text)
        share = len(kw & answer_words) / len(kw) if kw else 0.0
        verdict: Verdict = "covered" if share >= 0.5 else "partial" if share >= 0.25 else "missing"
        best = max(sentences(item.answer), key=lambda s: len(_content(s.text) & kw), default=None)
        kps.append(
            KeyPointResult(
                id=k.id, text=k.text, verdict=verdict, evidence=best.text if best and verdict != "missing" else None
            )
        )
    share = len(reference & answer_words) / len(reference) if reference else 0.0
    return _result(round(min(10.0, 10 * share * 2), 1), item.answer, kps)
