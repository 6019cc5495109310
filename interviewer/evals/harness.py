"""What the interviewer-quality suites share: the real Interviewer on the chosen engine, a scratch session store,
and the simulated candidates."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from interviewer.bank.loader import Bank
from interviewer.evals.candidate import OfflineCandidate
from interviewer.evals.personas import PERSONAS
from interviewer.evals.scoring import Labelled, load_labelled
from interviewer.evals.simulate import Candidate
from interviewer.index.store import BankIndex
from interviewer.interview.interviewer import Interviewer
from interviewer.service import Service
from interviewer.settings import Settings

Engine = Literal["offline", "llm"]


@dataclass
class Harness:
    settings: Settings
    bank: Bank
    index: BankIndex
    engine: Engine = "offline"
    candidate_kind: Literal["offline", "llm"] = "offline"
    personas: list[str] = field(default_factory=lambda: list(PERSONAS))
    _tmp: tempfile.TemporaryDirectory[str] = field(init=False)
    _interviewer: Interviewer | None = field(init=False, default=None)
    labelled: dict[tuple[str, str], Labelled] = field(init=False)
    candidates: list[Candidate] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        if (self.engine == "llm" or self.candidate_kind == "llm") and not self.settings.llm.configured:
            raise ValueError(
                "the llm engine needs an OpenAI-compatible endpoint: set INTERVIEWER_LLM__BASE_URL "
                "(and INTERVIEWER_LLM__API_KEY / INTERVIEWER_LLM__MODEL as needed), or use --engine offline"
            )
        unknown = sorted(set(self.personas) - set(PERSONAS))
        if unknown:
            raise ValueError(f"unknown persona(s) {', '.join(unknown)}; choose from {', '.join(PERSONAS)}")
        self._tmp = tempfile.TemporaryDirectory(prefix="interviewer-eval-")  # eval sessions never touch the user's
        self.labelled = {}
        for item in load_labelled(self.settings.evals_dir / "scoring"):
            self.labelled.setdefault((item.question_id, item.kind), item)

    @property
    def interviewer(self) -> Interviewer:
        """The interviewer the app runs, opened through `Service` as the app and the terminal open it, on scratch
        settings: sessions in a temporary folder, and no LLM unless the llm engine was asked for."""
        if self._interviewer is None:
            llm = self.settings.llm if self.engine == "llm" else type(self.settings.llm)()
            scratch = self.settings.model_copy(update={"data_dir": Path(self._tmp.name), "llm": llm})
            self._interviewer = Service(scratch, bank=self.bank, index=self.index).interviewer
            self._interviewer.warm(cache_file=self.settings.rubric_vectors_file)
        return self._interviewer

    def candidate(self, persona: str, seed: int, use_labelled: bool) -> Candidate:
        offline = OfflineCandidate(PERSONAS[persona], self.bank, self.labelled, seed, use_labelled)
        candidate: Candidate = offline
        if self.candidate_kind == "llm":
            from interviewer.evals.llm_candidate import LLMCandidate

            candidate = LLMCandidate(offline, self.settings.llm)
        self.candidates.append(candidate)
        return candidate

    def close(self) -> None:
        self._tmp.cleanup()
