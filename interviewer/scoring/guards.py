"""Answers that must not be scored (empty, gibberish, too short) and text that tries to steer the grader."""

from __future__ import annotations

import json
import re
from functools import lru_cache

from interviewer.scoring.text import TECHNOLOGIES, Span, words

MIN_WORDS = 8  # fewer real words than this is too short to judge
INJECTION = re.compile(
    r"ignore (?:all |any |your |the |my )?(?:previous |prior |above |earlier |former )?"
    r"(?:instructions|rules|rubric|prompt)"
    r"|disregard (?:all |any |your |the )?(?:previous |prior |above )?(?:instructions|rules|rubric|prompt)"
    r"|(?:give|award|assign|grant|score|rate|grade|mark)\s+(?:me|this|it|this answer|the answer|the candidate)?\s*"
    r"(?:an? )?(?:10|ten|full marks|perfect|maximum|max|top marks|a perfect score)"
    r"|\b10\s*/\s*10\b|\b10 out of 10\b|\bten out of ten\b"
    r"|(?:^|\s)(?:system|assistant|developer)\s*:|</?\s*(?:answer|candidate|rubric|system|instructions?)\s*>"
    r"|\[/?inst\]|###\s*(?:instruction|system)|\bgrade\s*:\s*\w|\bscore\s*[:=]\s*\d"
    r"|as (?:the|an?) (?:ai|grader|evaluator|scorer|model|assistant|interviewer)\b.{0,40}\b(?:must|should|will)\b"
    r"|you are now\b|new instructions|(?:candidate|answer) (?:has )?(?:covered|hit|addressed) (?:all|every) key points?"
    r"|output (?:a |the )?(?:score|grade)|override (?:the )?(?:score|grade|rubric)"
    r"|note to (?:the )?(?:evaluator|grader|reviewer|scorer|model|ai)|pre-?(?:reviewed|approved|graded)"
    r"|mark (?:every|all|each) (?:key )?points? as covered|(?:assign|give|award) (?:it |this )?a score of \d+"
    r"|\bverdict\s*:\s*\w|\byou (?:have )?passed\b|\binterview is (?:complete|over|finished)\b"
    r"|reveal (?:every|all|the|any) (?:hidden |remaining )?(?:facts?|rubric|reference|key points|answers?)"
    r"|(?:read|show|tell) me the (?:reference answer|rubric|key points|model answer)"
    # the answer graded in the third person: a candidate speaks for themselves, a grader's note speaks about them
    r"|\b(?:the|this) (?:candidate|applicant|interviewee)(?:'s answer)? (?:has |have |is |was )?"
    r"(?:fully |already |clearly |correctly |thoroughly )?(?:covered|covers|addressed|addresses|hit|hits|nailed"
    r"|demonstrated|demonstrates|deserves|answered|explained|complete|correct|excellent|perfect)\b"
    # "this answer ..." only with a grader's verbs: "the response was correct" is ordinary talk about an API
    r"|\bthis (?:answer|response) (?:fully |already |clearly |thoroughly )?(?:covers|addresses|deserves|demonstrates"
    r"|hits|nails)\b",
    re.I,
)
STOPWORDS = set(
    """a an the and or but if so to of in on at for with by from as is are was were be been being it its this that
    these those i we you he she they me us my our your their them what which who when where why how not no
    do does did have has had will would can could should then than there here about into over after before
    up out just very also more most some any all each every one because while i'd i'm i've we'd we're it's
    that's""".split()
)


ECHO_SHARE = 0.8  # a sentence this much made of the question's own words only repeats it


def injection_spans(spans: list[Span]) -> list[Span]:
    return [s for s in spans if INJECTION.search(s.text)]


def echo_spans(spans: list[Span], question: str) -> list[Span]:
    """Sentences that repeat the question back: they add nothing of the candidate's own, so they earn nothing."""
    asked = {w.lower() for w in words(question)}
    out = []
    for s in spans:
        ws = [w.lower() for w in words(s.text)]
        if len(ws) >= 4 and sum(w in asked for w in ws) / len(ws) >= ECHO_SHARE:
            out.append(s)
    return out


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    """Whole words known to the embedding model's tokenizer: a 30k-word English vocabulary that ships offline."""
    from interviewer.index.minilm import TOKENIZER_FILE, model_dir

    vocab = json.loads((model_dir() / TOKENIZER_FILE).read_text(encoding="utf-8"))["model"]["vocab"]
    return frozenset(w for w in vocab if w.isalpha())


def known_word_share(text: str) -> float:
    """Share of words that are English or named technologies; keyboard mash scores near zero."""
    ws = [w.lower() for w in words(text) if not any(c.isdigit() for c in w)]
    if not ws:
        return 0.0
    vocab = _vocabulary()
    known = sum(w in vocab or w in STOPWORDS or w in TECHNOLOGIES or w.split("'")[0] in vocab for w in ws)
    return known / len(ws)


def stopword_share(text: str) -> float:
    ws = [w.lower() for w in words(text)]
    return sum(w in STOPWORDS for w in ws) / len(ws) if ws else 0.0


def precheck(text: str, min_words: int = MIN_WORDS) -> str | None:
    """The reason an answer cannot be judged without looking at its meaning, or None.

    Below MIN_WORDS the scorer still looks: a short answer that states a key point is scored."""
    n = len(words(text))
    if n == 0:
        return "empty"
    if n >= 2 and known_word_share(text) < 0.5:
        return "gibberish"
    if n < min_words:
        return "too-short"
    if n < MIN_WORDS:
        return None
    if stopword_share(text) < 0.12:
        return "gibberish"  # word salad: real words, no sentences
    return None
