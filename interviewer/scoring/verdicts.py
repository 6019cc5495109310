"""Which span states which key point, which states its opposite, and which commits a red flag.

The contrastive rubric is read as labelled examples. Every span is measured against both sides: the nearest of the
key points' statements (text and phrasings) on the right side, the nearest misconception or red-flag phrasing on
the wrong side, each by cosine plus the share of the span's words that only that side uses. Beside that, a span that
names a point only to reject it ("streaming isn't needed") is wrong, and so is one the claim grader reads as stating
a point's opposite where the point has no written misconceptions (a reference answer's own claims).

Wrong spans are quoted as red flags or contradictions and are never evidence for any point; every other span
covers the points it is close enough to. So a span that counts against a point can never count for it, and a quote
is always about its point.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from interviewer.scoring.formula import Params
from interviewer.scoring.grader import Grader, pair_features
from interviewer.scoring.matching import UNSURE, cue_hits
from interviewer.scoring.pairs import content, key_terms, negations, rejects
from interviewer.scoring.reader.dataset import claim_text
from interviewer.scoring.rubric import Check
from interviewer.scoring.text import Span

Embed = Callable[[list[str]], np.ndarray]
MIN_COS = 0.2  # below this a pair is about something else; the grader is not asked
CUE_BOOST = 0.1  # per cue (at most 2) when choosing a check's best span
SHORT_SPAN = 5  # words: a shorter span can make a point only in part
BOTH = 0.05  # a wrong span about as near a red flag as a misconception is quoted as both
RESCUE_SPANS = 4  # a missing point is read against this many of its nearest free spans
INSTEAD = re.compile(r"\b(?:instead of|rather than)\b", re.I)
WITHOUT = re.compile(r"\bwithout\b", re.I)


def denies(text: str) -> bool:
    """A negation, or "instead of": "Files follow-up tasks instead of blocking merges" denies something."""
    return bool(negations(text) or INSTEAD.search(text))


@dataclass(frozen=True)
class Grades:
    """Per (span, check): nearest-side cosines, the grader's reading, cues and rejection."""

    states: np.ndarray  # P(states it) against the best statement
    against: np.ndarray  # P(states its opposite), against the statements
    cos_right: np.ndarray  # nearest statement (text or phrasing)
    cos_wrong: np.ndarray  # nearest misconception (0 without any)
    rejected: np.ndarray  # the span names the check only to reject it
    cues: np.ndarray  # cue words present, not negated
    has_wrong: np.ndarray  # per check: does it have misconceptions
    states_wrong: np.ndarray  # P(states it) against the best misconception
    lex_right: np.ndarray  # share of the span's words found only on the check's right side
    lex_wrong: np.ndarray  # ... only on its wrong side (misconceptions; for a red flag, its own phrasings)


