"""Candidate text as it arrives from a browser, a terminal or a file: cleaned and bounded, never rejected silently."""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from interviewer.scoring.text import MAX_ANSWER_CHARS

__all__ = ["MAX_ANSWER_CHARS", "CleanText", "clean_answer"]

# C0/C1 control characters other than tab and newline, plus the bidi overrides used to disguise text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class CleanText(NamedTuple):
    text: str
    notice: str | None


def clean_answer(raw: str | bytes, limit: int = MAX_ANSWER_CHARS) -> CleanText:
    """Decode, normalise, drop control characters and cut to `limit`, saying what was changed."""
    notes: list[str] = []
    if isinstance(raw, bytes):
        text = raw.decode("utf-8", errors="replace")
        if "\ufffd" in text:
            notes.append("some bytes were not valid UTF-8 and were replaced")
    else:
        # Lone surrogates (e.g. from a broken paste) cannot be stored or encoded: replace them.
        text = raw.encode("utf-8", errors="replace").decode("utf-8")
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    stripped = _CONTROL.sub("", text)
    if stripped != text:
        notes.append("control characters were removed")
    text = stripped
    if len(text) > limit:
        notes.append(f"your answer was {len(text):,} characters; only the first {limit:,} were kept")
        text = text[:limit]
    return CleanText(text, ("Note: " + "; ".join(notes) + ".") if notes else None)
