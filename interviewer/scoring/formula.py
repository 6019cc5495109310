"""The score formula and its constants. The constants were calibrated on the dev split only.

    coverage = sum(weight * v) / sum(weight), v = 1 covered, 0.5 partial, 0 missing
    score    = 10 * coverage
               - red_flag_penalty * red flags found (a prompt-injection attempt counts as one)
               + structure_bonus * STAR parts / 4        (behavioural questions and scenario stages only)
               + specificity_bonus * specificity score   (figures, named technologies, first-person ownership)
               - hedge_penalty * min(1, hedges per 50 words)
    clamped to 0..10 and rounded to one decimal; bands: strong >= 7.5 > adequate >= 5 > weak >= 2.5 > poor.

Without key points (free text with no close bank entry) the generic rubric applies:
    score = 10 * (0.45 * structure + 0.45 * specificity + 0.10 * fluency), fluency = 1 - min(1, filler_rate / 10)
"""

from __future__ import annotations

from dataclasses import dataclass

VERDICT_VALUE = {"covered": 1.0, "partial": 0.5, "missing": 0.0}


@dataclass(frozen=True)
class Params:
    cue_weight: float = 0.12  # added to a span's cosine per cue it contains (at most 2 count)
    covered: float = 0.52  # span match needed for "covered"
    partial: float = 0.40  # ... and for "partial"
    flag_sim: float = 0.62  # a red flag on meaning alone
    flag_cue_sim: float = 0.35  # a red flag when a cue is present and the meaning is at least this close
    off_topic: float = 0.30  # best span-to-topic cosine below this, with no cue anywhere, is off-topic
    red_flag_penalty: float = 1.5
    structure_bonus: float = 0.75
    specificity_bonus: float = 0.75
    hedge_penalty: float = 0.5


PARAMS = Params()


def coverage(verdicts: list[tuple[str, float]]) -> float:
    total = sum(w for _, w in verdicts)
    return sum(VERDICT_VALUE[v] * w for v, w in verdicts) / total if total else 0.0


def combine(
    cov: float | None,
    red_flags: int,
    star_parts: int | None,
    specificity: float,
    hedges: int,
    words: int,
    filler_rate: float,
    p: Params = PARAMS,
) -> float:
    structure = (star_parts or 0) / 4
    if cov is None:
        fluency = 1 - min(1.0, filler_rate / 10)
        raw = 10 * (0.45 * structure + 0.45 * specificity + 0.10 * fluency)
    else:
        hedge_density = min(1.0, hedges / max(words / 50, 1))
        raw = (
            10 * cov
            - p.red_flag_penalty * red_flags
            + (p.structure_bonus * structure if star_parts is not None else 0.0)
            + p.specificity_bonus * specificity
            - p.hedge_penalty * hedge_density
        )
    return round(min(10.0, max(0.0, raw)), 1)
