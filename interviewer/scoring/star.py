"""STAR structure in behavioural answers: the first sentence that plays each part is its evidence."""

from __future__ import annotations

import re

from interviewer.scoring.models import Star
from interviewer.scoring.text import Span

_PARTS = {
    "situation": re.compile(
        r"\b(?:situation|at my (?:previous|last|current|old) (?:job|role|company|team)|in my (?:previous|last|current)"
        r" (?:job|role|position|team|company)|(?:last|this) (?:year|quarter|spring|summer)|a few (?:months|years) ago"
        r"|we (?:were|had) (?:building|running|migrating|a )|there was a|once,? (?:when|we|i)|back when|context)\b",
        re.I,
    ),
    "task": re.compile(
        r"\b(?:task|my (?:job|goal|role|responsibility) was|i (?:was|were) (?:responsible|asked|tasked|supposed)"
        r"|i (?:needed|had) to|we (?:needed|had) to|the goal was|the challenge was|the problem was"
        r"|had to (?:deliver|ship|fix|migrate|decide|choose|make))\b",
        re.I,
    ),
    "action": re.compile(
        r"\b(?:action|i (?:then |first |also |quickly |immediately )?(?:built|wrote|implemented|added|led|set up|"
        r"introduced|proposed|created|designed|refactored|profiled|rolled back|reached out|organized|organised|"
        r"scheduled|talked|met|paired|benchmarked|researched|broke|split|migrated|moved|replaced|automated|"
        r"documented|presented|coordinated|escalated|negotiated|tested|measured|decided|started|drew|ran|used|"
        r"listened|asked|mentored|reviewed))\b",
        re.I,
    ),
    "result": re.compile(
        r"\b(?:result|as a result|outcome|in the end|ultimately|we (?:shipped|launched|delivered|cut|reduced)|"
        r"reduced|improved|increased|decreased|dropped|cut (?:\w+ )?(?:from|by|to)|saved|went from|from \S+ to|"
        r"on time|ahead of|a day before|i learned|i learnt|lesson|taught me|since then)\b",
        re.I,
    ),
}


def star(spans: list[Span]) -> Star:
    found: dict[str, str | None] = dict.fromkeys(_PARTS)
    for part, pattern in _PARTS.items():
        found[part] = next((s.text for s in spans if pattern.search(s.text)), None)
    return Star(**found)
