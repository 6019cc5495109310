"""An optional LLM judge of interviewer behaviour: yes/no criteria over whole transcripts.

It is reported beside the deterministic checks, never instead of them, with its agreement with the checks that
measure the same thing, so a reader can see how far to trust it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Literal

from pydantic import BaseModel, Field

from interviewer.evals.simulate import Dialogue
from interviewer.llm import StructuredChat, structured_chat
from interviewer.prompts import render
from interviewer.scoring.judge import neutralise
from interviewer.settings import LLMSettings

CRITERIA = {
    "no_hints": "The interviewer never gave away the expected answer, except a hint the candidate asked for.",
    "no_repeats": "The interviewer never asked the same question twice (repeating it on request is fine).",
    "no_grades_during": "The interviewer never stated a score, grade, or pass/fail while the interview ran.",
    "relevant_follow_ups": "Every follow-up related to what the candidate had just said or left out.",
    "one_question": "Each interviewer turn asked at most one question.",
    "handles_non_answers": "Silence, nonsense, off-topic replies and 'I don't know' were handled calmly.",
    "professional": "The interviewer stayed polite, neutral and professional throughout.",
    "proper_ending": "The interview ended with a wrap-up that invited questions, then a closing line.",
}
# criterion -> the deterministic check that measures the same thing (per session: passed or not)
MATCHING_CHECK = {"no_repeats": "no_repeated_questions", "proper_ending": "reaches_wrap_up_rate"}
MAX_TRANSCRIPT_CHARS = 12_000

YesNo = Literal["yes", "no"]


class Verdicts(BaseModel):
    """Yes or no for each criterion, judging the interviewer over the whole transcript."""

    no_hints: YesNo = Field(description=CRITERIA["no_hints"])
    no_repeats: YesNo = Field(description=CRITERIA["no_repeats"])
    no_grades_during: YesNo = Field(description=CRITERIA["no_grades_during"])
    relevant_follow_ups: YesNo = Field(description=CRITERIA["relevant_follow_ups"])
    one_question: YesNo = Field(description=CRITERIA["one_question"])
    handles_non_answers: YesNo = Field(description=CRITERIA["handles_non_answers"])
    professional: YesNo = Field(description=CRITERIA["professional"])
    proper_ending: YesNo = Field(description=CRITERIA["proper_ending"])


def transcript(d: Dialogue) -> str:
    lines = [f"{t.role.upper()}: {neutralise(t.text)}" for t in d.session.turns]
    text = "\n".join(lines)
    return text if len(text) <= MAX_TRANSCRIPT_CHARS else text[:MAX_TRANSCRIPT_CHARS] + "\n[transcript cut]"


class BehaviourJudge:
    def __init__(self, settings: LLMSettings):
        self.model = settings.model
        self.chain: StructuredChat[Verdicts] = structured_chat(settings, Verdicts, temperature=0.0)

    def judge(self, d: Dialogue) -> dict[str, str] | None:
        criteria = "\n".join(f"- {k}: {v}" for k, v in CRITERIA.items())
        try:
            return dict(self.chain.invoke(render("behaviour_judge", criteria=criteria, transcript=transcript(d))))
        except Exception:  # counted as unjudged in the results
            return None

    def run(self, dialogues: list[Dialogue], per_session_checks: dict[str, list[bool]]) -> dict[str, Any]:
        yes: dict[str, int] = defaultdict(int)
        agree: dict[str, list[bool]] = defaultdict(list)
        judged = 0
        for i, d in enumerate(dialogues):
            verdicts = self.judge(d)
            if verdicts is None:
                continue
            judged += 1
            for k, v in verdicts.items():
                yes[k] += v == "yes"
                if k in MATCHING_CHECK and per_session_checks.get(MATCHING_CHECK[k]):
                    agree[k].append((v == "yes") == per_session_checks[MATCHING_CHECK[k]][i])
        return {
            "model": self.model,
            "judged": judged,
            "unjudged": len(dialogues) - judged,
            "yes_rate": {k: round(yes[k] / judged, 4) if judged else None for k in CRITERIA},
            "agreement_with_checks": {k: round(sum(v) / len(v), 4) for k, v in agree.items() if v},
        }
