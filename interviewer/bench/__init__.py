"""Performance figures, measured and printed by `interviewer bench`. Benchmarks, not timed tests: each stage is a
module (index, scoring, cold_start, llm_overhead), `run` runs them all, `figures` holds the targets and the table."""

from interviewer.bench.cold_start import run_cold_start_bench
from interviewer.bench.figures import MIN_TARGETS, TARGETS, BenchError, format_table
from interviewer.bench.index import run_index_bench
from interviewer.bench.llm_overhead import run_llm_overhead_bench
from interviewer.bench.run import run_all
from interviewer.bench.scoring import run_scoring_bench, run_turn_bench

__all__ = ["MIN_TARGETS", "TARGETS", "BenchError", "format_table", "run_all", "run_cold_start_bench",
           "run_index_bench", "run_llm_overhead_bench", "run_scoring_bench", "run_turn_bench"]  # fmt: skip
