"""The LLM judge: any OpenAI-compatible chat endpoint through LangChain's ChatOpenAI, structured output.

It only ever adds to the offline result. Its quotes must be verbatim spans of the answer (others are dropped),
a "covered" with no verifiable quote counts as partial, a detected prompt injection is always kept, and the
final score is the documented formula over the merged verdicts. On any failure (the endpoint down, slow or broken
after bounded retries within the turn's time budget, its circuit open, or output invalid twice) the offline result
stands and `engine` says so.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Literal

from pydantic import BaseModel, Field

from interviewer.llm import StructuredChat, structured_chat
from interviewer.prompts import render
from interviewer.scoring.feedback import feedback
from interviewer.scoring.formula import PARAMS, Features, Params, combine, coverage, flag_count
from interviewer.scoring.models import AnswerScore, Engine, RedFlagResult, band_for
from interviewer.scoring.rubric import Rubric
from interviewer.scoring.scorer import verify_evidence
from interviewer.scoring.tokens import TokenCounter
from interviewer.settings import LLMSettings

log = logging.getLogger(__name__)
ANSWER_BUDGET = 1500  # tokens of the answer the judge sees; longer answers are trimmed


class JudgedPoint(BaseModel):
    id: str = Field(description="The key point's id, exactly as given.")
    verdict: Literal["covered", "partial", "missing", "contradicted"] = Field(
        description="covered: clearly stated; partial: vague or half stated; missing: absent; contradicted: the "
        "answer states the opposite (never covered)."
    )
    quote: str | None = Field(
        default=None, description="Exact span of the answer that states it (or, for contradicted, its opposite)."
    )


class JudgedFlag(BaseModel):
    id: str = Field(description="The red flag's id, exactly as given, or 'prompt-injection'.")
    quote: str = Field(description="Exact span of the answer that commits it.")


class Judgement(BaseModel):
    """Your grading of the answer: one entry per key point, and only the red flags actually committed."""

    key_points: list[JudgedPoint]
    red_flags: list[JudgedFlag] = Field(default_factory=list)


def neutralise(answer: str) -> str:
    """The answer cannot close its own delimiters or open new ones."""
    return answer.replace("<<<", "\u2039" * 3).replace(">>>", "\u203a" * 3)  # look-alike angle quotes


def _inside_any(quote: str, spans: set[str]) -> bool:
    return any(quote in s or s in quote for s in spans)


class LLMJudge:
    def __init__(self, settings: LLMSettings, counter: TokenCounter | None = None, params: Params = PARAMS):
        self.settings, self.params = settings, params
        self.counter = counter or TokenCounter()
        self._chain: StructuredChat[Judgement] | None = None

    @property
    def chain(self) -> StructuredChat[Judgement]:
        if self._chain is None:  # built on first use: nothing connects at construction
            self._chain = structured_chat(self.settings, Judgement, temperature=0)
        return self._chain

    def prompt(self, rubric: Rubric, answer: str) -> str:
        return render(
            "judge",
            question=rubric.question,
            reference=rubric.reference or "(none given)",
            key_points="\n".join(f"- {k.id or f'kp-{i}'}: {k.text}" for i, k in enumerate(rubric.key_points)),
            red_flags="\n".join(f"- {r.id or f'rf-{i}'}: {r.text}" for i, r in enumerate(rubric.red_flags)) or "(none)",
            answer=neutralise(self.counter.trim(answer, ANSWER_BUDGET)),
        )

    def judge(self, rubric: Rubric, answer: str, offline: AnswerScore, read: Features | None) -> AnswerScore:
        """The merged result, or the offline one with the failure named in `engine`. `read`: the features the
        offline formula read (`OfflineScorer.scored`); the merged score is the same formula over the same ones."""
        if offline.score is None or read is None or not rubric.key_points:
            return offline  # nothing the judge could add: unscored, or the generic rubric
        prompt = self.prompt(rubric, answer)
        try:
            try:
                verdict = self.chain.invoke(prompt)
            except ValueError as e:  # the output failed validation: re-ask once, telling the model why
                log.info("judge output invalid, re-asking once: %s", type(e).__name__)
                verdict = self.chain.invoke(f"{prompt}\n\nYour previous reply was invalid: {e}. Reply again.")
        except Exception as e:
            reason = " ".join(f"{type(e).__name__}: {e}".split())[:120]  # one line: it is shown next to the answer
            log.warning("LLM judge failed, offline result stands: %s", type(e).__name__)
            return offline.model_copy(update={"engine": Engine.fell_back(self.settings.model, "failed", reason)})
        return self._merge(rubric, answer, offline, read, verdict)

    def _merge(
        self, rubric: Rubric, answer: str, offline: AnswerScore, read: Features, verdict: Judgement
    ) -> AnswerScore:
        by_id = {p.id: p for p in verdict.key_points}
        # what reads as wrong: the offline contradictions and the model's own red-flag quotes
        wrong_spans = {f.evidence for f in offline.red_flags if f.kind == "contradiction"}
        wrong_spans |= {q for f in verdict.red_flags if (q := verify_evidence(answer, f.quote))}
        points, contradicted = [], []
        for i, (kp, off) in enumerate(zip(rubric.key_points, offline.key_points, strict=True)):
            judged = by_id.get(kp.id or f"kp-{i}")
            if judged is None:
                points.append(off)
                continue
            quote = verify_evidence(answer, judged.quote)
            if judged.verdict == "contradicted" or (quote and _inside_any(quote, wrong_spans)):
                # a span that states the opposite, or commits a red flag, is never evidence for the point
                wrong = quote if judged.verdict == "contradicted" and quote else off.contradiction
                points.append(off.model_copy(update={"verdict": "missing", "evidence": None, "contradiction": wrong}))
                if wrong:
                    contradicted.append(RedFlagResult(id=kp.id, text=f"Says the opposite of: {kp.text}",
                                                      evidence=wrong, kind="contradiction"))  # fmt: skip
                continue
            v = judged.verdict
            evidence = quote or (off.evidence if v != "missing" else None)
            if v == "covered" and evidence is None:
                v = "partial"  # a claim with nothing to quote is not a covered point
            if v == "covered" and off.contradiction:
                v = "partial"  # stated right in one place and wrong in another
            points.append(off.model_copy(update={"verdict": v, "evidence": evidence if v != "missing" else None}))
            if off.contradiction:
                contradicted.append(RedFlagResult(id=kp.id, text=f"Says the opposite of: {kp.text}",
                                                  evidence=off.contradiction, kind="contradiction"))  # fmt: skip
        known = {r.id or f"rf-{i}": r for i, r in enumerate(rubric.red_flags)}
        flags = [f for f in offline.red_flags if f.id == "prompt-injection"]
        seen: set[str | None] = set()
        for c in contradicted:
            if c.id not in seen:
                seen.add(c.id)
                flags.append(c)
        for jf in verdict.red_flags:
            quote = verify_evidence(answer, jf.quote)
            if jf.id in known and quote and jf.id not in {x.id for x in flags if x.kind == "red-flag"}:
                flags.append(RedFlagResult(id=known[jf.id].id, text=known[jf.id].text, evidence=quote))
        cov = coverage([(p.verdict, k.weight) for p, k in zip(points, rubric.key_points, strict=True)])
        d, spec = offline.delivery, offline.specificity
        # the offline scorer's features with the merged verdicts: the same words, hedges and parameters
        features = dataclasses.replace(read, coverage=cov, red_flags=flag_count(len(flags), offline.injection_detected))
        score = combine(features, self.params)
        if offline.injection_detected:
            score = min(score, offline.score or 0.0)  # an injection attempt can never gain from the judge
        return offline.model_copy(
            update={
                "key_points": points,
                "red_flags": flags,
                "coverage": round(cov, 3),
                "feedback": feedback(points, flags, offline.star, spec, d.filler_rate),
                "score": score,
                "band": band_for(score),
                "engine": Engine.llm(self.settings.model),
            }
        )
