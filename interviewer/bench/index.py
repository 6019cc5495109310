"""Index build, rebuilds and warm search.

The build and the unchanged rebuild run as separate `interviewer index build` processes, so their figures include
Python start-up, imports and, for the build, loading the embedding model: what a user waits for. The index is
left built in the data directory, for the stages after this one.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from interviewer.bank.loader import load_bank
from interviewer.bench.figures import BenchError, percentile
from interviewer.bench.scratch import scratch_dir
from interviewer.evals.retrieval import load_cases
from interviewer.index.store import BankIndex
from interviewer.settings import Settings, child_env


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


def run_index_bench(settings: Settings, data_dir: Path | None = None, rounds: int = 5) -> dict[str, float]:
    bank = load_bank(settings.knowledge_dir)
    queries = [c.query for c in load_cases(settings.evals_dir / "retrieval_queries.yaml", bank)]
    with scratch_dir(data_dir) as tmp:
        scratch = settings.model_copy(update={"data_dir": tmp})
        build_s = _timed_build(scratch)
        rebuild_s = _timed_build(scratch)
        index = BankIndex(scratch)
        index.manifest_path.unlink()  # the slow path: open Chroma and compare every stored hash
        compare_s = _timed_build(scratch)
        start = time.perf_counter()
        report = index.build(bank)
        rebuild_inproc_s = time.perf_counter() - start
        if report.embedded:
            raise BenchError(f"an unchanged bank was re-embedded: {report}")
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
        "search_warm_p95_ms": round(percentile(times, 0.95), 2),
        "searches": float(len(times)),
        # the largest of the build processes and this one so far (its model and searches): "build + search"
        "index_peak_rss_mb": round(max(rss_self, rss_children) / 1024, 1),
    }
