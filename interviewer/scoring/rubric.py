"""What an answer is judged against: a bank question, a scenario stage, or free text with optional parts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from interviewer.bank.models import KeyPoint, Question, RedFlag, Scenario, Stage


@dataclass(frozen=True)
class Check:
    id: str | None
    text: str
    cues: tuple[str, ...] = ()
    weight: float = 1.0


@dataclass(frozen=True)
class Rubric:
    question: str
    question_id: str | None = None
    reference: str | None = None
    key_points: tuple[Check, ...] = ()
    red_flags: tuple[Check, ...] = ()
    behavioural: bool = False  # STAR structure counts
    topic: tuple[str, ...] = field(default=())  # texts that define "on topic"

    @property
    def vocabulary(self) -> frozenset[str]:
        """The words a substantive answer draws on: the reference answer's and the key points'."""
        from interviewer.scoring.text import content_words

        return frozenset(content_words(" ".join([self.reference or "", *(k.text for k in self.key_points)])))

    @property
    def topic_texts(self) -> tuple[str, ...]:
        return self.topic or (self.question, *(k.text for k in self.key_points))


def _checks(items: Sequence[KeyPoint | RedFlag], kind: str) -> tuple[Check, ...]:
    return tuple(
        Check(i.id, i.text, tuple(i.cues), i.weight if isinstance(i, KeyPoint) and kind == "key" else 1.0)
        for i in items
    )


def from_question(q: Question) -> Rubric:
    return Rubric(
        question=q.text,
        question_id=q.id,
        reference=q.reference_answer,
        key_points=_checks(q.key_points, "key"),
        red_flags=_checks(q.red_flags, "flag"),
        behavioural=q.track == "behavioral",
        topic=(q.text, q.reference_answer, *(k.text for k in q.key_points)),
    )


def from_stage(s: Scenario, stage: Stage) -> Rubric:
    return Rubric(
        question=stage.opening,
        question_id=f"{s.id}/{stage.id}",
        key_points=_checks(stage.expected_actions, "key"),
        red_flags=_checks(stage.red_flags, "flag") + _checks(s.red_flags, "flag"),
        behavioural=False,  # an incident stage is not a STAR story
        topic=(s.setup, stage.opening, *(a.text for a in stage.expected_actions)),
    )


def from_text(
    question: str,
    reference: str | None = None,
    key_points: list[str] | None = None,
    red_flags: list[str] | None = None,
) -> Rubric:
    """A rubric from free text. Checks written by users carry no cues; embeddings do the matching."""
    return Rubric(
        question=question,
        reference=reference,
        key_points=tuple(Check(None, t) for t in key_points or []),
        red_flags=tuple(Check(None, t) for t in red_flags or []),
        topic=tuple(t for t in (question, reference, *(key_points or [])) if t),
    )
