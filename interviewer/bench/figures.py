"""Figures and their targets, and the table `interviewer bench` prints. Every figure is a number; a target is an
upper bound unless it is in MIN_TARGETS. Figures with no target are printed with an empty target column."""

from __future__ import annotations

# figure -> (bound, unit). The light runtime's targets (issue 17: the models on ONNX Runtime, no PyTorch) are
# cold starts <= 3 s, RSS <= 400 MB, turn p95 <= 100 ms, >= 60 answers/s, and runtime packages at most half of
# the 2326 MB they weighed with PyTorch and sentence-transformers (134 packages, measured by footprint.py on
# 2026-12-05).
TARGETS = {
    "index_build_s": (20.0, "s"),
    "index_rebuild_unchanged_s": (2.0, "s"),
    "search_warm_p50_ms": (30.0, "ms"),
    "turn_p95_ms": (100.0, "ms"),
    "cold_start_served_p50_s": (3.0, "s"),
    "cold_start_served_max_s": (10.0, "s"),
    "cold_start_first_scored_p50_s": (3.0, "s"),
    "app_peak_rss_mb": (400.0, "MB"),
    "llm_turn_overhead_p95_ms": (20.0, "ms"),
    "runtime_packages_mb": (1163.0, "MB"),
    "runtime_heavy_packages": (0.0, ""),
    "voice_to_voice_p50_ms": (700.0, "ms"),  # issue 25: the end of the candidate's speech to the reply
    "voice_to_voice_p95_ms": (1000.0, "ms"),
    "voice_to_voice_llm_p95_ms": (1200.0, "ms"),  # ... with the LLM test server answering after 500 ms
}
MIN_TARGETS = {"scoring_batch_answers_per_s": (60.0, "/s"), "scoring_reference_batch_answers_per_s": (20.0, "/s")}


class BenchError(RuntimeError):
    """A measurement that would be wrong, e.g. turns that silently fell back to the offline engine."""


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile; `values` must not be empty."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


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
