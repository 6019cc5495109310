"""Offline scoring throughput and offline turn latency, once the model is loaded and the rubrics are embedded."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from interviewer.bank.loader import load_bank
from interviewer.bench.figures import percentile
from interviewer.bench.scratch import scratch_dir
from interviewer.settings import LLMSettings, Settings


def run_scoring_bench(settings: Settings) -> dict[str, float]:
    """Answers per second over every labelled answer, after the model has loaded and the rubrics are embedded."""
    from interviewer.evals.scoring import load_labelled
    from interviewer.scoring.rubric import rubric_for
    from interviewer.scoring.scorer import OfflineScorer

    bank = load_bank(settings.knowledge_dir)
    items = load_labelled(settings.evals_dir / "scoring")
    rubrics = {qid: rubric_for(bank, qid) for qid in sorted({i.question_id for i in items})}
    scorer = OfflineScorer()
    scorer.warm(list(rubrics.values()))
    single = []
    for item in items[:40]:  # one at a time, as in a live interview turn
        t = time.perf_counter()
        scorer.score(rubrics[item.question_id], item.answer, item.audio_seconds)
        single.append((time.perf_counter() - t) * 1000)
    start = time.perf_counter()
    scorer.prepare([i.answer for i in items])
    for item in items:
        scorer.score(rubrics[item.question_id], item.answer, item.audio_seconds)
    seconds = time.perf_counter() - start
    # reference-only: the bank questions' answers against a rubric made of the model answer's own claims, with no
    # vectors prepared beforehand (a user's own reference is new to the scorer)
    from interviewer.scoring.rubric import from_text

    plain = [i for i in items if "/" not in i.question_id]
    refs = {}
    for qid in sorted({i.question_id for i in plain}):
        q = bank.question(qid)
        refs[qid] = from_text(q.text, reference=q.reference_answer)
    fresh = OfflineScorer(scorer.embedder)
    start = time.perf_counter()
    fresh.prepare([i.answer for i in plain])
    for item in plain:
        fresh.score(refs[item.question_id], item.answer, item.audio_seconds)
    ref_seconds = time.perf_counter() - start
    return {
        "scoring_batch_answers_per_s": round(len(items) / seconds, 1),
        "scoring_reference_batch_answers_per_s": round(len(plain) / ref_seconds, 1),
        "scoring_single_p50_ms": round(statistics.median(single), 1),
        "scoring_single_p95_ms": round(percentile(single, 0.95), 1),
    }


def scored_answers(settings: Settings) -> list[str]:
    """The labelled answers that deserve a score, in file order: the candidate side of the turn benches."""
    from interviewer.evals.scoring import load_labelled

    return [i.answer for i in load_labelled(settings.evals_dir / "scoring") if i.gold.score is not None]


def run_turn_bench(settings: Settings, data_dir: Path | None = None, sessions: int = 6) -> dict[str, float]:
    """Offline turn latency: candidate text in, reply and score out, committed to SQLite, once warm."""
    from interviewer.interview.models import Plan
    from interviewer.service import Service

    bank = load_bank(settings.knowledge_dir)
    answers = scored_answers(settings)
    with scratch_dir(data_dir) as tmp:
        # offline, whatever the user configured: this is the baseline, and a bench never calls a paid endpoint
        scratch = settings.model_copy(update={"data_dir": tmp, "llm": LLMSettings()})
        service = Service(scratch, bank=bank)  # the interviewer as the app opens it
        interviewer = service.interviewer
        service.warm_up()
        warm = interviewer.start(Plan(questions=1))
        interviewer.reply(warm, answers[0])
        times = []
        for n in range(sessions):
            plan = Plan(questions=3, seed=n, scenario="production-bug" if n % 2 else None)
            session = interviewer.start(plan)
            for answer in answers[n * 12 : n * 12 + 12]:
                if session.state.phase in ("wrap-up", "done"):
                    break
                t = time.perf_counter()
                interviewer.reply(session, answer)
                times.append((time.perf_counter() - t) * 1000)
    return {
        "turn_p50_ms": round(statistics.median(times), 1),
        "turn_p95_ms": round(percentile(times, 0.95), 1),
        "turns": float(len(times)),
    }
