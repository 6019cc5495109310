"""What an answer is judged against: a bank question, a scenario stage, or free text with optional parts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from interviewer.bank.models import ItemRef, KeyPoint, Question, RedFlag, Scenario, Stage

if TYPE_CHECKING:
    from interviewer.bank.loader import Bank


@dataclass(frozen=True)
class Check:
    id: str | None
    text: str
    cues: tuple[str, ...] = ()
    weight: float = 1.0
    phrasings: tuple[str, ...] = ()  # the point (or the red flag's claim) said in plain words
    misconceptions: tuple[str, ...] = ()  # the point said wrong
    derived: bool = False  # taken from a reference answer's own sentences

    @property
    def statements(self) -> tuple[str, ...]:
        return (self.text, *self.phrasings)


@dataclass(frozen=True)
class Rubric:
    question: str
    question_id: str | None = None
    reference: str | None = None
    key_points: tuple[Check, ...] = ()
    red_flags: tuple[Check, ...] = ()
    behavioural: bool = False  # STAR structure counts
    technical: bool = True  # no STAR advice: a question about how things work is not a story
    topic: tuple[str, ...] = field(default=())  # texts that define "on topic"
    asked_as: tuple[str, ...] = ()  # other ways the question is put (a stage's `given`): said back, they earn nothing

    @property
    def vocabulary(self) -> frozenset[str]:
        """The words a substantive answer draws on: the reference answer's and the key points'."""
        from interviewer.scoring.text import content_words

        return frozenset(content_words(" ".join([self.reference or "", *(k.text for k in self.key_points)])))

    @property
    def topic_texts(self) -> tuple[str, ...]:
        return self.topic or (self.question, *(k.text for k in self.key_points))


def _checks(items: Sequence[KeyPoint | RedFlag], kind: str) -> tuple[Check, ...]:
    out = []
    for i in items:
        point = isinstance(i, KeyPoint) and kind == "key"
        out.append(
            Check(
                i.id,
                i.text,
                tuple(i.cues),
                i.weight if point else 1.0,  # type: ignore[union-attr]
                tuple(i.phrasings),
                tuple(i.misconceptions) if isinstance(i, KeyPoint) else (),
                i.derived if isinstance(i, KeyPoint) else False,
            )
        )
    return tuple(out)


def from_question(q: Question) -> Rubric:
    return Rubric(
        question=q.text,
        question_id=q.id,
        reference=q.reference_answer,
        key_points=_checks(q.key_points, "key"),
        red_flags=_checks(q.red_flags, "flag"),
        behavioural=q.track == "behavioral",
        technical=q.track != "behavioral",
        topic=(q.text, q.reference_answer, *(k.text for k in q.key_points)),
    )


def from_stage(s: Scenario, stage: Stage) -> Rubric:
    return Rubric(
        question=stage.opening,
        question_id=ItemRef.of_stage(s.id, stage.id).key,
        key_points=_checks(stage.expected_actions, "key"),
        red_flags=_checks(stage.red_flags, "flag") + _checks(s.red_flags, "flag"),
        behavioural=False,  # an incident stage is not a STAR story
        technical=True,
        topic=(s.setup, stage.opening, *(a.text for a in stage.expected_actions)),
        asked_as=(stage.given,) if stage.given else (),
    )


_CLAIM_SPLIT = re.compile(r"(?<=[.!?])\s+|;\s+|,\s+(?=(?:so|which means|because|and then|while|but|whereas)\b)", re.I)


def reference_claims(reference: str) -> list[str]:
    """The reference answer's own claims, in its own words: sentences, and clauses joined by "so", "because"..."""
    claims = []
    for part in _CLAIM_SPLIT.split(reference):
        part = part.strip().rstrip(".")
        part = re.sub(r"^(?:so|which means|because|and then|while|but|whereas)\s+", "", part, flags=re.I)
        if len(part.split()) >= 3:
            claims.append(part[:1].upper() + part[1:])
    return claims or ([reference.strip()] if reference.strip() else [])


def from_text(
    question: str,
    reference: str | None = None,
    key_points: list[str] | None = None,
    red_flags: list[str] | None = None,
) -> Rubric:
    """A rubric from free text. Without key points, a reference answer's own claims become them (marked derived).

    Checks written by users carry no cues or phrasings; the grader matches on meaning."""
    points = tuple(Check(None, t) for t in key_points or [])
    if not points and reference:
        points = tuple(Check(f"ref-{n}", c, derived=True) for n, c in enumerate(reference_claims(reference), 1))
    return Rubric(
        question=question,
        reference=reference,
        key_points=points,
        red_flags=tuple(Check(None, t) for t in red_flags or []),
        behavioural=False,
        technical=bool(points),
        topic=tuple(t for t in (question, reference, *(key_points or [])) if t),
    )


def rubric_for(bank: Bank, item: ItemRef | str) -> Rubric:
    """The rubric of an item: a bank question, or a scenario stage (`scenario-id/stage-id`). The one way from an item
    to its rubric, for the interviewer, the evals and the benches alike (the bank itself knows nothing of scoring,
    so this lives here rather than on `Bank`)."""
    found = bank.item(item)
    if isinstance(found, tuple):
        return from_stage(*found)
    return from_question(found)


def all_rubrics(bank: Bank) -> list[Rubric]:
    return [from_question(q) for q in bank.questions] + [from_stage(s, st) for s in bank.scenarios for st in s.stages]
