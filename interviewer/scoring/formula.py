"""The score formula and its constants. Every constant was calibrated on the dev split only
(`python -m interviewer.evals.calibrate`); the test split is never used to choose them.

    coverage  = sum(weight * v) / sum(weight), v = 1 covered, 0.5 partial, 0 missing
    substance = share of the reference answer's and key points' content words that the answer uses
    structure = STAR parts / 4                           behavioural questions and scenario stages, else 0
    score     = base + w_coverage * coverage + w_substance * substance + w_structure * structure
                + w_specificity * specificity            (figures, named technologies, first-person ownership)
                - red_flag_penalty * red flags           (a prompt-injection attempt counts as one)
                - hedge_penalty * min(1, hedges per 50 words)

w_coverage is fixed by design at 2: on dev, sentence-level key-point matching adds little to the score's rank
correlation beyond `substance`, but a point the candidate clearly made must count. The other weights are a least-
squares fit of the gold scores on dev.
    clamped to 0..10 and rounded to one decimal; bands: strong >= 7.5 > adequate >= 5 > weak >= 2.5 > poor.

Without key points (free text with no close bank entry) the generic rubric applies:
    score = 10 * (0.45 * structure + 0.45 * specificity + 0.10 * fluency), fluency = 1 - min(1, filler_rate / 10)
"""

from __future__ import annotations

from dataclasses import dataclass

VERDICT_VALUE = {"covered": 1.0, "partial": 0.5, "missing": 0.0}


@dataclass(frozen=True)
class Params:
    # matching
    cue_weight: float = 0.25  # added to a span's cosine per cue it contains (at most 2 count)
    span_words: int = 18  # spans shorter than this are discounted: a bare "I'd use asyncio" proves little
    covered: float = 0.55  # span match needed for "covered"
    partial: float = 0.3  # ... and for "partial"
    flag_sim: float = 1.1  # a red flag on meaning alone (above 1: never; cues are required)
    flag_cue_sim: float = 0.2  # a red flag when a cue is present and the meaning is at least this close
    off_topic: float = 0.15  # best span-to-topic cosine below this, with no cue anywhere, is off-topic
    # score
    base: float = 1.18
    w_coverage: float = 2.0
    w_substance: float = 11.23
    w_structure: float = 2.41
    w_specificity: float = 3.56
    red_flag_penalty: float = 1.67
    hedge_penalty: float = 0.42


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
