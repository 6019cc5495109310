"""The LLM-driven policy: an OpenAI-compatible chat model decides between a follow-up and moving on, and words it.

Guarded: the follow-up cap holds whatever the model says, the target must be a point the candidate missed, the
utterance must be short spoken text with at most one question and must not leak the rubric. Invalid output gets
one re-ask; then the offline policy decides and the session records the fallback.
"""

from __future__ import annotations

import logging
import re
from typing import Literal

from pydantic import BaseModel, Field

from interviewer.llm import StructuredChat, structured_chat
from interviewer.prompts import render
from interviewer.scoring.judge import neutralise
from interviewer.scoring.models import AnswerScore
from interviewer.scoring.rubric import Rubric
from interviewer.scoring.text import content_words
from interviewer.settings import LLMSettings

log = logging.getLogger(__name__)
MAX_WORDS = 45
VERDICT = re.compile(
    r"\b\d+(\.\d+)?\s*(/|out of)\s*10\b"  # a mark
    r"|\b(you|candidate)\s+(have\s+)?(passed|failed)\b|\byour (score|grade|mark)\b|\b(scored|graded)\b"
    r"|\binterview is (over|finished|complete)\b|\bhired\b",
    re.I,
)


class Move(BaseModel):
    """The interviewer's next move and exactly what it says."""

    action: Literal["follow_up", "next"]
    utterance: str = Field(description="What the interviewer says, spoken style, at most 40 words.")
    target: str | None = Field(default=None, description="For a follow-up: the id of the missed point it probes.")


class InvalidMove(ValueError):
    pass


def check_move(move: Move, rubric: Rubric, missed: set[str], follow_ups_left: int) -> Move:
    """The move if it obeys every guard, else InvalidMove with a reason the model can act on."""
    text = move.utterance.strip()
    if not text or len(text.split()) > MAX_WORDS:
        raise InvalidMove(f"the utterance must be 1 to {MAX_WORDS} words")
    if text.count("?") > 1 or re.search(r"(^|\n)\s*([-*#]|\d+\.)\s|\*\*", text):
        raise InvalidMove("say it as plain speech with at most one question, no lists or markdown")
    if VERDICT.search(text):  # scores and verdicts belong to the report; an answer asking for them is an injection
        raise InvalidMove("do not grade, score or pass the candidate, and do not end the interview; ask or move on")
    words = content_words(text)
    for secret in [*(k.text for k in rubric.key_points), *(r.text for r in rubric.red_flags), rubric.reference or ""]:
        secret_words = content_words(secret)
        if secret and (secret.lower() in text.lower() or (len(secret_words) >= 4 and
                       len(words & secret_words) / len(secret_words) >= 0.6)):  # fmt: skip
            raise InvalidMove("the utterance gives away the expected answer; ask without stating the point")
    if move.action == "follow_up":
        if follow_ups_left <= 0:
            raise InvalidMove("no follow-ups are left for this question; choose next")
        if move.target not in missed:
            raise InvalidMove(f"target must be one of the missed ids: {', '.join(sorted(missed)) or 'none'}")
        if "?" not in text:
            raise InvalidMove("a follow-up must ask a question")
    return move


class LLMPolicy:
    def __init__(self, settings: LLMSettings):
        self.settings = settings
        self._chain: StructuredChat[Move] | None = None

    @property
    def chain(self) -> StructuredChat[Move]:
        if self._chain is None:  # built on first use: nothing connects at construction
            self._chain = structured_chat(self.settings, Move, temperature=0.3)
        return self._chain

    def decide(
        self,
        rubric: Rubric,
        answers: list[str],
        result: AnswerScore,
        follow_ups_left: int,
        level: str,
        examples: list[str] | None = None,
    ) -> Move:
        """A guarded move; raises InvalidMove, a schema error, or LLMUnavailable (endpoint down, slow or broken after
        bounded retries, out of the turn's time, circuit open) when the model cannot give one.

        `examples` are follow-ups retrieved from the bank for this item, as models of tone and depth."""
        missed = {k.id for k in result.key_points if k.id and k.verdict != "covered"}
        missed_text = "\n".join(f"- {k.id}: {k.text}" for k in rubric.key_points if k.id in missed) or "(none)"
        prompt = render(
            "policy",
            level=level,
            follow_ups_left=str(follow_ups_left),
            question=rubric.question,
            missed=missed_text,
            examples="\n".join(f"- {e}" for e in examples or []) or "(none)",
            answer=neutralise("\n".join(answers))[-6000:],
        )
        try:
            move = self.chain.invoke(prompt)
            return check_move(Move.model_validate(move), rubric, missed, follow_ups_left)
        except ValueError as e:  # schema violation or a broken guard: re-ask once, saying why
            log.info("policy output rejected, re-asking once: %s", type(e).__name__)
            move = self.chain.invoke(f"{prompt}\n\nYour previous reply was rejected: {e}. Reply again.")
            return check_move(Move.model_validate(move), rubric, missed, follow_ups_left)
