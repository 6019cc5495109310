"""What goes into the index: one document per question and one per scenario stage, each content-hashed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from interviewer.bank.loader import Bank
from interviewer.bank.models import ItemRef, Question, Scenario, Stage

Metadata = dict[str, str | int | float | bool]


@dataclass(frozen=True)
class IndexDoc:
    id: str
    text: str  # what gets embedded
    metadata: Metadata

    @property
    def content_hash(self) -> str:
        return str(self.metadata["content_hash"])


def _doc(doc_id: str, text: str, meta: Metadata, embedder: str) -> IndexDoc:
    payload = json.dumps({"text": text, "meta": meta, "embedder": embedder}, sort_keys=True)
    meta = {**meta, "content_hash": hashlib.sha256(payload.encode()).hexdigest()}
    return IndexDoc(id=doc_id, text=text, metadata=meta)


def question_docs(q: Question, embedder: str) -> list[IndexDoc]:
    """Several views of one question, each its own vector; search keeps the best view per question.

    A short query matches the bare question best, a topical one the question with its key points. Measured on
    the retrieval eval: one combined vector gave top-1 0.947 / recall@5 0.965, these views 0.965 / 0.982.
    """
    views = {"full": "\n".join([q.text, *(k.text for k in q.key_points)]), "question": q.text}
    if q.guidance:
        views["guidance"] = q.guidance
    meta: Metadata = {
        "kind": "question",
        "bank_id": q.id,
        "track": q.track,
        "level": q.level,
        "competency": q.competency,
        "tags": ",".join(q.tags),
        "display": q.text,
    }
    return [_doc(f"{q.id}#{view}", text, {**meta, "view": view}, embedder) for view, text in views.items()]


def stage_id(scenario: Scenario, stage: Stage) -> str:
    return ItemRef.of_stage(scenario.id, stage.id).key


def stage_doc(s: Scenario, stage: Stage, position: int, embedder: str) -> IndexDoc:
    text = "\n".join([f"{s.title}: {stage.title}.", stage.opening, *(a.text for a in stage.expected_actions)])
    meta: Metadata = {
        "kind": "scenario-stage",
        "bank_id": stage_id(s, stage),
        "scenario": s.id,
        "stage": stage.id,
        "position": position,
        "track": s.track,
        "level": s.level,
        "competency": s.competency,
        "tags": ",".join(s.tags),
        "display": f"{s.title}, stage {position}: {stage.title}",
        "view": "stage",
    }
    return _doc(stage_id(s, stage), text, meta, embedder)


def bank_documents(bank: Bank, embedder: str) -> list[IndexDoc]:
    docs = [doc for q in bank.questions for doc in question_docs(q, embedder)]
    for s in bank.scenarios:
        docs += [stage_doc(s, st, i, embedder) for i, st in enumerate(s.stages, start=1)]
    return docs
