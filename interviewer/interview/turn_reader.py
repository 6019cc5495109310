"""What kind of turn the candidate's words are, read two ways: rules for the unmistakable phrasings
(`nonanswers.classify`, `nonanswers.closes`), then, for a short turn the rules take as an answer (or any turn at
the wrap-up), its nearest hand-labelled examples (`turn_examples.yaml`) by meaning, with all-MiniLM-L6-v2: "could
you steer me a bit? I'm going in circles" is a hint request though no rule names it. Without an embedder (no index),
the rules alone decide.

Settings chosen on the examples themselves, each left out in turn (`evals/turns/`, dev half); the test half
measures them (`interviewer eval turns`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from interviewer.interview.nonanswers import DONE, classify, closes
from interviewer.scoring.guards import INJECTION

EXAMPLES = Path(__file__).with_name("turn_examples.yaml")
# More turns of every kind, written and labelled by hand for the reader (never from evals/turns/): natural
# clarifications, hints, repeats and small talk, short or question-shaped answers, wrap-up questions and closings.
WRITTEN = Path(__file__).with_name("turn_examples_written.yaml")
ASKING = re.compile(
    r"^\W*((so|okay|ok|um|uh|hmm|sorry|and|right|well|wait|just|quick|yeah|oh)\W+){0,3}"
    r"(what|which|how|is|are|do|does|did|can|could|should|would|may|any|got|pardon|who|where|when)\b",
    re.I,
)  # a question without its "?" (spoken): "what's the read write ratio roughly"; fillers may come first
STATES = re.compile(r"^\W*(so,? )?(i'?d|i would|i'?ll|i will|we'?d|we would|first,? i|my approach)\b", re.I)
QUESTION_WORDS = 4  # a turn of questions only, at least this long, asks rather than answers (`only_questions`)
ASKING_KINDS = {"clarify", "hint", "repeat"}  # kinds that ask for something: the turn must ask
PARROT = 0.6  # share of the turn's words found in the question asked: it says the question back
K = 5  # nearest examples that vote
MAX_WORDS = 30  # a longer turn the rules take as an answer is one
MIN_SIM = 0.3  # the nearest example must be at least this close for the examples to overrule the rules
SHARE = 0.4  # ... and the winning kind must hold at least this share of the (similarity-weighted) votes

Embed = Callable[[list[str]], Any]


class TurnReader:
    def __init__(
        self,
        embed: Embed | None,
        examples: tuple[Path, ...] = (EXAMPLES, WRITTEN),
        exclude: frozenset[str] = frozenset(),
    ):
        """`exclude`: example texts to leave out (measuring the reader on its own examples, one at a time)."""
        data = [t for path in examples for t in yaml.safe_load(path.read_text(encoding="utf-8"))["turns"]]
        self.examples = [t for t in data if t["text"] not in exclude]
        self.embed = embed
        self._vectors: dict[str, np.ndarray] = {}

    def warm(self) -> None:
        """Embed the examples now (about a second), so the first turn does not wait for it."""
        if self.embed is not None:
            for phase in ("question", "wrap-up"):
                self._vecs(phase)

    def _vecs(self, phase: str) -> tuple[np.ndarray, list[str], list[str]]:
        rows = [t for t in self.examples if t["phase"] == phase]
        if phase not in self._vectors:
            self._vectors[phase] = self._unit([t["text"] for t in rows])
        return self._vectors[phase], [t["kind"] for t in rows], [t["text"] for t in rows]

    def _unit(self, texts: list[str]) -> np.ndarray:
        assert self.embed is not None
        v = np.asarray(self.embed(texts), dtype=np.float32)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)

    def nearest(self, text: str, phase: str, leave_out: str | None = None) -> tuple[str, float, float]:
        """(kind, share of the votes, similarity of the nearest example) among the K nearest examples."""
        vecs, kinds, texts = self._vecs(phase)
        sims = vecs @ self._unit([text])[0]
        order = [i for i in np.argsort(-sims) if texts[i] != leave_out][:K]
        votes: dict[str, float] = defaultdict(float)
        for i in order:
            votes[kinds[i]] += max(float(sims[i]), 0.0)
        kind = max(votes, key=lambda k: votes[k])
        return kind, votes[kind] / max(sum(votes.values()), 1e-9), float(sims[order[0]])

    def kind(self, text: str, phase: str = "question", leave_out: str | None = None, prompt: str = "") -> str:
        """While a question is open (`prompt`, the question as asked): answer, clarify, repeat, skip, minute,
        small-talk or hint. At the wrap-up: question or closing. The examples never turn a statement of what the
        candidate would do into a non-answer, nor a turn that says the question back."""
        stripped = text.strip()
        if phase == "wrap-up":
            if not stripped or classify(stripped) == "skip":  # "skip", "pass", "nothing": no questions
                return "closing"
            if self.embed is None:
                return "closing" if closes(stripped) else "question"
            if "?" in stripped and not DONE.search(stripped):
                return "question"
            kind, share, top = self.nearest(stripped, "wrap-up", leave_out)
            return kind if top >= MIN_SIM and share >= SHARE else ("closing" if closes(stripped) else "question")
        ruled = classify(stripped)
        words = stripped.split()
        if (
            ruled != "answer"
            or self.embed is None
            or not words
            or len(words) > MAX_WORDS
            or STATES.search(stripped)
            or INJECTION.search(stripped)  # the scorer sets it aside and says so
        ):
            return ruled
        said = {w.strip(".,;:!?").lower() for w in prompt.split()}
        if prompt and sum(w.strip(".,;:!?").lower() in said for w in words) >= PARROT * len(words):
            return ruled  # the question said back: an answer for the scorer to set aside
        kind, share, top = self.nearest(stripped, "question", leave_out)
        asks = "?" in stripped or bool(ASKING.search(stripped))
        if kind in ASKING_KINDS and asks and top >= MIN_SIM and share >= SHARE:
            return kind
        if kind != "answer" and kind not in ASKING_KINDS and top >= MIN_SIM and share >= SHARE:
            return kind
        return "clarify" if only_questions(stripped) else "answer"


def only_questions(text: str) -> bool:
    """Every sentence of the turn ends with "?" ("which database are we on, postgres?"): it asks, it does not
    answer. A bare guess ("a mutex?") is an answer, and so is "is it io bound? probably, so asyncio"."""
    sentences = [s for s in re.split(r"(?<=[?.!])\s+", text.strip()) if s]
    return len(text.split()) >= QUESTION_WORDS and all(s.endswith("?") for s in sentences)
