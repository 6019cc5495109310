"""Candidate turns that are not answers: asking for a repeat, skipping, stalling, clarifying, small talk, hints."""

from __future__ import annotations

import re
from typing import Literal

from interviewer.scoring.abstain import dont_know_text

TurnKind = Literal["repeat", "skip", "minute", "clarify", "small-talk", "hint", "answer"]

_PATTERNS: list[tuple[TurnKind, re.Pattern[str], int]] = [  # kind, pattern, max words for the turn to count
    (
        "repeat",
        re.compile(r"\b(repeat|say that again|come again|pardon|didn'?t (catch|hear)|one more time)\b", re.I),
        14,
    ),
    (
        "hint",
        re.compile(
            r"\b(hint|nudge|what'?s the (right )?answer|tell me the answer|give me the answer|"
            r"help me( out)?|what (are|were) you looking for)\b",
            re.I,
        ),
        16,
    ),
    (
        "skip",
        re.compile(
            r"^\W*(i (really )?(don'?t|do not) know|no idea|skip|pass|next( question)?|"
            r"i'?m not sure|i have no clue|no clue|can we move on)\b",
            re.I,
        ),
        12,
    ),
    (
        "minute",
        re.compile(
            r"\b(give me a (minute|moment|second|sec)|let me think|one (moment|sec|second)|hold on|"
            r"need a (minute|moment)|just a (moment|minute|sec))\b",
            re.I,
        ),
        12,
    ),
    (
        "clarify",
        re.compile(
            r"(\bwhat do you mean\b|\bdo you mean\b|\bcould you clarify\b|\bcan you clarify\b|"
            r"\bwhat is meant\b|\bby .{1,30} do you mean\b|\bclarify\b.*\?$|\bshould i (talk|focus|"
            r"answer)\b.*\?$)",
            re.I,
        ),
        30,
    ),
    (
        "small-talk",
        re.compile(
            r"^\W*(hi|hello|hey|good (morning|afternoon|evening)|how are you|how'?s it going|"
            r"thanks|thank you|nice to meet you)\b",
            re.I,
        ),
        8,
    ),
]


_ASKS_FIRST = re.compile(
    r"\b(before i (answer|start|dive|go)|can i ask|could i ask|may i ask|quick question|"
    r"just to (check|clarify|confirm)|are we (talking|assuming|using|deploying|building)|should i assume|"
    r"can i assume|do we (have|know|use)|"
    r"what (kind|sort|type) of|what scale|how (much|many|long|big)|is (this|it|there|that) (a|an|for|on|in)\b)",
    re.I,
)  # fmt: skip
CLARIFY_WORDS = 30  # a clarifying question is short; a longer turn that ends with "?" is an answer that asks back


def classify(text: str) -> TurnKind:
    """What kind of turn this is. Anything long enough to be an answer is treated as one. A short turn that asks
    about the question before answering it ("Before I answer, can I ask what we're deploying to?") is a
    clarification, wherever the asking words are, and is never scored."""
    stripped = text.strip()
    words = len(stripped.split())
    if words == 0:
        return "answer"  # empty: scored as unscored "empty", with a clear message
    if words <= 60 and dont_know_text(stripped):
        return "skip"  # the scorer's own reading of "I don't know", in any of its phrasings
    for kind, pattern, max_words in _PATTERNS:
        if words <= max_words and pattern.search(stripped):
            return kind
    if words <= CLARIFY_WORDS and stripped.endswith("?") and _ASKS_FIRST.search(stripped):
        return "clarify"
    return "answer"


_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
ANSWER_AFTER = 8  # words after a leading clarifying question for the rest to be read as the answer


def leading_clarification(text: str) -> tuple[str, str] | None:
    """A turn that opens with a clarifying question and then answers anyway ("Are we talking about one server or a
    cluster? I'll assume one. I'd start by..."): (the question, the answer), or None. At most two questions lead;
    the answer must be long enough to stand on its own."""
    parts = _SENTENCE_END.split(text.strip())
    lead = 0
    while lead < min(2, len(parts) - 1) and parts[lead].endswith("?"):
        lead += 1
    if lead == 0:
        return None
    question, rest = " ".join(parts[:lead]), " ".join(parts[lead:])
    if len(rest.split()) < ANSWER_AFTER or classify(question) != "clarify" or classify(rest) != "answer":
        return None
    return question, rest


NO_MORE = re.compile(r"^\W*(no|nope|nothing|that'?s (all|it)|i'?m good|not really|no,? thanks?)\b", re.I)
DONE = re.compile(
    r"\b(that'?s (all|it|everything)|no (more|other|further) questions?|(nothing|none) (else|more|from me|for now)|"
    r"i'?m (all )?(good|set|done)|all good|i think i'?m good|that (covers|answers) (it|everything))\b",
    re.I,
)
_THANKS = re.compile(r"\b(thanks|thank you|cheers|appreciate (it|that|your time)|(this|that) was (helpful|great|"
                     r"useful|fun))\b", re.I)  # fmt: skip


def closes(text: str) -> bool:
    """At the wrap-up, whether the candidate is done: "no", "thanks, that's all", "Thank you, this was helpful",
    "no more questions from me". A turn that also asks something ("Thanks! What's the team like?") is a question,
    unless it says outright that there are no more."""
    if NO_MORE.search(text) or DONE.search(text):
        return True
    return bool(_THANKS.search(text)) and "?" not in text


_ASKING = re.compile(
    r"\?|^\W*(?:(?:so|and|also|oh|um|uh|well|okay|ok|one more|last one|sorry)\W+)*"
    r"(?:what|how|why|when|where|who|which|whose|is|are|was|were|do|does|did|can|could|would|will|should|may|might"
    r"|have|has|any|tell me)\b|\b(?:i'?d (?:like|love) to (?:know|hear|ask)|i was wondering|i wonder|can i ask|"
    r"could you (?:tell|say|explain)|curious (?:about|whether|if|how|what))\b",
    re.I,
)


def asks_something(text: str) -> bool:
    """At the wrap-up, whether a turn asks anything: a "?", a question's first word, or "I was wondering ...". A
    remark ("I'd stream it with csv.reader...") is acknowledged, never answered with a keyword-matched line."""
    return bool(_ASKING.search(text))


SmallTalk = Literal["small-talk-how", "small-talk-thanks", "small-talk"]


def small_talk_kind(text: str) -> SmallTalk:
    """Which small-talk reply fits: "how are you" is answered, thanks are acknowledged, a hello or "I'm ready" is
    met with go-ahead, never with "I'm well, thanks for asking" to a question nobody asked."""
    if re.search(r"\bhow (are|r) (you|u)\b|\bhow'?s it going\b|\bhow are things\b", text, re.I):
        return "small-talk-how"
    if _THANKS.search(text):
        return "small-talk-thanks"
    return "small-talk"
