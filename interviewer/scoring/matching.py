"""Cue words in an answer's sentences, with negation handled, and the phrases that mean "I'm not sure"."""

from __future__ import annotations

import re

from interviewer.scoring.rubric import Check

_NEGATOR = re.compile(
    r"\b(?:not|never|no|don't|dont|didn't|wouldn't|won't|shouldn't|can't|cannot|without|avoid|instead of"
    r"|rather than)\b",
    re.I,
)
UNSURE = re.compile(r"\b(?:i don'?t know|not sure|no idea|never heard|i'?m not familiar|can'?t remember)\b", re.I)


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
