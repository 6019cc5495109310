"""What the scorer returns. `AnswerScore` is the contract shared by the CLI, the UI, reports and evals.

An unscored answer is a value (`score` null, `unscored_reason` set), never a fake zero. Every `evidence`
string is a verbatim span of the candidate's answer; the scorer checks this before returning.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Verdict = Literal["covered", "partial", "missing"]
Band = Literal["strong", "adequate", "weak", "poor"]
UnscoredReason = Literal["empty", "gibberish", "off-topic", "dont-know"]  # off-topic: answers another question
Thin = Literal["too-short", "off-topic"]
FlagKind = Literal["red-flag", "contradiction", "injection"]


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


Fallback = Literal["failed", "refused"]


class Engine(Out):
    """Who decided a score or an interviewer turn. An LLM that was asked but not used is named with the reason, so
    a fallback is never silent and nobody has to parse a label to find out what happened."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["offline", "llm", "baseline"] = "offline"  # baseline: an eval's reference scorer
    model: str | None = Field(default=None, description="The LLM that was asked, used or not.")
    fallback: Fallback | None = Field(
        default=None, description="failed: the endpoint failed; refused: its reply was not used (e.g. a repeat)."
    )
    reason: str | None = Field(default=None, description="One line on why the LLM was not used.")

    @classmethod
    def llm(cls, model: str) -> Engine:
        return cls(kind="llm", model=model)

    @classmethod
    def fell_back(cls, model: str | None, fallback: Fallback, reason: str) -> Engine:
        return cls(kind="offline", model=model, fallback=fallback, reason=" ".join(reason.split())[:160])

    @property
    def label(self) -> str:
        """`offline`, `llm:<model>`, `offline (llm failed: <reason>)` or `offline (llm reply refused: <reason>)`."""
        if self.kind == "llm":
            return f"llm:{self.model}"
        if self.kind == "baseline":
            return "baseline"
        if self.fallback == "failed":
            return f"offline (llm failed: {self.reason})"
        if self.fallback == "refused":
            return f"offline (llm reply refused: {self.reason})"
        return "offline"

    def __str__(self) -> str:
        return self.label


class KeyPointResult(Out):
    id: str | None = None
    text: str
    verdict: Verdict
    evidence: str | None = Field(default=None, description="Verbatim span of the answer; null when missing.")
    match: float = Field(default=0.0, description="Match strength 0-1 behind the verdict.")
    contradiction: str | None = Field(
        default=None, description="Verbatim span of the answer that states the opposite of this point, if any."
    )
    derived: bool = Field(default=False, description="A claim taken from the reference answer, not an authored point.")
    unclear: str | None = Field(
        default=None,
        description="Verbatim span on this point's topic that the answer reader reads as saying the opposite, where "
        "the rules read it as making the point: no credit, and no accusation either.",
    )
    close: str | None = Field(
        default=None,
        description="Verbatim span the answer reader reads as making this point, where the rules found no evidence: "
        "no credit, but the feedback asks to make the point explicit rather than to add it.",
    )


class RedFlagResult(Out):
    id: str | None = Field(default=None, description="The red flag's id; for a contradiction, the key point's id.")
    text: str
    evidence: str
    kind: FlagKind = "red-flag"


class Star(Out):
    situation: str | None = None
    task: str | None = None
    action: str | None = None
    result: str | None = None

    @property
    def parts(self) -> int:
        return sum(v is not None for v in (self.situation, self.task, self.action, self.result))


class Ownership(Out):
    i: int = Field(description="First-person singular mentions: I, my, me.")
    we: int = Field(description="First-person plural mentions: we, our, us.")


class Specificity(Out):
    numbers: list[str] = Field(default_factory=list, description="Concrete figures quoted from the answer.")
    technologies: list[str] = Field(default_factory=list, description="Named tools, libraries and services.")
    ownership: Ownership
    score: float = Field(ge=0, le=1, description="0-1 blend of figures, named technologies and ownership.")


class Delivery(Out):
    words: int
    filler_words: int
    filler_rate: float = Field(description="Fillers per 100 words.")
    fillers: dict[str, int] = Field(default_factory=dict)
    hedges: int = 0
    hedge_phrases: list[str] = Field(default_factory=list)
    words_per_minute: float | None = Field(default=None, description="Only when the audio duration is known.")
    talk_seconds: float | None = Field(default=None, description="Spoken answers: the time the candidate was talking.")
    long_pauses: int | None = Field(default=None, description="Spoken answers: silences of 2 s or more mid-answer.")
    longest_pause_s: float | None = Field(default=None, description="Spoken answers: the longest silence mid-answer.")


class Speech(Out):
    """What a recording says about delivery, from the audio itself (voice activity detection), not from the text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seconds: float = Field(description="The recording's length.")
    talk_seconds: float = Field(description="Time with speech in it.")
    long_pauses: int = Field(description="Silences of LONG_PAUSE_S or more between the first and the last speech.")
    longest_pause_s: float = Field(description="The longest silence between the first and the last speech.")
    words_per_minute: float | None = Field(
        default=None, description="Words heard over the time spent talking: the speaking rate, whatever is typed after."
    )


class Feedback(Out):
    strengths: list[str] = Field(default_factory=list, max_length=3)
    improvements: list[str] = Field(default_factory=list, max_length=3)


class AnswerScore(Out):
    score: float | None = Field(ge=0, le=10)
    band: Band | None
    unscored_reason: str | None = None
    question_id: str | None = None
    key_points: list[KeyPointResult] = Field(default_factory=list)
    red_flags: list[RedFlagResult] = Field(default_factory=list)
    star: Star | None = None
    specificity: Specificity
    delivery: Delivery
    feedback: Feedback = Field(default_factory=Feedback)
    coverage: float | None = Field(default=None, description="Weighted key-point coverage 0-1.")
    substance: float | None = Field(default=None, description="Share of the reference's vocabulary used, 0-1.")
    injection_detected: bool = False
    answers_question: str | None = Field(default=None, description="Off-topic: the bank question it answers instead.")
    thin: Thin | None = Field(
        default=None, description="A scored attempt too short, or too far from the question, to say much."
    )
    engine: Engine = Field(default_factory=Engine)

    @model_validator(mode="after")
    def _unscored_has_reason(self) -> AnswerScore:
        if self.score is None and not self.unscored_reason:
            raise ValueError("an unscored answer needs unscored_reason")
        if self.score is None and self.band is not None:
            raise ValueError("an unscored answer has no band")
        return self


def with_speech(score: AnswerScore, speech: Speech) -> AnswerScore:
    """The score with the recording's talk time and pauses in its delivery."""
    delivery = score.delivery.model_copy(
        update={"talk_seconds": speech.talk_seconds, "long_pauses": speech.long_pauses,
                "longest_pause_s": speech.longest_pause_s, "words_per_minute": speech.words_per_minute}
    )  # fmt: skip
    return score.model_copy(update={"delivery": delivery})


def band_for(score: float) -> Band:
    if score >= 7.5:
        return "strong"
    if score >= 5.0:
        return "adequate"
    if score >= 2.5:
        return "weak"
    return "poor"
