"""Per-check matching of an answer's sentences: meaning (embeddings) plus cues, with negation handled."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from interviewer.scoring.formula import PARAMS, Params
from interviewer.scoring.models import Verdict
from interviewer.scoring.rubric import Check
from interviewer.scoring.text import Span

_NEGATOR = re.compile(
    r"\b(?:not|never|no|don't|dont|didn't|wouldn't|won't|shouldn't|can't|cannot|without|avoid|instead of"
    r"|rather than)\b",
    re.I,
)
_UNSURE = re.compile(r"\b(?:i don'?t know|not sure|no idea|never heard|i'?m not familiar|can'?t remember)\b", re.I)


@dataclass(frozen=True)
class Match:
    strength: float
    span: Span | None
    cues: int


def cue_hits(check: Check, text: str) -> int:
    """Cues present and not negated just before (e.g. "I would never load the whole file" is no hit)."""
    hits = 0
    low = text.lower()
    for cue in check.cues:
        for m in re.finditer(r"(?<![a-z0-9])" + re.escape(cue.lower()), low):
            before = low[max(0, m.start() - 30) : m.start()]
            if not _NEGATOR.search(" ".join(before.split()[-4:])):
                hits += 1
                break
    return hits


def best_match(check: Check, spans: list[Span], sims: np.ndarray, p: Params = PARAMS) -> Match:
    """The span with the strongest cosine-plus-cues match for this check."""
    best = Match(0.0, None, 0)
    for span, sim in zip(spans, sims, strict=True):
        cues = cue_hits(check, span.text)
        brevity = min(1.0, len(span.text.split()) / p.span_words) if p.span_words else 1.0
        strength = float(sim) * (0.7 + 0.3 * brevity) + p.cue_weight * min(cues, 2)
        if strength > best.strength:
            best = Match(strength, span, cues)
    return best


def key_point_verdict(match: Match, p: Params = PARAMS) -> Verdict:
    verdict: Verdict = (
        "covered" if match.strength >= p.covered else "partial" if match.strength >= p.partial else "missing"
    )
    if verdict != "missing" and match.span is not None and _UNSURE.search(match.span.text):
        verdict = "partial" if verdict == "covered" else "missing"  # "I'm not sure, maybe X" is not knowing X
    return verdict


def red_flag_match(check: Check, spans: list[Span], sims: np.ndarray, p: Params = PARAMS) -> Span | None:
    """The span that commits this red flag, or None. Negated statements ("never blame") do not count."""
    best: tuple[float, Span] | None = None
    for span, sim in zip(spans, sims, strict=True):
        has_cue = cue_hits(check, span.text) > 0
        hit = sim >= p.flag_sim or (has_cue and sim >= p.flag_cue_sim)
        if hit and (best is None or sim > best[0]):
            best = (float(sim), span)
    return best[1] if best else None
