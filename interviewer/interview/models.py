"""A session: its plan, its turns and the interviewer's private state, all JSON-serialisable for SQLite."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from interviewer.bank.models import Level, Track
from interviewer.scoring.models import AnswerScore, Engine

Mode = Literal["practice", "realistic"]
Phase = Literal["questions", "scenario", "wrap-up", "done"]


class Plan(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tracks: list[Track] = Field(default_factory=lambda: list[Track](["python-developer"]), min_length=1)
    level: Level = "intermediate"
    questions: int = Field(default=4, ge=0, le=20, description="Main questions before the scenario or wrap-up.")
    mode: Mode = "practice"
    focus: list[str] = Field(default_factory=list, description="Competencies to prefer.")
    scenario: str | None = None
    seed: int = 0
    max_follow_ups: int = Field(default=2, ge=0, le=2)
    first: str | None = Field(default=None, description="A bank question to ask first (practising a suggestion).")


class Turn(BaseModel):
    role: Literal["interviewer", "candidate"]
    text: str
    kind: str = Field(description="greeting, question, follow-up, probe, ack, feedback, wrap-up, answer, ...")
    question_id: str | None = None
    stage: str | None = None
    score: AnswerScore | None = Field(default=None, description="The score of a scored candidate turn.")
    engine: Engine | None = Field(default=None, description="Who decided this turn, when an LLM policy is configured.")


class State(BaseModel):
    """Where the interview stands. Private: never shown to the candidate before the end."""

    phase: Phase = "questions"
    asked: list[str] = Field(default_factory=list)
    current: str | None = None  # question id, or "scenario-id/stage-id"
    follow_ups_asked: int = 0
    follow_up_targets: list[str] = Field(default_factory=list)
    attempts: int = 0  # genuine answer attempts on the current question
    silences: int = 0  # empty answers in a row on the current item
    declined: int = 0  # hint requests declined in a row on the current item
    stage_index: int = 0
    probes_asked: list[str] = Field(default_factory=list)
    facts_revealed: list[str] = Field(default_factory=list)
    stage_actions_done: list[str] = Field(default_factory=list)
    stage_given: bool = Field(default=False, description="The stage opened with its `given` wording.")
    topics_raised: list[str] = Field(default_factory=list)
    wrap_up_questions: int = 0
    last_question_text: str = ""
    turn_counter: int = 0
    answers: list[str] = Field(default_factory=list, description="The candidate's answers to the current item.")
    scores: dict[str, AnswerScore] = Field(default_factory=dict, description="The final score per item key.")
    follow_ups: dict[str, list[str]] = Field(default_factory=dict, description="Follow-ups asked per item.")
    skipped: list[str] = Field(default_factory=list)
    answers_so_far: list[str] = Field(default_factory=list, description="Recent answers, for topic-aware choice.")
    engine_notes: list[str] = Field(default_factory=list, description="Turns where a configured LLM was not used.")


class Session(BaseModel):
    id: str
    plan: Plan
    owner: str | None = None  # the account that started it; None without accounts (see interviewer.accounts)
    state: State = Field(default_factory=State)
    turns: list[Turn] = Field(default_factory=list)


class TurnResult(BaseModel):
    """What one candidate turn did: the turn as kept (cleaned and bounded), the interviewer's turns, the score of the
    answer when it was scored, who decided the reply, and a notice when the input had to be changed. The UI and the
    CLI map this to widgets or lines; they never re-read the session to find it."""

    candidate: Turn
    turns: list[Turn]
    score: AnswerScore | None = None
    engine: Engine = Field(default_factory=Engine)
    notice: str | None = None
