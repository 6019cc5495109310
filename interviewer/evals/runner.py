"""Run the eval suites, compare with the committed thresholds, and collect everything for the results folder."""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import yaml

from interviewer.bank.loader import Bank
from interviewer.settings import REPO_ROOT, Settings

SUITES = ("retrieval", "scoring", "dialogue", "scenario", "robustness", "voice", "turns")
LOWER_IS_BETTER = {
    "injection_inflations",
    "wrong_quoted_as_evidence",
    "confidently_wrong_above_3_5",
    "keyword_lists_above_2_5",
    "false_contradictions",
    "covered_told_to_add",
    "real_attempts_abstained",
    "plain_wrong_quoted_as_evidence",
    "plain_confidently_wrong_above_3_5",
    "plain_false_contradictions",
    "plain_covered_told_to_add",
    "reference_confidently_wrong_above_3_5",
    "reference_abstained",
    "reference_false_contradictions",
    "semeval_scorer_real_attempts_abstained",
    "verdict_changed_rate",
    "score_change_mean",
    "real_time_factor",
}


def lower_is_better(name: str) -> bool:
    """A count of mistakes, a rate of them, or a word error rate (`wer`, `wer_<voice>`)."""
    return name in LOWER_IS_BETTER or name == "wer" or name.startswith("wer_")


PLAIN_FIGURES = (
    "key_point_f1", "spearman", "contradiction_f1", "confidently_wrong_flagged_rate", "wrong_quoted_as_evidence",
    "confidently_wrong_above_3_5", "false_contradictions", "covered_told_to_add",
)  # fmt: skip
OPTIONAL = ("semeval_",)  # figures of the external suite, present only where its data is
Tick = Callable[[], None]


def select(requested: list[str]) -> list[str]:
    if not requested or "all" in requested:
        return list(SUITES)
    unknown = [s for s in requested if s not in SUITES]
    if unknown:
        raise ValueError(f"unknown suite(s) {', '.join(unknown)}; choose from {', '.join(SUITES)} or all")
    return [s for s in SUITES if s in requested]


def thresholds(settings: Settings) -> dict[str, dict[str, float]]:
    data = yaml.safe_load((settings.evals_dir / "thresholds.yaml").read_text(encoding="utf-8")) or {}
    return {suite: dict(figures or {}) for suite, figures in data.items()}


def misses(bounds: dict[str, dict[str, float]], results: dict[str, dict[str, Any]]) -> list[str]:
    out = []
    for suite, res in results.items():
        for name, bound in bounds.get(suite, {}).items():
            value = res["figures"].get(name)
            if value is None and name.startswith(OPTIONAL):
                continue
            low = lower_is_better(name)
            if value is None or (value > bound if low else value < bound):
                out.append(f"{suite}.{name} = {value} ({'max' if low else 'min'} {bound})")
    return out


def sessions_in(suite: str, harness: Any) -> int:
    from interviewer.evals import dialogue, robustness

    if suite in ("dialogue", "scenario"):
        return len(dialogue.plans(suite, harness))
    if suite == "robustness":
        return len(robustness.cases()) * 2
    if suite == "voice":
        return 2  # making the recordings, then hearing them
    return 1


def _retrieval(settings: Settings, bank: Bank, harness: Any, args: argparse.Namespace, tick: Tick) -> dict[str, Any]:
    from interviewer.evals.retrieval import load_cases, run_retrieval

    result = run_retrieval(harness.index, load_cases(settings.evals_dir / "retrieval_queries.yaml", bank))
    tick()
    misses_ = [{"query": m.query, "expected": m.expected, "got": m.got[:3]} for m in result.misses]
    return {"figures": result.summary(), "misses": misses_}


