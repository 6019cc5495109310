"""Retrieval quality: paraphrased queries, each with the bank entry it should find."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from interviewer.bank.loader import Bank
from interviewer.bank.models import Track
from interviewer.index.store import BankIndex


class RetrievalCase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    query: str = Field(min_length=3)
    expected: str
    track: Track | None = None


class RetrievalMiss(BaseModel):
    query: str
    expected: str
    got: list[str]


class RetrievalResult(BaseModel):
    top1: float
    recall_at_5: float
    n: int
    misses: list[RetrievalMiss] = Field(default_factory=list)

    def summary(self) -> dict[str, float | int]:
        return {"top1": self.top1, "recall_at_5": self.recall_at_5, "n": self.n}


def load_cases(path: Path, bank: Bank) -> list[RetrievalCase]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = [RetrievalCase.model_validate(c) for c in data["queries"]]
    known = {ref.key for ref in bank.items()}
    unknown = sorted({c.expected for c in cases} - known)
    if unknown:
        raise ValueError(f"{path}: expected ids not in the bank: {', '.join(unknown)}")
    return cases


def run_retrieval(index: BankIndex, cases: list[RetrievalCase], k: int = 5) -> RetrievalResult:
    top1 = recall = 0
    misses = []
    for case in cases:
        got = [hit.id for hit in index.search(case.query, k=k, track=case.track)]
        top1 += bool(got) and got[0] == case.expected
        recall += case.expected in got
        if not got or got[0] != case.expected:
            misses.append(RetrievalMiss(query=case.query, expected=case.expected, got=got))
    n = len(cases)
    return RetrievalResult(top1=round(top1 / n, 4), recall_at_5=round(recall / n, 4), n=n, misses=misses)