def grade(spans: list[Span], span_vecs: np.ndarray, checks: tuple[Check, ...], question: str,
          embed: Embed, grader: Grader, exclude: frozenset[str] = frozenset()) -> Grades:  # fmt: skip
    """`exclude`: words that never count as one side's own (for red flags: the key points' words)."""
    n, m = len(spans), len(checks)
    z = np.zeros((n, m))
    states, against, cos_right, cos_wrong, cues = z.copy(), z.copy(), z.copy(), z.copy(), z.copy()
    states_wrong, lex_right, lex_wrong = z.copy(), z.copy(), z.copy()
    rejected = np.zeros((n, m), dtype=bool)
    has_wrong = np.asarray([bool(c.misconceptions) for c in checks], dtype=float)
    if n == 0:
        return Grades(
            states, against, cos_right, cos_wrong, rejected, cues, has_wrong, states_wrong, lex_right, lex_wrong
        )
    cos_q = span_vecs @ embed([question])[0]
    for j, check in enumerate(checks):
        right = check.statements
        sims_r = span_vecs @ embed(list(right)).T
        cos_right[:, j] = sims_r.max(axis=1)
        sims_w = span_vecs @ embed(list(check.misconceptions)).T if check.misconceptions else np.zeros((n, 0))
        if check.misconceptions:
            cos_wrong[:, j] = sims_w.max(axis=1)
        terms = key_terms(check.cues, check.text, question)
        says_no = rejects(check.text, terms)  # "threads do not speed up CPU-bound work": a negation that agrees
        said_right = frozenset().union(*(content(t) for t in right))
        said_wrong = (
            frozenset().union(*(content(t) for t in check.misconceptions)) if check.misconceptions else frozenset()
        )
        only_right, only_wrong = said_right - said_wrong - exclude, said_wrong - said_right
        rows, where = [], []
        for i, span in enumerate(spans):
            words_ = content(span.text)
            if words_:
                lex_right[i, j] = len(words_ & only_right) / len(words_)
                lex_wrong[i, j] = len(words_ & only_wrong) / len(words_)
            rejected[i, j] = rejects(span.text, terms) and not says_no
            cues[i, j] = min(2, cue_hits(check, span.text)) if check.cues else 0
            for side, texts, sims in ((0, right, sims_r), (1, check.misconceptions, sims_w)):
                for k, text in enumerate(texts):
                    if sims[i, k] >= MIN_COS:
                        rows.append(pair_features(span.text, text, question, float(sims[i, k]), float(cos_q[i])))
                        where.append((i, side))
        if rows:
            for (i, side), pr in zip(where, grader.proba(np.asarray(rows)), strict=True):
                if side:
                    states_wrong[i, j] = max(states_wrong[i, j], pr[0])
                    continue
                states[i, j] = max(states[i, j], pr[0])
                against[i, j] = max(against[i, j], pr[2])
    return Grades(states, against, cos_right, cos_wrong, rejected, cues, has_wrong, states_wrong, lex_right, lex_wrong)


@dataclass(frozen=True)
class PointVerdict:
    verdict: str  # covered | partial | missing
    span: Span | None
    strength: float
    contradiction: Span | None
    unclear: Span | None = None  # on the point's topic, but the answer reader reads it the other way
    close: Span | None = None  # not credited by the rules, but the answer reader reads it as making the point


# --- nearest side: the contrastive rubric read as labelled examples ----------------------------------------
@dataclass(frozen=True)
class Reading:
    """What the answer's spans say, read against the whole rubric at once."""

    flags: list[int | None]  # per red flag: the span that commits it
    wrong: list[int | None]  # per key point: the span that states its opposite
    barred: set[int]  # spans that state something wrong: never evidence for a point
    points: list[PointVerdict]