def _scoring(settings: Settings, bank: Bank, harness: Any, args: argparse.Namespace, tick: Tick) -> dict[str, Any]:
    from interviewer.evals import reference
    from interviewer.evals.baselines import length_baseline, overlap_baseline
    from interviewer.evals.scoring import by_kind, load_labelled, metrics, run, score_all
    from interviewer.scoring.rubric import all_rubrics

    items = load_labelled(settings.evals_dir / "scoring", args.split)
    offline = harness.interviewer.scorer.offline  # the product's scorer: offline, plus the judge on the llm engine
    offline.warm(all_rubrics(bank))  # outside the timing, as the app does at start
    scorer = harness.interviewer.scorer
    results, seconds = score_all(
        items, bank, lambda r, i: scorer.score(r, i.answer, i.audio_seconds), prepare=offline.prepare
    )
    figures: dict[str, Any] = metrics(items, results, seconds)
    tick()
    baselines = {"length": run(items, bank, length_baseline), "overlap": run(items, bank, overlap_baseline)}
    figures["spearman_lead_over_length"] = round(figures["spearman"] - baselines["length"]["spearman"], 4)
    out: dict[str, Any] = {"figures": figures, "split": args.split, "baselines": baselines}
    out["by_kind"] = by_kind(items, results)
    plain = load_labelled(settings.evals_dir / "plain-words", args.split)  # issue 24's 60 plain-words answers
    if plain:
        got, secs = score_all(plain, bank, lambda r, i: scorer.score(r, i.answer, i.audio_seconds), offline.prepare)
        pm = metrics(plain, got, secs)
        figures |= {f"plain_{k}": pm[k] for k in PLAIN_FIGURES if k in pm}
        out["plain_words_by_kind"] = by_kind(plain, got)
    pairs = reference.items_for(bank, load_labelled(settings.evals_dir / "scoring", args.split) + plain)
    ref = reference.figures(pairs, offline.score)  # the same answers against the reference answer alone
    figures |= {f"reference_{k}": v for k, v in ref.items() if k != "n"}
    external = _semeval(args, offline)
    if external:
        figures.update(external["figures"])
        out["baselines"]["semeval_plain_cosine"] = external["cosine"]
    return out


def _semeval(args: argparse.Namespace, offline: Any) -> dict[str, Any] | None:
    """SemEval-2013's held-out questions (never trained on), beside plain cosine; only where the file is."""
    from interviewer.evals import semeval
    from interviewer.scoring.rubric import from_text
    from interviewer.scoring.training import embedder

    path = getattr(args, "semeval", None) or semeval.DEFAULT_PATH
    if not path.is_file():
        return None
    items = semeval.load(path)
    cache: dict[str, Any] = {}
    embed = embedder(cache)
    train_items = [i for i in items if not i.held_out]
    cos, owner = semeval.featurise(train_items, embed)
    cut = semeval.cosine_threshold(train_items, semeval.best_per_item(cos[:, 0], owner, len(train_items)))
    held = semeval.evaluate([i for i in items if i.held_out], embed, offline.grader, cut)
    g, c = held["grader"], held["cosine"]
    figures = {f"semeval_{k}": v for k, v in g.items() if k != "n"}
    figures |= {f"semeval_lead_{k}": round(g[k] - c[k], 4) for k in ("auc_correct", "auc_correct_vs_contradictory")}
    figures["semeval_n"] = g["n"]
    held_items = [i for i in items if i.held_out]
    offline.prepare([i.answer for i in held_items])

    def score(question: str, reference: str, answer: str) -> float | None:
        return offline.score(from_text(question, reference=reference), answer).score

    whole = semeval.evaluate_scorer(held_items, score)  # the scorer, as `interviewer score --reference` runs it
    figures |= {f"semeval_scorer_{k}": v for k, v in whole.items()}
    return {"figures": figures, "cosine": c}


def _dialogues(suite: str) -> Callable[..., dict[str, Any]]:
    def runner(settings: Settings, bank: Bank, harness: Any, args: argparse.Namespace, tick: Tick) -> dict[str, Any]:
        from interviewer.evals import dialogue

        result, dialogues = dialogue.run_suite(suite, harness, tick)
        result["transcripts"] = [_transcript(d) for d in dialogues]
        if args.judge:
            result["llm_judge"] = _judge(settings, bank, dialogues)
        fallbacks = sum(getattr(c, "fallbacks", 0) for c in harness.candidates)
        if harness.candidate_kind == "llm":
            result["llm_candidate_fallbacks"] = fallbacks
        return result

    return runner


