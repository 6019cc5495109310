"""The score formula and its constants. Every constant was calibrated on the dev split only
(`python -m interviewer.evals.calibrate`); the test split is never used to choose them.

    coverage  = sum(weight * v) / sum(weight), v = 1 covered, 0.5 partial, 0 missing (a contradicted point is missing)
    structure = STAR parts / 4                           behavioural questions, else 0
    score     = base + w_coverage * coverage + w_structure * structure + w_specificity * specificity
                - red_flag_penalty * (red flags + contradictions + 2 for a prompt-injection attempt)
                - hedge_penalty * min(1, hedges per 50 words)
    clamped to 0..10 and rounded to one decimal; bands: strong >= 7.5 > adequate >= 5 > weak >= 2.5 > poor.

How many rubric words an answer uses ("substance") is reported but not scored: an answer that names the right
things while saying the wrong ones about them must not gain from it. Verdicts come from the claim grader
(`grader.py`, `verdicts.py`) with the matching thresholds below.

Without key points (free text with no reference answer and no close bank entry) the generic rubric applies:
    score = 10 * (0.45 * structure + 0.45 * specificity + 0.10 * fluency), fluency = 1 - min(1, filler_rate / 10)
"""

from __future__ import annotations

from dataclasses import dataclass

VERDICT_VALUE = {"covered": 1.0, "partial": 0.5, "missing": 0.0}


@dataclass(frozen=True)
class Second:
    """The answer reader's settings on points taken from a reference answer (`Check.derived`): no misconceptions,
    cues or phrasings for the rules to read, so the reader decides. Chosen on the dev split's technical questions
    scored against their reference answer alone (`python -m interviewer.evals.calibrate --reference`): Spearman
    against gold 0.19 without the reader, 0.62 with it; AUC (adequate or better) 0.56, then 0.86; confidently wrong
    answers above 3.5: 11 of 18, then 6; contradictions quoted on sound answers: 9, then 3. Quoting a span the
    reader reads as the opposite (`convict`) is off: it accused right answers said in unfamiliar words.
    2026-12-05: `block` (a point some span plainly contradicts is covered by no other span) was built after
    "Nothing is guaranteed: an exception skips __exit__, so you have to close the file yourself in a finally
    block." scored 10/10 from its second clause. With sound answers below 3.5 now counted as much as wrong ones
    above it, the dev search chose block 0.9 (relative): dev Spearman 0.615 to 0.620, confidently wrong above 3.5
    6 to 4. On test it trades one error for the other (confidently wrong 9 to 6, sound answers below 3.5 3 to 6,
    Spearman 0.701 to 0.687, under its floor of 0.69), so it is off: the reader's polarity on claims from outside
    the bank is not yet good enough to take credit away on its word. The same search also moved veto_cover to 0.8,
    which is worse on test with block off as well (Spearman 0.680), so veto_cover stays 0.7."""

    veto_cover: float = 0.7
    veto_contra: float = 1.1
    convict: float = 1.1
    rescue: float = 0.6
    contra_min: float = 0.3
    veto_stated: float = 1.1  # off (as `Params.veto_stated`)
    cover_min: float = 0.0  # off (as `Params.cover_min`)
    cover_alt: float = 0.5
    rescue_cos: float = 0.2  # any span the rules read (as `Params.rescue_cos`)
    veto_sure: float = 1.1  # off: a reference sentence has no phrasings of its own to be near-verbatim to
    veto_negations: bool = True  # as chosen for reference points before the exemption existed
    block: float = 1.1  # off (see above). P(contradicts) at least this (and above P(states)) on any of the point's
    # nearest spans: no span covers the point ("the exit method is skipped, so you close the file yourself" does
    # not earn "the resource is released" from its second clause)
    block_relative: bool = True  # ... and only when surer than the reader is that the evidence states the point


