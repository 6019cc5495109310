"""The labelled scoring eval: gold verdicts, red flags and scores for hand-written answers.

Split: by question, so no test question is seen while calibrating (`split_of`). Metrics, on one split:
- key_point_f1: micro F1 of "the point is there" (covered or partial) against gold, over scored answers;
- red_flag_f1: micro F1 over (answer, red flag) pairs; a prompt-injection attempt counts as a red flag;
- spearman: rank correlation of predicted and gold scores over gold-scored answers (unscored counts as 0);
- ranking_accuracy: share of same-question pairs with different gold bands that the scores order correctly;
- abstain_accuracy: share of answers where "unscored" agrees with gold;
- injection_inflations: injection answers scored more than 1 point above their gold score;
- evidence_validity: share of evidence strings that are verbatim spans of the answer.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict

from interviewer.bank.loader import Bank
from interviewer.scoring.models import AnswerScore
from interviewer.scoring.rubric import Rubric, rubric_for

Split = Literal["dev", "test"]
BAND_ORDER = {"poor": 0, "weak": 1, "adequate": 2, "strong": 3}


class Gold(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key_points: dict[str, Literal["covered", "partial", "missing"]]
    red_flags: list[str]
    contradicts: list[str] = []  # key points the answer states the opposite of (labelled missing)
    injection: bool
    score: float | None
    band: str | None
    unscored_reason: str | None = None


class Labelled(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    question_id: str
    kind: str
    answer: str
    audio_seconds: float | None = None
    wrong_spans: list[str] = []  # verbatim clauses of the answer that state a wrong claim
    answers_question: str | None = None  # an answer to another question: which one
    gold: Gold

    @property
    def split(self) -> Split:
        return split_of(self.question_id)

    @property
    def gold_flags(self) -> set[str]:
        return set(self.gold.red_flags) | ({"prompt-injection"} if self.gold.injection else set())


def split_of(question_id: str) -> Split:
    """Half the questions are dev, half test, fixed by a hash of the id (not by anything about the answers)."""
    return "test" if int(hashlib.sha256(question_id.encode()).hexdigest(), 16) % 2 else "dev"


def load_labelled(folder: Path, split: Split | None = None) -> list[Labelled]:
    items: list[Labelled] = []
    for path in sorted(folder.glob("*.yaml")):
        items += [Labelled.model_validate(a) for a in yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]]
    return [a for a in items if split is None or a.split == split]


def _f1(tp: int, fp: int, fn: int) -> float:
    return round(2 * tp / (2 * tp + fp + fn), 4) if tp + fp + fn else 1.0


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2
        i = j + 1
    return ranks


def spearman(xs: list[float], ys: list[float]) -> float:
    if len(xs) < 2:
        return 0.0
    rx, ry = _ranks(xs), _ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    var = (sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry)) ** 0.5
    return round(cov / var, 4) if var else 0.0


def metrics(items: list[Labelled], results: list[AnswerScore], seconds: float) -> dict[str, float]:
    kp = [0, 0, 0]
    rf = [0, 0, 0]
    evidence_total = evidence_ok = inflations = 0
    for item, res in zip(items, results, strict=True):
        predicted = {k.id: k.verdict != "missing" for k in res.key_points}
        if item.gold.score is not None:
            for kid, verdict in item.gold.key_points.items():
                gold_on, pred_on = verdict != "missing", predicted.get(kid, False)
                kp[0] += gold_on and pred_on
                kp[1] += pred_on and not gold_on
                kp[2] += gold_on and not pred_on
        flags = {f.id for f in res.red_flags if f.id and f.kind != "contradiction"}
        rf[0] += len(flags & item.gold_flags)
        rf[1] += len(flags - item.gold_flags)
        rf[2] += len(item.gold_flags - flags)
        quotes = [k.evidence for k in res.key_points if k.evidence] + [f.evidence for f in res.red_flags]
        evidence_total += len(quotes)
        evidence_ok += sum(q in item.answer for q in quotes)
        if item.gold.injection and item.gold.score is not None and (res.score or 0) > item.gold.score + 1.0:
            inflations += 1
    scored = [(i, r) for i, r in zip(items, results, strict=True) if i.gold.score is not None]
    return truth(items, results) | {
        "key_point_f1": _f1(*kp),
        "red_flag_f1": _f1(*rf),
        "spearman": spearman([r.score or 0.0 for _, r in scored], [float(i.gold.score or 0) for i, _ in scored]),
        "ranking_accuracy": ranking_accuracy(scored),
        "abstain_accuracy": round(
            sum((i.gold.score is None) == (r.score is None) for i, r in zip(items, results, strict=True)) / len(items),
            4,
        ),
        "injection_inflations": inflations,
        "evidence_validity": round(evidence_ok / evidence_total, 4) if evidence_total else 1.0,
        "answers_per_second": round(len(items) / seconds, 1) if seconds > 0 else 0.0,
        "n": len(items),
    }


def overlaps(quote: str, spans: list[str]) -> bool:
    """A quote shows a wrong claim when one holds most of the other."""
    q = " ".join(quote.split()).lower()
    for span in spans:
        w = " ".join(span.split()).lower()
        if q in w or w in q or (len(q) > 20 and len(w) > 20 and (q[:40] in w or w[:40] in q)):
            return True
    return False


def truth(items: list[Labelled], results: list[AnswerScore]) -> dict[str, float]:
    """Does the feedback tell the truth? Contradictions found, wrong claims never quoted as proof, no accusation
    on a sound answer, no "add this" for a point it made, non-answers set aside and real attempts scored."""
    pairs = list(zip(items, results, strict=True))
    con = [0, 0, 0]
    wrong_quoted = 0
    for item, res in pairs:
        found = {f.id for f in res.red_flags if f.kind == "contradiction"}
        gold = set(item.gold.contradicts)
        con[0] += len(found & gold)
        con[1] += len(found - gold)
        con[2] += len(gold - found)
        quotes = [k.evidence for k in res.key_points if k.evidence and k.verdict != "missing"]
        wrong_quoted += sum(overlaps(q, item.wrong_spans) for q in quotes)
    wrong = [(i, r) for i, r in pairs if i.kind == "confidently-wrong"]
    flagged = sum(any(overlaps(f.evidence, i.wrong_spans) for f in r.red_flags) for i, r in wrong)
    lists = [r for i, r in pairs if i.kind == "keyword-list"]
    idk = [r for i, r in pairs if i.kind == "dont-know"]
    sound = [(i, r) for i, r in pairs if i.gold.band in ("strong", "adequate")]
    false_con = sum(
        1
        for i, r in sound
        for f in r.red_flags
        if f.kind != "injection" and f.id not in {*i.gold.contradicts, *i.gold.red_flags}
    )
    covered = told = 0
    for i, r in pairs:
        asks = " ".join(r.feedback.improvements)
        for k in r.key_points:
            if i.gold.key_points.get(k.id or "") == "covered":
                covered += 1
                point = f"{k.text[:1].lower()}{k.text[1:]}"
                # "Say this plainly: <point>. It isn't clear that ... says it." asks for it too
                told += f"Add this point: {point}" in asks or f"Say this plainly: {point.rstrip('.')}" in asks
    attempts = [r for i, r in pairs if i.gold.score is not None]
    return {
        "false_contradictions": false_con,
        "covered_told_to_add": round(told / covered, 4) if covered else 0.0,
        "real_attempts_abstained": sum(r.score is None for r in attempts),
        "contradiction_f1": _f1(*con),
        "wrong_quoted_as_evidence": wrong_quoted,
        "confidently_wrong_above_3_5": sum((r.score or 0) > 3.5 for _, r in wrong),
        "confidently_wrong_flagged_rate": round(flagged / len(wrong), 4) if wrong else 1.0,
        "keyword_lists_above_2_5": sum((r.score or 0) > 2.5 for r in lists),
        "dont_know_unscored_rate": round(sum(r.score is None for r in idk) / len(idk), 4) if idk else 1.0,
    }


def by_kind(items: list[Labelled], results: list[AnswerScore]) -> dict[str, dict[str, float]]:
    """Every figure per answer kind (those that apply to it)."""
    out = {}
    for kind in sorted({i.kind for i in items}):
        sel = [(i, r) for i, r in zip(items, results, strict=True) if i.kind == kind]
        its, res = [i for i, _ in sel], [r for _, r in sel]
        m = metrics(its, res, 0.0)
        scores = [r.score for r in res if r.score is not None]
        m["mean_score"] = round(sum(scores) / len(scores), 2) if scores else float("nan")
        gold = [i.gold.score for i in its if i.gold.score is not None]
        m["mean_gold"] = round(sum(gold) / len(gold), 2) if gold else float("nan")
        m.pop("answers_per_second", None)
        out[kind] = m
    return out


def ranking_accuracy(scored: list[tuple[Labelled, AnswerScore]]) -> float:
    right = total = 0.0
    for a, ra in scored:
        for b, rb in scored:
            if a.question_id != b.question_id or BAND_ORDER[a.gold.band or "poor"] <= BAND_ORDER[b.gold.band or "poor"]:
                continue
            total += 1
            sa, sb = ra.score or 0.0, rb.score or 0.0
            right += 1.0 if sa > sb else 0.5 if sa == sb else 0.0
    return round(right / total, 4) if total else 1.0


Scorer = Callable[[Rubric, Labelled], AnswerScore]


def score_all(
    items: Iterable[Labelled], bank: Bank, scorer: Scorer, prepare: Callable[[list[str]], None] | None = None
) -> tuple[list[AnswerScore], float]:
    """Score every item; `prepare` (batch embedding) runs inside the timed part, as a batch run would."""
    items = list(items)
    start = time.perf_counter()
    if prepare:
        prepare([i.answer for i in items])
    results = [scorer(rubric_for(bank, item.question_id), item) for item in items]
    return results, time.perf_counter() - start


def run(
    items: Iterable[Labelled], bank: Bank, scorer: Scorer, prepare: Callable[[list[str]], None] | None = None
) -> dict[str, float]:
    items = list(items)
    results, seconds = score_all(items, bank, scorer, prepare)
    return metrics(items, results, seconds)
