"""The knowledge bank's schema: questions, scenarios and the competencies they assess.

Every model is frozen and forbids unknown fields, so a typo in a YAML key is an error, not a silent default.
Ids are slugs; key points, red flags and expected actions carry their own ids so follow-ups and probes can
point at exactly what they press on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*[a-z0-9]$", max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3)]
Cue = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=2, max_length=60)]
Track = Literal["behavioral", "python-developer", "software-engineer-python"]
Level = Literal["entry", "intermediate", "senior"]
TRACKS: tuple[str, ...] = Track.__args__  # type: ignore[attr-defined]
LEVELS: tuple[str, ...] = Level.__args__  # type: ignore[attr-defined]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Model):
    """Where an entry came from: the document's file name and the question's 1-based position in it."""

    document: Text
    position: int = Field(ge=1)
    section: str | None = Field(default=None, description="Heading the entry sits under, if any.")


class Check(Model):
    """Something checkable in an answer: a key point, a red flag or a scenario's expected action."""

    id: Slug
    text: Text = Field(description="Specific enough that a scorer can check it against an answer.")
    cues: list[Cue] = Field(
        default_factory=list,
        description="Lower-case words or short phrases an answer meeting this check is likely to contain.",
    )
    phrasings: list[Text] = Field(
        default_factory=list,
        description="How candidates say it in plain words: a key point stated, or a red flag's wrong claim made.",
    )


class KeyPoint(Check):
    weight: float = Field(default=1.0, ge=0.25, le=3.0, description="Relative weight in coverage scoring.")
    misconceptions: list[Text] = Field(
        default_factory=list,
        description="Claims that get this point wrong, as a candidate who misunderstands says them.",
    )
    derived: bool = Field(
        default=False, description="Taken from a reference answer's own claims by `ingest`, not written by an author."
    )


class RedFlag(Check):
    pass


# The contrastive rubric `bank check` asks of every authored check (derived points are exempt).
MIN_PHRASINGS = 2
MIN_MISCONCEPTIONS = 2
MIN_FLAG_PHRASINGS = 3


class FollowUp(Model):
    text: Text
    targets: list[Slug] = Field(
        default_factory=list, description="Ids of the key points or red flags this follow-up presses on."
    )
    presupposes: list[Slug] = Field(
        default_factory=list,
        description='Ids of key points the candidate must have made for the follow-up to make sense ("What stops '
        'the same N+1 pattern creeping back?" needs the root cause named); it is not asked otherwise.',
    )


Ask = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=2, max_length=60)]


class Clarification(Model):
    """What the interviewer assumes about one thing a candidate may ask before answering (the scale, the stack,
    the team, a constraint), and the words that show a question is about it."""

    asks: list[Ask] = Field(min_length=1, description="Word beginnings, lower case, that show a question asks this.")
    answer: Text = Field(description="The interviewer's reply, one or two plain spoken sentences.")


def clarify(topics: Sequence[Clarification], question: str) -> str | None:
    """The answer of the topic the question names most (ties: the first listed), or None. Asks match as word
    beginnings, so "scal" matches "scale" and "scaling"."""
    low = " ".join(question.lower().split())
    best: tuple[int, str] | None = None
    for topic in topics:
        hits = sum(bool(re.search(rf"\b{re.escape(a)}", low)) for a in topic.asks)
        if hits and (best is None or hits > best[0]):
            best = (hits, " ".join(topic.answer.split()))
    return best[1] if best else None


class Question(Model):
    id: Slug
    track: Track
    level: Level
    competency: Slug
    text: Text
    guidance: str | None = Field(default=None, description="What interviewers look for, in the project's words.")
    reference_answer: Text
    key_points: list[KeyPoint] = Field(min_length=3)
    red_flags: list[RedFlag] = Field(min_length=2)
    follow_ups: list[FollowUp] = Field(min_length=2)
    clarifications: list[Clarification] = Field(
        default_factory=list,
        description="What the interviewer assumes when the candidate asks before answering (scale, stack, team, "
        "constraints); asked about anything else, the company profile answers or the interviewer says it is open.",
    )
    tags: list[Slug] = Field(min_length=1)
    source: Source


class Fact(Model):
    """A fact the interviewer reveals once the candidate earns it by taking one of `earned_by`."""

    id: Slug
    text: Text = Field(description="How the interviewer says it.")
    earned_by: list[Slug] = Field(min_length=1, description="Ids of expected actions that earn this fact.")


class Probe(Model):
    """What the interviewer asks when the candidate skipped an expected action."""

    action: Slug
    text: Text


class Stage(Model):
    id: Slug
    title: Text
    opening: Text = Field(description="The interviewer's line that opens the stage.")
    earned_by: list[Slug] = Field(
        default_factory=list,
        description="Facts revealed earlier, or actions of the previous stage, any of which the opening takes as the "
        "candidate's own result; when none was earned, the stage opens with `given` instead.",
    )
    given: Text | None = Field(
        default=None,
        description="The opening for a candidate who did not earn what `opening` presupposes: the same situation, "
        "handed over as a given (\"Let's say someone rolled back the last deploy, and it didn't help.\").",
    )
    expected_actions: list[KeyPoint] = Field(min_length=2)
    facts: list[Fact] = Field(default_factory=list)
    probes: list[Probe] = Field(min_length=1)
    red_flags: list[RedFlag] = Field(min_length=1)


class Scenario(Model):
    id: Slug
    title: Text
    track: Track
    level: Level
    competency: Slug
    setup: Text = Field(description="The situation as told to the candidate.")
    stages: list[Stage] = Field(min_length=1)
    red_flags: list[RedFlag] = Field(min_length=1, description="Red flags that apply across every stage.")
    clarifications: list[Clarification] = Field(
        default_factory=list,
        description="What the interviewer can tell a candidate who asks about the situation (the stack, the traffic, "
        "who is around); never a fact a stage makes the candidate earn.",
    )
    tags: list[Slug] = Field(min_length=1)
    source: Source


class Competency(Model):
    id: Slug
    title: Text
    description: Text


# Ingest writes this wherever a document lacks a part; `bank check` refuses entries that still contain it.
AUTHOR_MARK = "TODO(author)"


class ItemRef(BaseModel):
    """What an answer is to: a bank question, or one stage of a scenario. Sessions, turns and eval files store it as
    its `key` (`question-id`, or `scenario-id/stage-id`); `ItemRef.parse` is the one place that reads a key back."""

    model_config = ConfigDict(frozen=True)

    question: str | None = None
    scenario: str | None = None
    stage: str | None = None

    @classmethod
    def parse(cls, key: str) -> ItemRef:
        scenario, sep, stage = key.partition("/")
        if sep:
            if not scenario or not stage:
                raise ValueError(f"an item key is 'question-id' or 'scenario-id/stage-id', not {key!r}")
            return cls(scenario=scenario, stage=stage)
        return cls(question=key)

    @classmethod
    def of_stage(cls, scenario: str, stage: str) -> ItemRef:
        return cls(scenario=scenario, stage=stage)

    @property
    def is_stage(self) -> bool:
        return self.stage is not None

    @property
    def key(self) -> str:
        return f"{self.scenario}/{self.stage}" if self.is_stage else str(self.question)

    def __str__(self) -> str:
        return self.key


def is_stage_key(key: str | None) -> bool:
    """Whether a stored item key names a scenario stage (rather than a bank question)."""
    return key is not None and ItemRef.parse(key).is_stage