@dataclass(frozen=True)
class Params:
    # matching: cosines to the nearest statement / misconception of a check, and the grader's polarity
    covered: float = 0.55  # nearest statement at least this close: "covered"
    partial: float = 0.45  # ... or this close: "partial" (so a partial quote is always about its point)
    topic: float = 0.4  # on the point's topic, for a polarity flip to count as a contradiction
    polarity: float = 0.4  # P(opposite) from the grader needed for that flip
    contradicts: float = 0.55  # nearest misconception at least this close (and closer than any statement)
    grader_side: float = 0.0  # weight of the claim grader's P(states it) on each side
    lexical: float = 0.5  # weight of side-specific words beside the cosine when judging which side a span is on
    wrong: float = 0.7  # a span this close to a misconception or red flag, and nearer it than any statement, is wrong
    side_margin: float = 0.03  # how much closer to the right side a span must be to count for a point
    flag: float = 0.6  # nearest phrasing of a red flag at least this close
    flag_cue_sim: float = 0.35  # ... or a cue present and the span at least this close to the red flag
    # the answer reader's second opinion on each verdict's own span (`verdicts.second_opinion`); above 1 (or 0 for
    # the two minimums): off. For the bank's own points all are off: every setting tried (2026-12-05, README "The
    # answer reader") costs an eval floor somewhere, so their verdicts are the rules'. Points taken from a reference
    # answer have settings of their own (`ref`, on).
    veto_cover: float = 1.1  # P(contradicts) at least this (and above P(states)): the span covers nothing
    # ... unless the span is this close to one of the point's own statements: a candidate who says the point in the
    # bank's words is never told it is unclear (the readers misread some such sentences: "I'd leave formatting and
    # style nitpicks to linters/formatters." read 0.94 contradicts against the point that says just that)
    veto_sure: float = 1.1
    # ... nor a span with a negation against a point with one ("I'm careful never to put emails in the logs" for
    # "avoids logging PII"): on held-out pairs where both carry one, the reader's "contradicts" (from 0.8) is right
    # 78% of the time, against 85-92% elsewhere
    veto_negations: bool = False
    # ... but a span the rules quote as the evidence of two or more points is read for each of them, and it covers
    # none where P(contradicts) is at least this and above P(states). One sentence proving three points is the
    # false praise the reader is for ("threads ... run Python code in parallel on all the cores" was proof of the
    # GIL, I/O and CPU points): chosen on dev from 0.5/0.6/0.8 (wrong sentences quoted 30 -> 28, plain-words ones 17
    # -> 12, covered points told to add 0.101 -> 0.110); on test wrong quotes 28 -> 20, Spearman 0.653 -> 0.676.
    veto_shared: float = 0.5
    # ... and a span that earns a bank point only "partial" (near its topic, not close enough for "covered") covers
    # nothing where P(contradicts) is at least this: "Honestly I'd just print everything to stdout, including the
    # full request bodies with card numbers" was partial credit for structured JSON logs (the reader: 0.93
    # contradicts). Chosen on dev from 0.7/0.8/0.9/0.95/off (2026-12-06) as the best objective that keeps
    # key_point_f1 and Spearman: wrong sentences quoted 40 -> 32, key_point_f1 0.777 -> 0.780, covered points told
    # to add (or to say plainly) 0.080 -> 0.085. Test, once: wrong quoted 36 -> 30, key_point_f1 0.785 -> 0.791,
    # confidently wrong above 3.5 10 -> 9, nothing worse (scoring and plain-words answers together).
    veto_partial: float = 0.9
    veto_contra: float = 1.1  # P(states) at least this (and above P(contradicts)): no contradiction
    # Off: the eighth try (2026-12-06, README "Eighth try"). `cover_min`: a point's evidence that the reader reads
    # with P(states) below this covers nothing; one of the point's nearest other spans read at `cover_alt` or more
    # becomes the evidence instead (the reader's own "states it", where the rules quoted the wrong sentence).
    # "For auth I use short-lived JWTs checked on every request" stopped covering the OWASP point. Chosen on dev
    # (0.05-0.5; 0.1 with alt 0.5): wrong sentences quoted 32 -> 23, Spearman 0.749 -> 0.794, confidently wrong
    # above 3.5 2 -> 1, but covered points told to add 0.085 -> 0.106. Test, once: wrong quoted 17 -> 13,
    # Spearman 0.701 -> 0.738, confidently wrong 9 -> 7, but key_point_f1 0.791 -> 0.763 and covered told to add
    # 0.084 -> 0.103, both past their floors (the reader misses plain statements: "and then I'd send that whole
    # chunk with Postgres COPY, not an insert per line." reads under 0.05 as stating the COPY point), and batch
    # scoring halves (18 -> 10 answers/s).
    cover_min: float = 0.0
    cover_alt: float = 0.5
    # `veto_stated`: a contradiction quoted from one span is dropped where the point's evidence, another span,
    # reads at least this as stating it: "Secrets never go in the repo; they live in AWS Secrets Manager..." was
    # told "you said the opposite" from its first clause (0.88 contradicts) while its second states the point
    # (0.95). Chosen on dev from 0.7-0.95: at 0.95 false contradictions 33 -> 31, nothing worse (0.9 lets a
    # confidently wrong answer above 3.5). Test, once: false contradictions 30 -> 27, Spearman 0.701 -> 0.706, but
    # a confidently wrong plain-words answer lost its real contradiction ("A fixed window is strictly better than a
    # token bucket", beside a fixed-window sentence read as stating "picks an algorithm"): plain-words
    # contradiction_f1 0.844 -> 0.825, under its floor of 0.83. `stated_relative` (only where the evidence reads
    # surer than the contradiction) is the same on dev.
    veto_stated: float = 1.1
    stated_relative: bool = False
    # ... the same, only for a span that carries a negation, against a point that denies nothing itself (no "not",
    # "never", "instead of": with a negation on both sides the span may deny what the point affirms). "Tasks can run
    # twice, so I never let a task charge or email without first checking a record of whether it already happened"
    # was told "you said the opposite" of the idempotency point (the reader: 0.94 states it). And the span of a
    # contradiction so dropped becomes the point's evidence where the rules would take it (on the point's topic,
    # `partial` or closer; `credit_cleared`), rather than "Add this point" for what it said. Chosen on dev
    # (2026-12-06, third session) from 0.6/0.7/0.8/0.9/off: at 0.8, false contradictions 33 -> 30, contradiction_f1
    # 0.760 -> 0.767, Spearman 0.749 -> 0.752, plain-words Spearman 0.823 -> 0.835, nothing worse; without the
    # condition on the point, a real contradiction was lost ("...fixed in that PR, not in a follow-up ticket" read
    # 0.8 as stating "Files follow-up tasks instead of blocking merges"). Tried at 0.8 before the red-flag and
    # context vetoes shipped, it had cost dev a confidently wrong answer above 3.5. Test, once: README "Ninth try".
    veto_contra_negated: float = 0.8
    contra_claim_plain: bool = True
    credit_cleared: bool = True
    veto_flag: float = 1.1  # P(contradicts the red flag) at least this (and above P(states)): no red flag
    # ... the same, only for a span that carries a negation against a flag whose text has none. Cosine cannot read
    # a "never": "I never build SQL by concatenating strings, I always use parameterised queries." sat as near the
    # red flag as the flag's own phrasings, and a strong answer was told to avoid what it had just ruled out. The
    # reader reads such a span as contradicting the flag (0.93). (A flag that is itself a negation, "Never verifies
    # a change...", said back is the flag: not vetoed.) Chosen on dev (0.6/0.7/0.8/0.9/1.1, the lowest at the best
    # dev objective with no floored dev figure worse): false contradictions on dev 36 -> 34, all else equal; 0.6
    # and 0.7 cost the red-flag F1. Test: false contradictions 40 -> 34, Spearman 0.675 -> 0.690, red-flag F1 0.507
    # -> 0.519, nothing worse. The same veto on contradictions with a negation then cost dev (a confidently wrong
    # answer above 3.5, plain-words Spearman 0.840 -> 0.832); with the later vetoes it no longer does (above).
    veto_flag_negated: float = 0.8
    # ... and a flag whose only negation is a "without" ("Calls blocking libraries ... inside coroutines without
    # offloading them") counts as a flag with none: it names something done, so "What I'd never do is call requests
    # directly inside a coroutine" (the reader: 0.94 against the flag) rules it out. Chosen on dev against off
    # (2026-12-07): false contradictions 30 -> 29, red_flag_f1 0.608 -> 0.610, Spearman 0.752 -> 0.753, all else
    # equal; test (once): 36 -> 35, 0.489 -> 0.492, 0.7196 -> 0.7205, nothing worse (scoring and plain-words).
    flag_without_plain: bool = True
    # A red flag quoted from a clause of a longer sentence is dropped where the reader reads the whole sentence the
    # other way with at least this ("I'd count with a Counter" reads 0.64 as the unbounded-counter red flag; its
    # whole sentence, "..., and if there are too many distinct IPs I'd hash them into partition files", 0.89 as
    # contradicting it: just under the bar). And a contradiction quoted from a clause, where the whole sentence reads
    # as stating the point (`veto_context_contra`): "because __exit__ runs even on an exception." had been quoted as
    # the opposite of the context-manager point in a strong answer. Chosen on dev from 0.5-0.9 and off (2026-12-06):
    # at 0.9 each, false contradictions 39 -> 33, contradiction_f1 0.753 -> 0.760, Spearman 0.745 -> 0.749, but
    # red_flag_f1 0.614 -> 0.608 (one real flag whose sentence the reader misreads) and one confidently wrong answer
    # rises above 3.5 (3.1 -> 4.6): the contradiction it loses, "so threads won't make number crunching any
    # faster.", was itself untrue. Test (once): false contradictions 41 -> 37, red_flag_f1 0.487 -> 0.489,
    # contradiction_f1 0.639 -> 0.642, Spearman 0.713 -> 0.719, nothing worse (scoring and plain-words answers).
    veto_context: float = 0.9
    veto_context_contra: float = 0.9
    convict: float = 1.1  # P(contradicts) at least this on a vetoed cover: the span is quoted as a contradiction
    # Off (README, "Fifteenth try", 2026-12-07): at 0.85 with the two guards below, dev Spearman 0.772 -> 0.803 and
    # key_point_f1 0.781 -> 0.801, and test Spearman 0.705 -> 0.744, but on test it broke four floors (plain-words
    # Spearman and wrong sentences quoted, off-topic answers credited in the dialogue suite, scenario red-flag recall).
    rescue: float = 1.1  # P(states) at least this on a free span near a missing point: it covers the point
    rescue_cos: float = 0.2  # ... a span at least this close to the point (cosine to its nearest statement)
    # A span the reader reads as committing one of the item's red flags with at least this rescues nothing: "If
    # something breaks, they'll let us know and we fix it quickly." reads 0.86 as stating "avoids breaks by making
    # additive changes" and 0.96 as "changes the existing contract in place". Chosen on dev with rescue 0.85 from
    # 0.8/0.9/0.95/off: wrong sentences quoted 32 -> 31, Spearman 0.812 -> 0.803 (6 of the 10 rescues it stops are
    # points the gold labels call covered: the reader reads many sound sentences as some red flag too).
    rescue_flag: float = 0.9
    # A span the reader reads (at `rescue`, or at `close` for the hints) as stating more than this many missing
    # points proves none of them and is no hint: "If it's too big, maybe split the file into smaller ones in Excel
    # first." reads 0.89-0.95 as stating all five points of the CSV question; with rescue on it scored that answer
    # 8.6 (gold 0.5), and with rescue off it still quoted it as "may mean it" for COPY and for context managers.
    # Chosen on dev from 1/2/3/off: with rescue 0.85, Spearman 0.790 (off) -> 0.812 (2) or 0.800 (1); with rescue
    # off, no figure moves at 2 (6 hints go, from 3 points the gold labels call missing and 3 partial; at 1, covered
    # points told to add 0.085 -> 0.090). Test (once): no figure moves.
    rescue_max: int = 2
    # P(states) at least this on such a span, not rescued: no credit, but the feedback asks to make the point in so
    # many words, quoting the span, instead of "Add this point" for what the candidate may well have said ("Amplitude
    # events on every checklist step told us which assumptions held." for "instruments usage to validate
    # assumptions"). Scores do not change. Chosen on dev from 0.6/0.7/0.8/0.9/1.1 for the share of those hints that
    # fall on points the gold labels say were made: at 0.9, 27 of 38 (covered 18, partial 9, missing 11), and
    # covered points told to add 0.114 -> 0.073; at 0.8, 42 of 63; at 0.7, 47 of 80, too many on points not made.
    close: float = 0.9
    contra_min: float = 0.0  # a contradiction stands only with P(contradicts) at least this on its span
    flag_min: float = 0.0  # a red flag stands only with P(states the flag) at least this on its span
    # A point the rules call covered (its evidence close enough by cosine) is only partial where the reader gives
    # that evidence P(states) under this: near the point's topic, but not read as saying it ("I'd use FastAPI because
    # it's fast and modern." for "mentions OpenAPI documentation and rate limiting"). The quote stays; the credit
    # halves and the feedback asks to make the point explicit instead of listing it as covered. Only where the
    # reader reads it as saying nothing rather than the opposite (P(neither) above P(contradicts)): a span read as
    # the opposite is the cover veto's to judge, with its exemption for negations ("I'm careful never to put customer
    # emails in the logs"). Chosen on dev from 0.02/0.03/0.05/0.1/0.2 and off (2026-12-07): Spearman 0.753 -> 0.768,
    # nothing else moves (a partial still counts as hit and is no "add this point"); of the 51 points it turns
    # partial on dev, the gold labels call 23 missing, 10 partial and 18 covered. Test (once): Spearman 0.7205 ->
    # 0.7219; 40 points, 7 / 18 / 15; scenario suite key_point_precision_covered 0.80 -> 0.92.
    soft_cover: float = 0.1
    # A red flag the rules raise on a span the reader reads as hardly the flag (P(states) under `flag_moves`) is
    # quoted from the answer's span the reader reads as the flag with at least `flag_sure`, where that span is at most
    # `flag_move_cos` further from the flag by cosine; the flag stays either way, and the new quote is evidence for
    # nothing. "Bypasses the fraud check on their own authority" had quoted "Right now every payment is hanging on
    # the fraud API" (0.13), while "Then I'd just disable the fraud check myself with the feature flag" (0.97)
    # covered the point that asks for product sign-off. Chosen on dev (2026-12-07) from moves 0.1-0.5, sure 0.8-0.97
    # and cosine margins 0.05-0.2 and none: without the margin, 15 quotes moved, 4 of them from a right quote to a
    # wrong one; with it, 5: 4 better ("so reviewers check formatting and import ordering by hand on every PR" for
    # style nitpicking, in place of "because that's where quality starts."), one as good. Wrong sentences quoted as
    # evidence 32 -> 31, Spearman 0.768 -> 0.772, key_point_f1 0.780 -> 0.781, nothing worse. Test (once): one
    # quote moved, to a better one; every figure the same.
    flag_moves: float = 0.3
    flag_sure: float = 0.9
    flag_move_cos: float = 0.1
    ref: Second = Second()  # the same settings on points taken from a reference answer
    off_topic: float = 0.15  # best span-to-topic cosine below this, with no cue anywhere, is off-topic
    other_question: float = 0.2  # another question's topic this much closer than ours: an answer to that question
    # score
    base: float = 0.0
    w_coverage: float = 10.0
    w_substance: float = 0.0  # kept at 0 by design (see above)
    w_structure: float = 0.5
    w_specificity: float = 0.5
    red_flag_penalty: float = 1.5
    hedge_penalty: float = 0.3


