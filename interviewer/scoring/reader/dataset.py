"""The reader's labelled pairs: (span, claim, label), written by the project for every check in the bank.

One YAML file per rubric item (a bank question, a scenario stage, or a scenario's own red flags) under
`data/reader/`. Each check lists spans that `states` its claim, that `contradicts` it, and that do `neither`.
For a red flag the claim is the wrong claim itself: a span that makes it `states` it, and a span that says the
right thing `contradicts` it. The files are written and labelled before any model reads them; `interviewer reader
check` validates them against the bank.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from interviewer.bank.loader import Bank
from interviewer.bank.models import Check as BankCheck
from interviewer.bank.models import ItemRef, KeyPoint

if TYPE_CHECKING:
    from interviewer.evals.scoring import Labelled

Label = Literal["states", "contradicts", "neither"]
LABELS: tuple[Label, ...] = ("states", "contradicts", "neither")
Origin = Literal["written", "bank", "augmented", "flipped", "negated", "semeval", "semeval-cross", "eval", "sibling"]
FLAG_PREFIX = "Mistake: "


def claim_text(text: str, kind: str) -> str:
    """What the reader reads as the claim. A red flag is marked as the mistake it is, so that a span making it
    reads as `states` although it sounds wrong (unmarked, the held-out red-flag pairs read at macro-F1 0.74
    against 0.87 for key points: the reader had learned "sounds wrong" as "contradicts")."""
    return FLAG_PREFIX + text if kind != "key_point" else text


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CheckPairs(_Model):
    id: str
    kind: Literal["key_point", "red_flag"]
    claim: str = Field(description="The check's text, as in the bank (kept here so the file reads on its own).")
    states: list[str] = Field(default_factory=list)
    contradicts: list[str] = Field(default_factory=list)
    neither: list[str] = Field(default_factory=list)


class ItemPairs(_Model):
    item: str = Field(description="A question id, `scenario/stage`, or a scenario id for its own red flags.")
    question: str
    checks: list[CheckPairs]


@dataclass(frozen=True)
class Pair:
    span: str
    claim: str
    label: Label
    item: str  # the rubric item the pair belongs to: the unit of the dev/test split
    origin: Origin


def file_name(item: str) -> str:
    return item.replace("/", "--") + ".yaml"


def bank_items(bank: Bank) -> Iterator[tuple[str, str, list[tuple[str, BankCheck]]]]:
    """(item, the question asked, [(kind, check)]) for every rubric item of the bank."""
    for q in bank.questions:
        yield q.id, q.text, [("key_point", k) for k in q.key_points] + [("red_flag", r) for r in q.red_flags]
    for s in bank.scenarios:
        yield s.id, s.setup, [("red_flag", r) for r in s.red_flags]
        for st in s.stages:
            checks = [("key_point", a) for a in st.expected_actions] + [("red_flag", r) for r in st.red_flags]
            yield ItemRef.of_stage(s.id, st.id).key, st.opening, checks  # type: ignore[misc]


def skeleton(item: str, question: str, checks: list[tuple[str, BankCheck]]) -> ItemPairs:
    return ItemPairs(
        item=item,
        question=question,
        checks=[CheckPairs(id=c.id, kind=kind, claim=c.text) for kind, c in checks],  # type: ignore[arg-type]
    )


def dump(pairs: ItemPairs) -> str:
    head = (
        "# Labelled pairs for the answer reader (see data/reader/README.md): for each check, spans that state its\n"
        "# claim, spans that contradict it, and same-topic spans that do neither. Written by the project.\n"
    )
    body = yaml.safe_dump(pairs.model_dump(), sort_keys=False, allow_unicode=True, width=120)
    return head + body


def load_file(path: Path) -> ItemPairs:
    return ItemPairs.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


EXTRA = ("contrast", "fragments", "cross", "negation")  # subfolders in the same format, merged into their items' checks
# The folders the shipped reader was trained on. A reader trained with cross/ and negation/ too read held-out pairs
# better (macro-F1 0.705 -> 0.758) but withheld credit on dev answers (README, "Fifth try"), so they measure it.
TRAINED = ("contrast", "fragments")


def load_all(folder: Path, extra: tuple[str, ...] = EXTRA) -> list[ItemPairs]:
    """Every item's pairs, with the contrast pairs (`contrast/`: spans naming both sides of a check) and the
    fragment pairs (`fragments/`: clause-sized spans as the scorer cuts real answers) and the cross pairs (`cross/`:
    spans written for a sibling check, read against this one) and the negation pairs (`negation/`: spans with a
    negation, each labelled against every check of its item) merged into their checks."""
    items = [load_file(p) for p in sorted(folder.glob("*.yaml"))]
    for sub in extra:
        more = {it.item: it for it in (load_file(p) for p in sorted((folder / sub).glob("*.yaml")))}
        items = [_merged(it, more[it.item]) if it.item in more else it for it in items] + [
            it for name, it in more.items() if name not in {i.item for i in items}
        ]
    return items


def _merged(it: ItemPairs, more: ItemPairs) -> ItemPairs:
    add = {c.id: c for c in more.checks}
    checks = [
        c.model_copy(update={label: getattr(c, label) + getattr(add[c.id], label) for label in LABELS})
        if c.id in add
        else c
        for c in it.checks
    ]
    checks += [c for c in more.checks if c.id not in {x.id for x in it.checks}]
    return it.model_copy(update={"checks": checks})


def problems(items: list[ItemPairs], bank: Bank, min_written: int = 0) -> list[str]:
    """What is wrong with the files: unknown items or checks, stale claims, duplicates, copies of the bank's own
    phrasings, a span under two labels, checks with too few written pairs."""
    known = {item: (question, {c.id: (kind, c) for kind, c in checks}) for item, question, checks in bank_items(bank)}
    out: list[str] = []
    for it in items:
        if it.item not in known:
            out.append(f"{it.item}: no such item in the bank")
            continue
        _, checks = known[it.item]
        for cp in it.checks:
            where = f"{file_name(it.item)}: {cp.id}"
            if cp.id not in checks:
                out.append(f"{where}: no such check")
                continue
            kind, bc = checks[cp.id]
            if cp.claim != bc.text:
                out.append(f"{where}: claim differs from the bank's text")
            if cp.kind != kind:
                out.append(f"{where}: kind should be {kind}")
            bank_texts = {bc.text, *bc.phrasings, *(bc.misconceptions if isinstance(bc, KeyPoint) else [])}
            seen: dict[str, str] = {}
            for label in LABELS:
                for span in getattr(cp, label):
                    if span in bank_texts:
                        out.append(f"{where}: {label} copies the bank's own text: {span[:60]!r}")
                    if span in seen:
                        out.append(f"{where}: {span[:60]!r} is under both {seen[span]} and {label}")
                    seen[span] = label
            n = sum(len(getattr(cp, label)) for label in LABELS)
            if n < min_written:
                out.append(f"{where}: {n} written pairs, fewer than {min_written}")
    return out


def written_pairs(items: list[ItemPairs]) -> list[Pair]:
    return [
        Pair(span, claim_text(cp.claim, cp.kind), label, it.item, "written")
        for it in items
        for cp in it.checks
        for label in LABELS
        for span in getattr(cp, label)
    ]


def split_of_item(item: str) -> str:
    """The dev/test split of an item, as the labelled scoring eval splits (a scenario's own flags: by scenario)."""
    from interviewer.evals.scoring import split_of

    return split_of(item)


def bank_pairs(bank: Bank) -> list[Pair]:
    """Pairs from the bank's contrastive rubric: a phrasing states its check, a misconception contradicts its key
    point, and the phrasings of a sibling key point do neither."""
    out: list[Pair] = []
    for item, _, checks in bank_items(bank):
        points = [c for kind, c in checks if kind == "key_point"]
        for kind, c in checks:
            out += [Pair(p, claim_text(c.text, kind), "states", item, "bank") for p in c.phrasings]
            if kind != "key_point":
                continue
            assert isinstance(c, KeyPoint)
            out += [Pair(m, c.text, "contradicts", item, "bank") for m in c.misconceptions]
            for sib in points:
                if sib is not c:
                    out += [Pair(p, c.text, "neither", item, "bank") for p in sib.phrasings[:2]]
    return out


_PREFIXES = (
    "So basically, ", "Um, ", "Yeah, so ", "Honestly, ", "I mean, ", "Right, so ", "Okay, so ", "Well, ",
    "I think ", "In my experience, ", "From what I've seen, ", "Uh, so, ", "To be fair, ", "Basically ",
    # negation words that do not touch the claim: a "not" is no sign of a contradiction by itself
    "I'm not a hundred percent sure, but ", "Not to overcomplicate it, ", "I don't want to overthink this, but ",
    "It's not rocket science: ", "No doubt about it, ", "I won't pretend it's perfect, but ", "Not gonna lie, ",
)  # fmt: skip
_SUFFIXES = (" That's how I'd do it.", " So yeah.", " If that makes sense.", " That's my take, anyway.", "")


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    if first in {"I", "I'd", "I'm", "I've", "I'll"} or first[:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def augment(pairs: list[Pair], rate: float, seed: int) -> list[Pair]:
    """Spoken-style copies (fillers, hedges, tails) of a share of the pairs: the label holds by construction."""
    import random

    rng = random.Random(seed)
    out = []
    for p in pairs:
        if rng.random() >= rate:
            continue
        span = rng.choice(_PREFIXES) + _lower_first(p.span)
        tail = rng.choice(_SUFFIXES)
        if tail:
            span = span.rstrip(".") + "." + tail
        out.append(Pair(span, p.claim, p.label, p.item, "augmented"))
    return out


def other_item_negatives(pairs: list[Pair], per_claim: int, seed: int) -> list[Pair]:
    """Spans written for other items, against each claim: about something else entirely, so `neither`."""
    import random

    rng = random.Random(seed)
    claims = sorted({(p.claim, p.item) for p in pairs})
    pool = [p for p in pairs if p.origin in ("written", "bank")]
    out = []
    for claim, item in claims:
        others = [p for p in rng.sample(pool, min(len(pool), per_claim * 4)) if p.item != item][:per_claim]
        out += [Pair(o.span, claim, "neither", item, "augmented") for o in others]
    return out


_FLIPPED: dict[str, Label] = {"states": "contradicts", "contradicts": "states", "neither": "neither"}
_IRREGULAR = {"goes": "go", "does": "do", "has": "have", "caches": "cache", "focuses": "focus", "ties": "tie"}


def _base_verb(word: str) -> str | None:
    """The plain form of a claim's opening third-person verb ("Retries" -> "retry"), or None for any other word
    (a past tense, an adverb): such a claim is only ever negated with "Never"."""
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if not w.endswith("s") or w.endswith("ss") or w.endswith("ous") or w.endswith("ly"):
        return None
    if w.endswith("ies"):
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return w[:-2]
    return w[:-1]


def negated_claim(claim: str, rng: Any) -> str:
    """A key point or expected action said as its own negation: "Uses deterministic cache keys..." -> "Does not use
    deterministic cache keys...", "Never uses ...", "Fails to use ...". A claim's denial is itself a claim, so
    every label of a pair flips with it (`flipped_pairs`)."""
    first, _, rest = claim.partition(" ")
    base = _base_verb(first)
    forms = ["Never {low}"]
    if base:
        forms += ["Does not {base} {rest}", "Doesn't {base} {rest}", "Fails to {base} {rest}"]
    form = forms[rng.randrange(len(forms))]
    return form.format(low=claim[:1].lower() + claim[1:], base=base, rest=rest).strip()


def flipped_pairs(pairs: list[Pair], rate: float, seed: int) -> list[Pair]:
    """A share of the key-point pairs again, each read against the claim's negation (`negated_claim`), its label
    flipped: a span that states a claim contradicts its denial, one that contradicts it states its denial, and one
    that does neither still does neither. In the written data a claim's wording never decides a label (each claim
    is read against spans of all three labels, and claims are never negative), so a reader can learn "a negation
    in the span means contradicts" and never look at the claim's polarity: it reads "We never commit secrets to the
    repo" as contradicting "... never committed to git" (0.97). Red flags (read as "Mistake: ...") are left alone."""
    import random

    rng = random.Random(seed)
    out = []
    for p in pairs:
        if p.claim.startswith(FLAG_PREFIX) or p.origin not in ("written", "bank", "augmented"):
            continue
        if rng.random() >= rate:
            continue
        out.append(Pair(p.span, negated_claim(p.claim, rng), _FLIPPED[p.label], p.item, "flipped"))
    return out


# --- a span said as its own denial ------------------------------------------------------------------------
# What the first clause's auxiliary becomes when the span is denied ("is" -> "isn't", "I'd" -> "I wouldn't").
# "do/does/did" and "have/has" are left out: in these spans they are mostly main verbs ("we did our bit").
_AUX_NOT = {
    "is": "isn't", "are": "aren't", "was": "wasn't", "were": "weren't", "can": "can't", "will": "won't",
    "would": "wouldn't", "should": "shouldn't", "could": "couldn't",
}  # fmt: skip
_CONTRACTED_NOT = {
    "i'd": "I wouldn't", "we'd": "we wouldn't", "you'd": "you wouldn't", "they'd": "they wouldn't",
    "it'd": "it wouldn't", "i'll": "I won't", "we'll": "we won't", "you'll": "you won't", "they'll": "they won't",
    "it'll": "it won't", "i'm": "I'm not", "we're": "we're not", "you're": "you're not", "they're": "they're not",
    "it's": "it isn't", "that's": "that isn't", "there's": "there isn't", "i've": "I haven't", "we've": "we haven't",
}  # fmt: skip
# a span that already denies, limits or asks something is left alone: a second negation is no clean opposite
_DENIES = re.compile(
    r"\b(?:not|no|never|none|nothing|nobody|without|cannot|instead|rather|avoid\w*|stop\w*|skip\w*|unless|only"
    r"|just|hardly|barely|either|neither|nor|fail\w*|lack\w*|miss\w*|prevent\w*|except|too)\b|n't\b|\?",
    re.I,
)
# a leading subordinate clause ("If the deploy caused it, I'd ..."): the denial goes after its comma
_LEAD = re.compile(
    r"^(?:\W*(?:so|and|but|yeah|um|uh|well|okay|honestly|basically|then)\W+)*"
    r"(?:if|when|whenever|once|after|before|unless|because|since|while|although|though|as soon as|until)\b",
    re.I,
)
_CLAUSE_END = re.compile(r"[,;:]|\s(?:and|but|so|because|which|while|whichever|before|after|when|until|if|or)\s", re.I)
_NOT_AFTER = frozenset({"still", "also", "even", "always", "all"})  # "isn't still on": not the span's denial
_INVERTS = frozenset({"it", "you", "we", "they", "i", "there"})  # "would it ...": a question
_WORD = re.compile(r"[A-Za-z']+")
# red flags about how an answer is given (vague, generic, no lesson): a denied span is just as vague
_STYLE_FLAG = re.compile(
    r"vague|generic|any company|could apply|lesson|cannot|no structured|without explaining|panics", re.I
)


# the same denials spelled out: a reader trained on one form only learns that form ("isn't" read as contradicting
# everything, "is not" as before; the seventeenth try, README)
_SPELLED = {
    "isn't": "is not", "aren't": "are not", "wasn't": "was not", "weren't": "were not", "can't": "cannot",
    "won't": "will not", "wouldn't": "would not", "shouldn't": "should not", "couldn't": "could not",
    "haven't": "have not", "I'm": "I am", "we're": "we are", "you're": "you are", "they're": "they are",
}  # fmt: skip


def negated_span(text: str, spelled: bool = False) -> str | None:
    """The span said as its own denial, or None where a rule cannot do it cleanly: the first auxiliary of its
    main clause negated ("the file is closed" -> "the file isn't closed", or "is not" where `spelled`; "I'd roll
    it back" -> "I wouldn't roll it back"), only in spans of 3-16 words with no negation, limit or question
    already, and only where that auxiliary comes before any second clause (", and ...", " but ..."), so the denial
    reaches what the span says."""
    n = len(text.split())
    if _DENIES.search(text) or not 3 <= n <= 16:
        return None
    start = 0
    if _LEAD.match(text):
        comma = text.find(",")
        if comma < 0:
            return None
        start = comma + 1
    end = _CLAUSE_END.search(text, start)
    words = [m for m in _WORD.finditer(text, start) if end is None or m.start() < end.start()]
    for k, m in enumerate(words):
        word = m.group(0)
        low = word.lower()
        said = None
        if low in _CONTRACTED_NOT:
            said = _CONTRACTED_NOT[low]
            first = said[:1].upper() if m.start() == 0 or low.startswith("i'") else said[:1].lower()
            said = first + said[1:]
        elif low in _AUX_NOT:
            after = words[k + 1].group(0).lower() if k + 1 < len(words) else ""
            if word[0].isupper() or after in _INVERTS or after in _NOT_AFTER:
                return None
            said = _AUX_NOT[low]
        if said is not None:
            if spelled:
                said = " ".join(_SPELLED.get(w, w) for w in said.split(" "))
            return text[: m.start()] + said + text[m.end() :]
    return None


def negated_pairs(pairs: list[Pair], seed: int = 0) -> list[Pair]:
    """Pairs whose span is said again as its own denial (`negated_span`, contracted or spelled out at random),
    labelled by construction: a span that states a claim contradicts it once denied, and one that does neither
    still does neither; a contradicting span denied is not surely a statement, so it is left out. The written
    pairs never teach what a "not" does to a span on its own: the shipped reader read "the file is not closed" as
    stating "The file is closed" (0.96), and "so the file stays open until the garbage collector gets to it." the
    same way. A span that commits a red flag is left out: denied, it may commit it still ("My gut says it is not
    the network, so I'd start changing the timeouts" still jumps to a cause); so are red flags about how an answer
    is given (vague, generic): a denied generic sentence is just as generic."""
    import random

    rng = random.Random(seed)
    out = []
    for p in pairs:
        if p.label == "contradicts" or p.origin not in ("written", "bank", "semeval"):
            continue
        if p.claim.startswith(FLAG_PREFIX) and (p.label == "states" or _STYLE_FLAG.search(p.claim)):
            continue
        denied = negated_span(p.span, spelled=rng.random() < 0.5)
        if denied is not None:
            out.append(Pair(denied, p.claim, "contradicts" if p.label == "states" else "neither", p.item, "negated"))
    return out


def sibling_pairs(items: list[ItemPairs], per_span: int, seed: int) -> list[Pair]:
    """(span, sibling key point, "not-states") pairs, labelled by construction: a span written as getting one key
    point wrong, or as committing one of the item's red flags, is read against `per_span` other key points of the
    same item, and states none of them ("If it's too big, maybe split the file into smaller ones in Excel first."
    had read 0.89-0.95 as stating every point of the CSV question). Contradicts or neither, the construction does
    not say, so the loss only takes probability away from "states" (`train.pair_loss`)."""
    import random

    rng = random.Random(seed)
    out = []
    for it in items:
        points = [cp for cp in it.checks if cp.kind == "key_point"]
        for cp in it.checks:
            wrong = cp.contradicts if cp.kind == "key_point" else cp.states
            others = [o for o in points if o.id != cp.id]
            for span in wrong if others else []:
                for o in rng.sample(others, min(per_span, len(others))):
                    out.append(Pair(span, o.claim, NOT_STATES, it.item, "sibling"))  # type: ignore[arg-type]
    return out


# --- pairs from the labelled answers (`evals/`) --------------------------------------------------------------
NOT_STATES = "not-states"  # a partial label: contradicts or neither, which one the gold labels do not say
ANSWER_SPANS_PER_CLAIM = 3  # per (answer, claim): the spans nearest the claim, the ones the scorer would weigh


def reader_half(question_id: str) -> str:
    """The dev questions in two halves, fixed by a hash of the id: the answers of half `a` train the reader, those of
    half `b` choose between readers (the test questions are never read)."""
    import hashlib

    return "b" if int(hashlib.sha256(("reader:" + question_id).encode()).hexdigest(), 16) % 2 else "a"


def answer_pairs(
    labelled: list[Labelled], bank: Bank, embed: Callable[[list[str]], Any], per_claim: int = ANSWER_SPANS_PER_CLAIM
) -> list[Pair]:
    """(span, claim, "not-states") pairs from labelled answers, by the rule the gold labels imply: no sentence or
    clause of an answer states a key point the answer is labelled as missing, or a red flag it is not labelled with,
    and no verbatim wrong span (`wrong_spans`) states any key point of its question. Which of contradicts or neither
    it is, the labels do not say, so the loss only takes probability away from "states" (`train.fit`). Spans are
    cut as the scorer cuts answers (`text.sentences`); for each claim the `per_claim` nearest by cosine, the ones
    the scorer weighs. Written after the reader quoted wrong sentences of real answers as evidence (28 on the test
    split) and read same-topic sentences as red flags ("I use a context manager whenever something has to be
    cleaned up" as "suggests try/finally or manual close() everywhere", 0.96)."""
    import numpy as np

    from interviewer.scoring.text import sentences

    checks: dict[str, list[tuple[str, BankCheck]]] = {item: cs for item, _, cs in bank_items(bank)}
    out: list[Pair] = []
    for a in labelled:
        item = a.question_id
        own = list(checks.get(item, []))
        if "/" in item:  # a scenario stage: the scenario's own red flags apply too
            own += checks.get(item.split("/")[0], [])
        if not own or a.gold.unscored_reason:
            continue
        spans = list(dict.fromkeys(s.text for s in sentences(a.answer)))
        if not spans:
            continue
        claims = []
        for kind, c in own:
            if (kind == "key_point" and a.gold.key_points.get(c.id) == "missing") or (
                kind == "red_flag" and c.id not in a.gold.red_flags
            ):
                claims.append(claim_text(c.text, kind))
        if claims:
            sv, cv = embed(spans), embed(claims)
            sims = cv @ sv.T
            for ci, claim in enumerate(claims):
                for si in np.argsort(-sims[ci])[:per_claim]:
                    out.append(Pair(spans[si], claim, NOT_STATES, item, "eval"))  # type: ignore[arg-type]
        wrong = [w for w in a.wrong_spans if w.strip()]
        for kind, c in own:
            if kind == "key_point":
                out += [Pair(w, claim_text(c.text, kind), NOT_STATES, item, "eval") for w in wrong]  # type: ignore[arg-type]
    return list({(p.span, p.claim): p for p in out}.values())


@dataclass(frozen=True)
class Group:
    """Spans of one answer of which at least one states `claim` (which one, the gold labels do not say)."""

    spans: tuple[str, ...]
    claim: str
    item: str


def answer_groups(
    labelled: list[Labelled], bank: Bank, embed: Callable[[list[str]], Any], per_claim: int = 4
) -> list[Group]:
    """For every key point an answer is labelled as covering, and every red flag it is labelled with, the
    `per_claim` spans nearest the claim: one of them (or more) states it. Beside `answer_pairs`, which only take
    "states" away, these give it where the gold labels say it is due."""
    import numpy as np

    from interviewer.scoring.text import sentences

    checks: dict[str, list[tuple[str, BankCheck]]] = {item: cs for item, _, cs in bank_items(bank)}
    out: list[Group] = []
    for a in labelled:
        item = a.question_id
        own = list(checks.get(item, [])) + (checks.get(item.split("/")[0], []) if "/" in item else [])
        spans = list(dict.fromkeys(s.text for s in sentences(a.answer)))
        if not own or not spans or a.gold.unscored_reason or a.gold.injection:
            continue
        claims = [
            claim_text(c.text, kind)
            for kind, c in own
            if (kind == "key_point" and a.gold.key_points.get(c.id) == "covered")
            or (kind == "red_flag" and c.id in a.gold.red_flags)
        ]
        if claims:
            sims = embed(claims) @ embed(spans).T
            for ci, claim in enumerate(claims):
                near = tuple(spans[si] for si in np.argsort(-sims[ci])[:per_claim])
                out.append(Group(near, claim, item))
    return out