def read_spans(spans: list[Span], kg: Grades, fg: Grades, p: Params) -> Reading:
    """Each span is judged by which side of the rubric it is nearest: a statement of some key point (right), or a
    misconception of some point or a phrasing of some red flag (wrong). A span that names a point only to reject
    it, while on that point's topic, is wrong too. Wrong spans are quoted as red flags or contradictions and are
    never evidence; the others cover the points they are close enough to."""
    n, m, f = len(spans), kg.cos_right.shape[1], fg.cos_right.shape[1]
    lam, gr = p.lexical, p.grader_side
    right_side = kg.cos_right + lam * kg.lex_right + CUE_BOOST * np.minimum(kg.cues, 2) + gr * kg.states
    wrong_side = kg.cos_wrong + lam * kg.lex_wrong + gr * kg.states_wrong
    good = right_side.max(axis=1) if m else np.zeros(n)
    mis = wrong_side.max(axis=1) if m else np.zeros(n)
    flag_side = fg.cos_right + lam * fg.lex_right + gr * fg.states if f else np.zeros((n, 0))
    flag = flag_side.max(axis=1) if f else np.zeros(n)
    bad = np.maximum(mis, flag)
    on_topic = kg.cos_right >= p.topic
    flipped = on_topic & (kg.has_wrong == 0) & (kg.against >= p.polarity) & (kg.against > kg.states)
    # a rejection counts on the point the span is nearest: "threads don't speed up CPU work" states one point
    # in agreement, and is not a rejection of the neighbouring "use processes for CPU work"
    nearest = np.zeros((n, m), dtype=bool)
    if m:
        nearest[np.arange(n), right_side.argmax(axis=1)] = True
    rejected = ((kg.rejected & on_topic & nearest) | flipped).any(axis=1) if m else np.zeros(n, dtype=bool)
    near_bad = (bad >= p.wrong) & (bad > good + p.side_margin)
    barred = {i for i in range(n) if near_bad[i] or rejected[i]}
    flags: list[int | None] = [None] * f
    wrong: list[int | None] = [None] * m
    for i in sorted(barred, key=lambda i: -bad[i]):
        if near_bad[i] and f and flag[i] >= max(p.wrong, mis[i] - BOTH):
            named = (fg.cues[i] > 0) & (fg.cos_right[i] >= p.flag_cue_sim) & ~fg.rejected[i]  # its own words, too
            for k in np.flatnonzero((flag_side[i] >= max(p.wrong, flag[i] - BOTH)) | named):
                if flags[int(k)] is None:
                    flags[int(k)] = i
            if flag[i] > mis[i] + BOTH:
                continue  # a red flag, and not a misconception of any point
        if not m or (near_bad[i] and mis[i] < p.wrong and not rejected[i]):
            continue
        j = (
            int(np.argmax(np.where((kg.rejected[i] & nearest[i]) | flipped[i], kg.cos_right[i], -1.0)))
            if rejected[i]
            else int(np.argmax(wrong_side[i]))
        )
        if wrong[j] is None:
            wrong[j] = i
    for i in range(n):  # a cue said plainly, with the meaning close: the red flag's own words
        if i in barred or not f:
            continue
        for j in range(f):
            if flags[j] is None and fg.cues[i, j] and fg.cos_right[i, j] >= p.flag_cue_sim and not fg.rejected[i, j]:
                flags[j] = i
                barred.add(i)
    contras = [spans[w] if w is not None else None for w in wrong]
    points = [point_verdict(j, spans, kg, p, barred, contras[j]) for j in range(m)]
    return Reading(flags, wrong, barred, points)


def point_verdict(
    j: int, spans: list[Span], kg: Grades, p: Params, barred: set[int], contra: Span | None
) -> PointVerdict:
    """Point `j` by the rules: its best span by cosine (and cues) among those not barred and nearer the point than
    its misconceptions, covered or partial by how close, and partial at best beside a contradiction."""
    lam, gr = p.lexical, p.grader_side
    cue = CUE_BOOST * np.minimum(kg.cues[:, j], 2)
    right = kg.cos_right[:, j] + lam * kg.lex_right[:, j] + cue + gr * kg.states[:, j]
    wrong = kg.cos_wrong[:, j] + lam * kg.lex_wrong[:, j] + gr * kg.states_wrong[:, j]
    best: tuple[float, int] | None = None
    for i in range(len(spans)):
        if i in barred or wrong[i] > right[i]:  # barred, or nearer this point's misconceptions than the point
            continue
        score = kg.cos_right[i, j] + CUE_BOOST * min(kg.cues[i, j], 2)
        if best is None or score > best[0]:
            best = (score, i)
    if best is None or best[0] < p.partial:
        return PointVerdict("missing", None, 0.0, contra)
    score, i = best
    short = len(spans[i].text.split()) < SHORT_SPAN  # "Token bucket in Redis." names it; it does not explain it
    verdict = "covered" if score >= p.covered and not short and not UNSURE.search(spans[i].text) else "partial"
    if verdict == "covered" and contra is not None:
        verdict = "partial"
    return PointVerdict(verdict, spans[i], float(min(1.0, score)), contra)


# --- the answer reader's second opinion ----------------------------------------------------------------------
Read = Callable[[list[str], list[str]], np.ndarray]  # zipped (span, claim) pairs -> rows of P(states, contra, neither)


