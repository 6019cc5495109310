"""Lexical signals between two short texts: does one say what the other says, or its opposite?

Sentence embeddings place "streaming isn't needed" next to "streams the file": they agree on the topic and miss
the polarity. These signals carry what embeddings lose: content-word overlap (beyond the question's own words),
negation and antonym pairs. They are plain English, with no domain rules, so they carry to any rubric.
"""

from __future__ import annotations

import re
from functools import lru_cache

from interviewer.scoring.guards import STOPWORDS

_WORD = re.compile(r"[a-z0-9_]+(?:'[a-z]+)?")
NEGATION = re.compile(
    r"\b(?:not|no|never|none|nothing|nobody|nowhere|neither|nor|cannot|without|hardly|barely"
    r"|[a-z]+n't|dont|doesnt|didnt|isnt|arent|wasnt|werent|wont|cant|shouldnt|wouldnt|couldnt|havent|hasnt"
    r"|avoid|avoids|avoided|no need|unnecessary|pointless"
    r"|overkill|waste of time)\b",
    re.I,
)
# General-English opposites plus a few that software talk leans on (sync/async, mutable/immutable).
_OPPOSITES = """open:closed open:close opened:closed increase:decrease increases:decreases increased:decreased
more:less more:fewer higher:lower high:low faster:slower fast:slow before:after always:never all:none
positive:negative same:different on:off up:down large:small larger:smaller big:small complete:incomplete
connected:disconnected true:false right:wrong safe:unsafe secure:insecure sync:async synchronous:asynchronous
blocking:non-blocking mutable:immutable enable:disable enabled:disabled start:stop first:last early:late
earlier:later keep:drop keep:remove add:remove added:removed include:exclude included:excluded allow:deny
allowed:denied accept:reject accepted:rejected pass:fail passes:fails success:failure succeed:fail valid:invalid
explicit:implicit manual:automatic manually:automatically inside:outside in:out internal:external
release:hold released:held runs:skipped run:skip raise:suppress raises:swallows required:optional must:optional
strong:weak best:worst better:worse good:bad increase:reduce grow:shrink attract:repel series:parallel
whole:part entire:partial everything:nothing everyone:nobody public:private global:local lazy:eager
lazily:eagerly stream:load streaming:loading once:repeatedly cheap:expensive simple:complex easy:hard
isolated:shared commit:rollback committed:rolled idempotent:duplicate""".split()
OPPOSITES: tuple[tuple[str, str], ...] = tuple((a, b) for a, b in (p.split(":") for p in _OPPOSITES))


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))


@lru_cache(maxsize=65536)
def token_set(text: str) -> frozenset[str]:
    return frozenset(tokens(text))


def stem(word: str) -> str:
    for suffix in ("ingly", "edly", "ing", "ied", "ies", "ed", "es", "ly", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=65536)
def content(text: str) -> frozenset[str]:
    """Stemmed words that carry meaning."""
    return frozenset(stem(w) for w in tokens(text) if w not in STOPWORDS and len(w) > 1 and not NEGATION.match(w))


@lru_cache(maxsize=65536)
def negations(text: str) -> int:
    return len(NEGATION.findall(text))


_OPPOSITE_OF: dict[str, frozenset[str]] = {}
for _x, _y in OPPOSITES:
    _OPPOSITE_OF[_x] = _OPPOSITE_OF.get(_x, frozenset()) | {_y}
    _OPPOSITE_OF[_y] = _OPPOSITE_OF.get(_y, frozenset()) | {_x}


def opposite_pairs(a: str, b: str) -> int:
    """How many opposite pairs have one side only in `a` and the other only in `b`."""
    wa, wb = token_set(a), token_set(b)
    return sum(1 for w in wa - wb if w in _OPPOSITE_OF for o in _OPPOSITE_OF[w] if o in wb and o not in wa)


def overlap(a: str, b: str, question: str = "") -> tuple[float, float, float, float]:
    """(recall of b's words in a, precision of a's words against b, recall of b's words the question lacks,
    share of a's words that only repeat the question)."""
    ca, cb, cq = content(a), content(b), content(question)
    recall = len(ca & cb) / len(cb) if cb else 0.0
    precision = len(ca & cb) / len(ca) if ca else 0.0
    novel = cb - cq
    novel_recall = len(ca & novel) / len(novel) if novel else recall
    echo = len(ca & cq - cb) / len(ca) if ca else 0.0
    return recall, precision, novel_recall, echo


_PRE_NEGATOR = re.compile(r"^(?:not|never|no|without|avoid|[a-z]+n't|dont|wont|wouldnt|cant|skip)$")
_DISMISS = re.compile(
    r"\b(?:is|are|was|'s|would be|will be)?\s*(?:not|n't)\s+(?:really\s+)?(?:needed|necessary|required|worth it|worth"
    r" the effort|useful|important)|\bunnecessary\b|\boverkill\b|\bpointless\b|\ba waste of time\b|\bdoesn'?t matter\b"
    r"|\bwould only (?:make|slow|add)\b|\bjust slows?\b|\bonly slows?\b|\bno need\b|\b(?:only|just) complicates?\b"
    r"|\bovercomplicat\w*|\bpremature optimi[sz]ation\b|\b(?:would be|is|are) (?:a )?wasted?\b|\bnot worth\b"
    r"|\bbad idea\b|\bgives? (?:you )?(?:the )?wrong\b|\bdon'?t bother\b|\bnever works?\b|\bnobody needs\b",
    re.I,
)


def rejects(text: str, terms: frozenset[str]) -> bool:
    """The text names one of `terms` (stemmed) only to reject it: "I'd never use a heap", "streaming isn't needed"."""
    toks = tokens(text)
    for n, tok in enumerate(toks):
        if stem(tok) not in terms:
            continue
        if any(_PRE_NEGATOR.match(t) for t in toks[max(0, n - 3) : n]):
            return True
        if _DISMISS.search(" ".join(toks[n + 1 : n + 9])):
            return True
    return False


def key_terms(cues: tuple[str, ...], statement: str, question: str) -> frozenset[str]:
    """What names a point: its cue words, or else the statement's words that the question does not already use."""
    words_ = {stem(w) for c in cues for w in tokens(c) if w not in STOPWORDS and len(w) > 2}
    return frozenset(words_) if words_ else content(statement) - content(question)