def _robustness(settings: Settings, bank: Bank, harness: Any, args: argparse.Namespace, tick: Tick) -> dict[str, Any]:
    from interviewer.evals import robustness

    return robustness.run_suite(harness, tick)[0]


def _voice(settings: Settings, bank: Bank, harness: Any, args: argparse.Namespace, tick: Tick) -> dict[str, Any]:
    from interviewer.evals import voice
    from interviewer.voice.stt import OFFLINE

    return voice.run_suite(settings, bank, OFFLINE, harness.interviewer.scorer.offline, tick)


def _turns(settings: Settings, bank: Bank, harness: Any, args: argparse.Namespace, tick: Tick) -> dict[str, Any]:
    from interviewer.evals import turns

    result = turns.run_suite(settings.evals_dir / "turns", args.split, harness.interviewer.turns)
    tick()
    return result


def _judge(settings: Settings, bank: Bank, dialogues: list[Any]) -> dict[str, Any]:
    from interviewer.evals import checks
    from interviewer.evals.behaviour_judge import BehaviourJudge

    def one(check: Callable[..., None], d: Any) -> bool:
        rate = checks.Rate()
        check(d, rate)
        return rate.passed == rate.total

    per_session = {
        "no_repeated_questions": [one(checks.no_repeated_questions, d) for d in dialogues],
        "reaches_wrap_up_rate": [one(checks.reaches_wrap_up, d) for d in dialogues],
    }
    return BehaviourJudge(settings.llm).run(dialogues, per_session)


def _transcript(d: Any) -> dict[str, Any]:
    return {
        "persona": d.persona,
        "candidate": d.candidate,
        "plan": d.plan.model_dump(),
        "session": d.session.id,
        "finished": d.finished,
        "error": d.error,
        "turns": [
            {
                "role": t.role,
                "kind": t.kind,
                "item": t.question_id,
                "text": t.text[:2000],
                "score": t.score.score if t.score else None,
            }
            for t in d.session.turns
        ],
        "truth": [
            {
                "text": ex.said.text[:300],
                "kind": ex.said.kind,
                "covers": sorted(ex.said.covers),
                "partial": sorted(ex.said.partial),
                "flags": sorted(ex.said.flags),
                "source": ex.said.source,
            }
            for ex in d.exchanges
        ],
    }


RUNNERS: dict[str, Callable[..., dict[str, Any]]] = {
    "retrieval": _retrieval,
    "scoring": _scoring,
    "dialogue": _dialogues("dialogue"),
    "scenario": _dialogues("scenario"),
    "robustness": _robustness,
    "voice": _voice,
    "turns": _turns,
}


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True)
    except OSError:
        return None
    return out.stdout.strip() or None


def run(settings: Settings, bank: Bank, harness: Any, suites: list[str], args: argparse.Namespace) -> dict[str, Any]:
    from tqdm import tqdm

    started, clock = dt.datetime.now(dt.UTC), time.perf_counter()
    results: dict[str, Any] = {}
    total = sum(sessions_in(s, harness) for s in suites)
    with tqdm(total=total, desc="eval", unit="session", disable=args.json, file=sys.stderr) as bar:
        for suite in suites:
            bar.set_postfix_str(suite)
            suite_clock = time.perf_counter()
            results[suite] = RUNNERS[suite](settings, bank, harness, args, lambda: bar.update(1))
            results[suite]["seconds"] = round(time.perf_counter() - suite_clock, 1)
    model = settings.llm.model if harness.engine == "llm" or harness.candidate_kind == "llm" or args.judge else None
    meta = {
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - clock, 1),
        "commit": git_commit(),
        "engine": harness.engine,
        "model": model,
        "candidate": harness.candidate_kind,
        "judge": bool(args.judge),
        "suites": suites,
    }
    return {"meta": meta, "suites": results}
