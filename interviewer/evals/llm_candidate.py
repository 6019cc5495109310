"""An LLM-simulated candidate: the offline persona decides what to say (the ground truth), the model says it in
its own words. If the model fails, the offline wording is used and counted, never silently."""

from __future__ import annotations

import dataclasses

from pydantic import BaseModel, Field

from interviewer.evals.candidate import OfflineCandidate, View
from interviewer.evals.personas import Said
from interviewer.llm import StructuredChat, structured_chat
from interviewer.prompts import render
from interviewer.scoring.judge import neutralise
from interviewer.settings import LLMSettings


class Spoken(BaseModel):
    """The candidate's answer, as said aloud."""

    answer: str = Field(description="The answer in the candidate's own spoken words, first person.")


class LLMCandidate:
    def __init__(self, offline: OfflineCandidate, settings: LLMSettings):
        self.offline = offline
        self.name = f"llm:{settings.model}"
        self.chain: StructuredChat[Spoken] = structured_chat(settings, Spoken, temperature=0.7)
        self.rewritten = 0
        self.fallbacks = 0

    def respond(self, view: View) -> Said:
        said = self.offline.respond(view)
        if said.kind != "answer" or said.parrot or not said.text.strip():
            return said  # non-answers are the test: they stay exactly as the persona says them
        prompt = render(
            "candidate",
            persona=f"{self.offline.persona.name}: {self.offline.persona.about}",
            interviewer=neutralise(view.last_text),
            draft=neutralise(said.text),
        )
        try:
            spoken = self.chain.invoke(prompt).answer.strip()
        except Exception:  # a broken model must not stop the eval; the run reports how often this happened
            self.fallbacks += 1
            return said
        if not spoken:
            self.fallbacks += 1
            return said
        self.rewritten += 1
        return dataclasses.replace(said, text=spoken, source="llm")