def second_opinion(
    reading: Reading, spans: list[Span], kg: Grades, key_points: tuple[Check, ...], red_flags: tuple[Check, ...],
    p: Params, reader: Read, context: list[str] | None = None, flag_cos: np.ndarray | None = None,
) -> Reading:  # fmt: skip
    """The answer reader (`scoring/reader/`) reads each verdict's own span against its claim, and overrules it:
    - a span quoted as covering a point that the reader says contradicts it is not evidence (the point is missing),
      and when the reader is sure (`convict`), it is quoted as that point's contradiction (for a bank point: where
      the span covers several points, `veto_shared`, or earns only "partial", `veto_partial`);
    - a point covered by evidence the reader almost surely reads as not stating it is partial (`soft_cover`);
    - a contradiction the reader says states the point, or does not say contradicts it (`contra_min`), is dropped
      (no false accusation);
    - a red flag whose span the reader says says the right thing (contradicts the flag), or does not say makes it
      (`flag_min`), is dropped;
    - a red flag whose span the reader reads as hardly the flag is quoted from a span it reads surely as the flag,
      where there is one about as near the flag (`flag_moves`);
    - a point left missing is read against its nearest spans that count for nothing else, and one the reader says
      states it covers it (`rescue`): the plain-words paraphrase that cosine does not recognise; one it is sure
      contradicts it (`convict`) is quoted as the point's contradiction, and is then evidence for nothing; a span it
      reads as stating more than `rescue_max` missing points at once, or (for a rescue) as committing a red flag
      (`rescue_flag`), proves none of them, and is not offered as a hint either;
    - a point's evidence the reader says does not state it covers nothing, unless a nearby span it says does states
      it (`cover_min`, `cover_alt`), and a contradiction beside evidence it reads as a plain statement of the point is
      dropped (`veto_stated`); both off for now (README, "Eighth try").
    An accusation (a red flag, a contradiction) quoted from a clause of a longer sentence must also stand when the
    reader reads the whole sentence (`context`, one per span; `veto_context`): "I'd count with a Counter" reads as
    the unbounded counter red flag, but not with the rest of its sentence, "..., and if there are too many distinct
    IPs I'd hash them into partition files".
    A point taken from a reference answer's own sentences (`derived`) has no misconceptions or cues for the rules to
    read, so it has settings of its own (`Params.ref`)."""
    asks: list[tuple[str, int, int]] = []  # (what, check, span); only what some setting can act on is read
    on_flag = min(p.veto_flag, p.veto_flag_negated, p.veto_context) <= 1 or p.flag_min > 0
    shared = Counter(v.span.start for v in reading.points if v.span is not None and v.verdict != "missing")
    for j, v in enumerate(reading.points):
        q = p.ref if key_points[j].derived else p
        if v.span is not None and v.verdict != "missing":
            many = shared[v.span.start] >= 2 and not key_points[j].derived
            partial = v.verdict == "partial" and p.veto_partial <= 1 and not key_points[j].derived
            soft = v.verdict == "covered" and p.soft_cover > 0 and not key_points[j].derived
            if min(q.veto_cover, q.convict) <= 1 or (many and p.veto_shared <= 1) or partial or q.cover_min > 0 or soft:
                asks.append(("shared" if many else "cover", j, spans.index(v.span)))
            if q.cover_min > 0:  # where the reader reads the evidence as not saying it: which span does?
                near = [int(i) for i in np.argsort(-kg.cos_right[:, j]) if i not in reading.barred]
                near = [i for i in near[:RESCUE_SPANS] if spans[i] != v.span and kg.cos_right[i, j] >= MIN_COS]
                asks += [("alt", j, i) for i in near]
        if v.contradiction is not None and v.span is not None and v.span != v.contradiction and q.veto_stated <= 1:
            asks.append(("stated", j, spans.index(v.span)))
        if v.contradiction is not None:
            if min(q.veto_contra, p.veto_contra_negated, p.veto_context_contra) <= 1 or q.contra_min > 0:
                asks.append(("contra", j, spans.index(v.contradiction)))
        elif v.verdict == "missing" and min(q.rescue, q.convict, p.close) <= 1:
            free = [i for i in np.argsort(-kg.cos_right[:, j]) if i not in reading.barred]
            floor = max(MIN_COS, q.rescue_cos)
            asks += [("rescue", j, int(i)) for i in free[:RESCUE_SPANS] if kg.cos_right[i, j] >= floor]
        if key_points[j].derived and p.ref.block <= 1:
            near = [int(i) for i in np.argsort(-kg.cos_right[:, j])[:RESCUE_SPANS] if kg.cos_right[i, j] >= MIN_COS]
            asks += [("block", j, i) for i in near]
    for k, i in enumerate(reading.flags):
        if i is not None and on_flag:
            asks.append(("flag", k, i))
    if not asks:
        return reading
    claims = [
        claim_text(red_flags[j].text, "red_flag") if what == "flag" else key_points[j].text for what, j, _ in asks
    ]
    probs = reader([spans[i].text for _, _, i in asks], claims)
    whole = []  # accusations quoted from a clause: read again with the whole sentence
    if context is not None and min(p.veto_context, p.veto_context_contra) <= 1:
        whole = [(k, context[i]) for k, (what, _, i) in enumerate(asks) if what in ("flag", "contra")]
        whole = [(k, text) for k, text in whole if text != spans[asks[k][2]].text]
    in_context: dict[int, np.ndarray] = {}
    if whole:
        read_whole = reader([t for _, t in whole], [claims[k] for k, _ in whole])
        in_context = {k: row for (k, _), row in zip(whole, read_whole, strict=True)}
    points, flags, barred = list(reading.points), list(reading.flags), set(reading.barred)
    rescued: dict[int, tuple[float, int]] = {}
    rescuers: Counter[int] = Counter()  # span -> how many missing points the reader reads it as stating
    close: dict[int, tuple[float, int]] = {}  # point -> a free span the reader reads as stating it (`close`)
    blocked: dict[int, tuple[float, int]] = {}  # point -> the surest span that says its opposite
    said: dict[tuple[int, int], float] = {}  # (point, span) -> P(states), for every pair read
    alt: dict[int, tuple[float, int]] = {}  # point -> the span the reader reads as stating it, beside its evidence
    unsaid: set[int] = set()  # points whose evidence the reader reads as not saying them (`cover_min`)
    stated: dict[int, float] = {}  # point -> P(states) on its evidence, read as plain (`veto_stated`)
    accused: dict[int, float] = {}  # point -> P(contradicts) on its contradiction's span
    cleared: dict[int, tuple[float, int]] = {}  # point -> its dropped contradiction's span, read as stating it
    unsure_flags: list[int] = []  # red flags whose quote the reader reads as hardly the flag (`flag_moves`)
    for k, ((what, j, i), (st, co, ne)) in enumerate(zip(asks, probs, strict=True)):
        said[(j, i)] = float(st)
        cst, cco, _ = in_context.get(k, (0.0, 0.0, 1.0))  # the whole sentence's reading, for accusations
        if what == "alt":
            if st >= (p.ref if key_points[j].derived else p).cover_alt and st > co and st > alt.get(j, (0.0, -1))[0]:
                alt[j] = (float(st), i)
            continue
        if what == "stated":
            if st >= (p.ref if key_points[j].derived else p).veto_stated and st > co:
                stated[j] = float(st)
            continue
        if what == "block":
            if co >= p.ref.block and co > st and co > blocked.get(j, (0.0, -1))[0]:
                blocked[j] = (float(co), i)
            continue
        if what == "flag":
            # a "never" in the sentence, against a flag with none ("Never verifies a change..." said back agrees)
            flag_text = WITHOUT.sub("", red_flags[j].text) if p.flag_without_plain else red_flags[j].text
            negated = negations(spans[i].text) and not negations(flag_text)
            veto = p.veto_flag_negated if negated else p.veto_flag
            in_whole = cco >= p.veto_context and cco > cst
            if (co >= min(p.veto_flag, veto) and co > st) or st < p.flag_min or in_whole:
                flags[j] = None
            elif st < p.flag_moves:
                unsure_flags.append(j)
            continue
        v, q = points[j], p.ref if key_points[j].derived else p
        if what == "contra":
            accused[j] = float(co)
            # a "never" in the span against a point with none ("I never let a task charge twice without checking"
            # for "makes tasks idempotent"); with a negation on both sides the span may deny the point's own denial
            negated = negations(spans[i].text) and not (p.contra_claim_plain and denies(key_points[j].text))
            veto = min(q.veto_contra, p.veto_contra_negated) if negated else q.veto_contra
            if (st >= veto and st > co) or co < q.contra_min or (cst >= p.veto_context_contra and cst > cco):
                points[j] = PointVerdict(v.verdict, v.span, v.strength, None)
                if st >= veto and st > co:
                    cleared[j] = (float(st), i)
        elif co >= q.convict and co > st and v.contradiction is None:  # said in the point's words, the wrong way
            points[j] = PointVerdict("missing", None, 0.0, spans[i])
            barred.add(i)
        elif (
            what in ("cover", "shared")
            and co
            >= min(
                p.veto_shared if what == "shared" else 1.1,
                p.veto_partial if v.verdict == "partial" and not key_points[j].derived else 1.1,
                q.veto_cover,
            )
            and co > st
            and kg.cos_right[i, j] < q.veto_sure
            and (q.veto_negations or not (negations(spans[i].text) and negations(key_points[j].text)))
        ):
            points[j] = PointVerdict("missing", None, 0.0, v.contradiction, spans[i])
        elif what in ("cover", "shared") and st < q.cover_min and kg.cos_right[i, j] < q.veto_sure:
            unsaid.add(j)  # on its topic, but it does not say it
        elif (
            what in ("cover", "shared")
            and v.verdict == "covered"
            and st < p.soft_cover
            and ne > co  # read as unsaid; a span read as the opposite is the cover veto's to judge (`veto_negations`)
            and not key_points[j].derived
            and kg.cos_right[i, j] < p.veto_sure
        ):
            points[j] = PointVerdict("partial", v.span, v.strength, v.contradiction)
        elif what == "rescue" and st >= q.rescue and st > co and st > rescued.get(j, (0.0, -1))[0]:
            rescued[j] = (float(st), i)
        if what == "rescue" and st >= min(q.rescue, p.close) and st > co and not key_points[j].derived:
            rescuers[i] += 1
        if what == "rescue" and st >= p.close and st > co and st > close.get(j, (0.0, -1))[0]:
            close[j] = (float(st), i)
    if unsure_flags:
        _move_flags(unsure_flags, points, flags, barred, spans, red_flags, p, reader, flag_cos)
    for j in unsaid:
        v = points[j]
        if v.span is None or v.verdict == "missing":
            continue
        if j in alt and alt[j][1] not in barred:
            st, i = alt[j]
            short = len(spans[i].text.split()) < SHORT_SPAN or UNSURE.search(spans[i].text)
            points[j] = PointVerdict("partial" if short else v.verdict, spans[i], st, v.contradiction)
        else:
            points[j] = PointVerdict("missing", None, 0.0, v.contradiction)
    for j, st in stated.items():  # stated plainly by its evidence: a clause read the other way is no accusation
        v = points[j]
        if p.stated_relative and st <= accused.get(j, 1.0):
            continue
        if v.contradiction is not None and v.span is not None and v.verdict != "missing":
            i = spans.index(v.span)
            plain = len(v.span.text.split()) >= SHORT_SPAN and not UNSURE.search(v.span.text)
            sure = v.verdict == "covered" or (
                plain and kg.cos_right[i, j] + CUE_BOOST * min(kg.cues[i, j], 2) >= p.covered
            )
            points[j] = PointVerdict("covered" if sure else v.verdict, v.span, v.strength, None)
    if p.credit_cleared:  # a contradiction dropped because its span states the point: that span is its evidence
        accusing = {i for i in flags if i is not None} | {
            spans.index(v.contradiction) for v in points if v.contradiction is not None
        }
        for j, (st, i) in cleared.items():
            if i in accusing:
                continue
            barred.discard(i)
            near = kg.cos_right[i, j] + CUE_BOOST * min(kg.cues[i, j], 2)  # on its topic, as the rules want
            if points[j].verdict == "covered" or near < p.partial:
                continue
            plain = len(spans[i].text.split()) >= SHORT_SPAN and not UNSURE.search(spans[i].text)
            points[j] = PointVerdict("covered" if plain and near >= p.covered else "partial", spans[i], st, None)
    for j, v in enumerate(points):  # a span now read as wrong is evidence for nothing
        if v.span is not None and spans.index(v.span) in barred and v.verdict != "missing":
            points[j] = PointVerdict("missing", None, 0.0, v.contradiction, v.span)
    # a span the reader reads as stating many missing points proves none of them (nor is it a hint), and one it
    # also reads as committing a red flag is no proof for a rescue (`rescue_max`, `rescue_flag`)
    vague = {i for i, n in rescuers.items() if n > p.rescue_max}
    proofs = {i for j, (_, i) in rescued.items() if not key_points[j].derived} - vague
    wrong_sounding: set[int] = set()
    if red_flags and p.rescue_flag <= 1 and proofs:
        cand = sorted(proofs)
        texts = [claim_text(f.text, "red_flag") for f in red_flags]
        got = reader([spans[i].text for i in cand for _ in texts], texts * len(cand))
        wrong_sounding = {
            i for n, i in enumerate(cand) if got[n * len(texts) : (n + 1) * len(texts), 0].max() >= p.rescue_flag
        }
    for j, (st, i) in rescued.items():
        if (i in vague or i in wrong_sounding) and not key_points[j].derived:
            continue
        if i not in barred and points[j].verdict == "missing" and points[j].contradiction is None:
            short = len(spans[i].text.split()) < SHORT_SPAN or UNSURE.search(spans[i].text)
            points[j] = PointVerdict("partial" if short else "covered", spans[i], st, None)
    for j, (_, i) in close.items():  # no credit, but no "add this point" for what the candidate may have said
        v = points[j]
        if i in vague and not key_points[j].derived:
            continue
        if v.verdict == "missing" and v.contradiction is None and v.unclear is None and i not in barred:
            points[j] = PointVerdict("missing", None, 0.0, None, None, spans[i])
    for j, (co, i) in blocked.items():  # another span's say-so cannot outweigh a plain statement of the opposite
        e = points[j].span
        if p.ref.block_relative and e is not None and co <= said.get((j, spans.index(e)), 0.0):
            continue
        points[j] = PointVerdict("missing", None, 0.0, points[j].contradiction, spans[i])
    return Reading(flags, reading.wrong, barred, points)


