"""Turns that say nothing to grade: "I don't know" in its many phrasings, and bare lists of terms.

Shared by the scorer (an unscored `dont-know`) and the interviewer (a skip), so both read a turn the same way.
"""

from __future__ import annotations

import re

from interviewer.scoring.guards import STOPWORDS
from interviewer.scoring.text import Span, words

_DONT_KNOW = re.compile(
    r"\b(?:i (?:really |honestly |genuinely |just )?(?:don'?t|do not|dont) (?:really )?(?:know|remember|recall)"
    r"|no (?:idea|clue)|not (?:a )?(?:clue|sure)|i have no (?:idea|clue)"
    r"|i(?:'m| am) (?:blanking|drawing a blank|stumped)"
    r"|(?:i )?(?:can'?t|cannot) (?:really )?(?:say|answer|remember|recall)|beats me|no experience with"
    r"|(?:i(?:'ve| have) )?never (?:worked|used|done|had to|dealt|touched|heard)|i(?:'ve| have) never\b"
    r"|i(?:'m| am) not familiar"
    r"|(?:haven'?t|have not) (?:worked|used|done|had to|dealt|come across)|out of my depth|not my area"
    r"|(?:don'?t|do not) (?:think i )?(?:really )?have (?:a|an|any) (?:good |real )?(?:answer|example|idea)"
    r"|nothing (?:comes|springs) to mind|(?:isn'?t|is not) something i(?:'ve| have)? (?:done|worked on|used|know)"
    r"|^\W*(?:pass|skip)\b|^\W*(?:next(?: question)?|no|nope|sorry)\W*$)",
    re.I,
)
_APOLOGY = re.compile(r"^\W*(?:sorry|honestly|unfortunately|to be honest|i'?m afraid|hmm+|um+|uh+)\W*$", re.I)
_BUT = re.compile(r"\b(?:but|though|although|however)\b(.*)$", re.I)
_SAY_SO = re.compile(r"\b(?:so )?i (?:can'?t|cannot|couldn'?t|won'?t) (?:really )?(?:say|tell|help|comment)\b", re.I)


_CLAUSE = re.compile(r"\s*[,;:\u2014]\s*|\s+-\s+")
# a guess made after all: "I don't know, I guess I'd use threads because they run in parallel" is an attempt
_GUESS = re.compile(
    r"\b(?:i'?d|i would|i guess|i think|i suppose|maybe|probably|perhaps|my guess|i'?ll|i will|because|you'?d|"
    r"you could|we'?d|we could|i'?d say|it'?s|it is|they|that'?s)\b",
    re.I,
)
_NO_GUESS = re.compile(r"\b(?:look (?:it|that) up|google|check the docs|ask (?:someone|a colleague)|pass|skip)\b", re.I)
GUESS_WORDS = 5  # a clause this long with a guess in it is an attempt, whatever the "I don't know" before it


def _knows_nothing(span: str) -> bool:
    """A sentence that only says the candidate does not know (and has no "but I'd..." with a real claim, nor a
    clause that guesses anyway: "I don't know, I guess I'd use threads for everything")."""
    if not _DONT_KNOW.search(span) and not _APOLOGY.match(span) and not _SAY_SO.search(span):
        return False
    tail = _BUT.search(span)
    if tail and len(words(tail.group(1))) >= 4:
        return False
    return not any(
        len(words(c)) >= GUESS_WORDS and _GUESS.search(c) and not _DONT_KNOW.search(c) and not _NO_GUESS.search(c)
        for c in _CLAUSE.split(span)
    )


def is_dont_know(spans: list[Span]) -> bool:
    """Every sentence is a don't-know, an apology or an excuse like "I've never had to do that myself"."""
    texts = [s.text for s in spans if words(s.text)]
    return bool(texts) and any(_DONT_KNOW.search(t) for t in texts) and all(_knows_nothing(t) for t in texts)


def dont_know_text(text: str) -> bool:
    from interviewer.scoring.text import sentences

    return is_dont_know(sentences(text))


_ITEM_SPLIT = re.compile(r"\s*(?:,|/|\||\band\b|\bor\b|\+)\s*", re.I)
_LEAD_IN = re.compile(r"^[^:]{0,60}:\s*")


def is_term_list(span: str) -> bool:
    """ "pytest, fixtures, mocks, coverage, CI": names with no claim about them, so it states nothing."""
    body = _LEAD_IN.sub("", span.strip()).strip(" .!?")
    items = [i for i in _ITEM_SPLIT.split(body) if i.strip()]
    if len(items) < 3:
        return False
    ws = [w.lower() for w in words(body)]
    short = sum(len(words(i)) <= 3 for i in items) / len(items)
    filler = sum(w in STOPWORDS for w in ws) / max(1, len(ws))
    return short >= 0.8 and filler <= 0.15