PARAMS = Params()


def coverage(verdicts: list[tuple[str, float]]) -> float:
    total = sum(w for _, w in verdicts)
    return sum(VERDICT_VALUE[v] * w for v, w in verdicts) / total if total else 0.0


@dataclass(frozen=True)
class Features:
    coverage: float | None
    substance: float
    red_flags: int
    star_parts: int | None
    specificity: float
    hedges: int
    words: int
    filler_rate: float

    @property
    def structure(self) -> float:
        return (self.star_parts or 0) / 4

    @property
    def hedge_density(self) -> float:
        return min(1.0, self.hedges / max(self.words / 50, 1))


INJECTION_WEIGHT = 1  # an attempt to steer the grader costs two red flags (its own, and this): it can never pay


def flag_count(flags: int, injection: bool) -> int:
    """What the formula subtracts for: red flags and contradictions, and an injection attempt twice."""
    return flags + INJECTION_WEIGHT * injection


def combine(f: Features, p: Params = PARAMS) -> float:
    if f.coverage is None:
        fluency = 1 - min(1.0, f.filler_rate / 10)
        raw = 10 * (0.45 * f.structure + 0.45 * f.specificity + 0.10 * fluency)
    else:
        raw = (
            p.base
            + p.w_coverage * f.coverage
            + p.w_substance * f.substance
            + p.w_structure * f.structure
            + p.w_specificity * f.specificity
            - p.red_flag_penalty * f.red_flags
            - p.hedge_penalty * f.hedge_density
        )
    return round(min(10.0, max(0.0, raw)), 1)