def _move_flags(
    which: list[int], points: list[PointVerdict], flags: list[int | None], barred: set[int], spans: list[Span],
    red_flags: tuple[Check, ...], p: Params, reader: Read, flag_cos: np.ndarray | None,
) -> None:  # fmt: skip
    """A red flag the rules raise on a span the reader reads as hardly the flag (`flag_moves`) is quoted from the
    answer's span the reader reads surely as the flag (`flag_sure`), if there is one; that span is then evidence for
    nothing. "Bypasses the fraud check on their own authority" had quoted "Right now every payment is hanging on the
    fraud API" (the reader: 0.13), beside "Then I'd just disable the fraud check myself with the feature flag" (0.97),
    which covered the point that asks for product sign-off."""
    others = [i for i in range(len(spans)) if i not in flags]
    if not others:
        return
    claims = [claim_text(red_flags[k].text, "red_flag") for k in which]
    probs = reader([spans[i].text for _ in which for i in others], [c for c in claims for _ in others])
    probs = probs.reshape(len(which), len(others), 3)
    for k, rows in zip(which, probs, strict=True):
        best = int(np.argmax(rows[:, 0]))
        st, co = float(rows[best, 0]), float(rows[best, 1])
        i, was = others[best], flags[k]
        near = flag_cos is None or was is None or flag_cos[i, k] >= flag_cos[was, k] - p.flag_move_cos
        if st < p.flag_sure or st <= co or i in flags or not near:
            continue
        flags[k] = i
        barred.add(i)
        for j, v in enumerate(points):
            if v.span is not None and v.span == spans[i]:
                points[j] = PointVerdict("missing", None, 0.0, v.contradiction)
