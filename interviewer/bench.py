"""Performance figures, measured and printed. Benchmarks, not timed tests.

Index build and the unchanged rebuild run as separate `interviewer index build` processes, so their figures
include Python start-up, imports and, for the build, loading the embedding model: what a user waits for.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from interviewer.bank.loader import load_bank
from interviewer.evals.retrieval import load_cases
from interviewer.index.store import BankIndex
from interviewer.settings import Settings, child_env

# figure -> (target, unit); every target is an upper bound
TARGETS = {
    "index_build_s": (20.0, "s"),
    "index_rebuild_unchanged_s": (2.0, "s"),
    "search_warm_p50_ms": (30.0, "ms"),
}
TARGETS["turn_p95_ms"] = (200.0, "ms")
MIN_TARGETS = {"scoring_batch_answers_per_s": (30.0, "/s")}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _timed_build(settings: Settings) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "interviewer", "index", "build"],
        env=child_env(settings),
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def _search_times(index: BankIndex, queries: list[str], rounds: int) -> list[float]:
    index.search(queries[0])  # warm-up: loads the model
    times = []
    for _ in range(rounds):
        for q in queries:
            t = time.perf_counter()
            index.search(q, k=5)
            times.append((time.perf_counter() - t) * 1000)
    return times


def run_index_bench(settings: Settings, rounds: int = 5) -> dict[str, float]:
    bank = load_bank(settings.knowledge_dir)
    queries = [c.query for c in load_cases(settings.evals_dir / "retrieval_queries.yaml", bank)]
    with tempfile.TemporaryDirectory(prefix="interviewer-bench-") as tmp:
        scratch = settings.model_copy(update={"data_dir": Path(tmp)})
        build_s = _timed_build(scratch)
        rebuild_s = _timed_build(scratch)
        index = BankIndex(scratch)
        index.manifest_path.unlink()  # the slow path: open Chroma and compare every stored hash
        compare_s = _timed_build(scratch)
        start = time.perf_counter()
        report = index.build(bank)
        rebuild_inproc_s = time.perf_counter() - start
        if report.embedded:
            raise RuntimeError(f"an unchanged bank was re-embedded: {report}")
        times = _search_times(index, queries, rounds)
        documents = index.count()
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "documents": float(documents),
        "index_build_s": round(build_s, 2),
        "index_rebuild_unchanged_s": round(rebuild_s, 2),
        "index_rebuild_unchanged_in_process_s": round(rebuild_inproc_s, 3),
        "index_rebuild_hash_compare_s": round(compare_s, 2),
        "search_warm_p50_ms": round(statistics.median(times), 2),
        "search_warm_p95_ms": round(_percentile(times, 0.95), 2),
        "searches": float(len(times)),
        "peak_rss_mb": round(max(rss_self, rss_children) / 1024, 1),
    }


def run_scoring_bench(settings: Settings) -> dict[str, float]:
    """Answers per second over every labelled answer, after the model has loaded and the rubrics are embedded."""
    from interviewer.evals.scoring import load_labelled, rubric_for
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
    return {
        "scoring_batch_answers_per_s": round(len(items) / seconds, 1),
        "scoring_single_p50_ms": round(statistics.median(single), 1),
        "scoring_single_p95_ms": round(_percentile(single, 0.95), 1),
    }


def run_turn_bench(settings: Settings, sessions: int = 6) -> dict[str, float]:
    """Offline turn latency: candidate text in, reply and score out, committed to SQLite, once warm."""
    from interviewer.evals.scoring import load_labelled
    from interviewer.index.store import open_index
    from interviewer.interview.interviewer import Interviewer
    from interviewer.interview.models import Plan
    from interviewer.interview.store import SessionStore
    from interviewer.scoring.engine import AnswerScorer

    bank = load_bank(settings.knowledge_dir)
    answers = [i.answer for i in load_labelled(settings.evals_dir / "scoring") if i.gold.score is not None]
    with tempfile.TemporaryDirectory(prefix="interviewer-bench-") as tmp:
        scratch = settings.model_copy(update={"data_dir": Path(tmp)})
        index, _ = open_index(scratch, bank)
        interviewer = Interviewer(bank, AnswerScorer(scratch), SessionStore(Path(tmp) / "s.sqlite3"), index)
        interviewer.warm()
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
        "turn_p95_ms": round(_percentile(times, 0.95), 1),
        "turns": float(len(times)),
    }


def format_table(figures: dict[str, float]) -> str:
    rows = [("figure", "value", "target", "")]
    for name, value in figures.items():
        target, low = TARGETS.get(name), MIN_TARGETS.get(name)
        if target:
            rows.append((name, f"{value:g}", f"<= {target[0]:g} {target[1]}", "ok" if value <= target[0] else "MISSED"))
        elif low:
            rows.append((name, f"{value:g}", f">= {low[0]:g} {low[1]}", "ok" if value >= low[0] else "MISSED"))
        else:
            rows.append((name, f"{value:g}", "", ""))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)
