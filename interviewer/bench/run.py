"""The whole bench: every stage in order, in one scratch data directory whose index the first stage builds and
the others reuse, with a progress line per stage on stderr. The machine's load average when it starts is a
figure too: on 2 cores, anything else running (a test suite, say) shows in every latency here."""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from interviewer.bench.cold_start import run_cold_start_bench
from interviewer.bench.footprint import run_footprint_bench
from interviewer.bench.index import run_index_bench
from interviewer.bench.llm_overhead import run_llm_overhead_bench
from interviewer.bench.scoring import run_scoring_bench, run_turn_bench
from interviewer.bench.voice import run_voice_bench
from interviewer.settings import Settings

VOICE_LLM_DELAY_S = 0.5  # issue 25: the model's own latency for `voice_to_voice_llm_p95_ms`
Stage = Callable[[Settings, Path, Callable[[str], None]], dict[str, float]]
STAGES: list[tuple[str, Stage]] = [
    ("index build, rebuild, search", lambda s, d, note: run_index_bench(s, d)),
    ("scoring throughput", lambda s, d, note: run_scoring_bench(s)),
    ("offline turns", lambda s, d, note: run_turn_bench(s, d)),
    ("cold starts of the app", lambda s, d, note: run_cold_start_bench(s, d, note=note)),
    ("LLM-path overhead", lambda s, d, note: run_llm_overhead_bench(s, d)),
    ("voice to voice", lambda s, d, note: run_voice_bench(s, d)),
    ("voice to voice, LLM at 500 ms", lambda s, d, note: run_voice_bench(s, d, llm_delay_s=VOICE_LLM_DELAY_S)),
    ("runtime packages", lambda s, d, note: run_footprint_bench()),
]


def run_all(settings: Settings, progress: bool = True) -> dict[str, float]:
    from tqdm import tqdm

    began, figures = time.perf_counter(), {"machine_load_1m_at_start": round(os.getloadavg()[0], 2)}
    with (
        tempfile.TemporaryDirectory(prefix="interviewer-bench-") as tmp,
        tqdm(total=len(STAGES), file=sys.stderr, disable=not progress, unit="stage", leave=False) as bar,
    ):
        for name, stage in STAGES:
            bar.set_description(name)
            bar.set_postfix_str("")
            figures |= stage(settings, Path(tmp), bar.set_postfix_str)
            bar.update()
    figures["bench_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    figures["bench_wall_s"] = round(time.perf_counter() - began, 1)
    return figures
