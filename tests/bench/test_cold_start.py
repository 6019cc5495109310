"""One real cold start of the web app on a built index: served, then scored, then stopped. No speed is asserted."""

from pathlib import Path

import pytest

from interviewer.bank.loader import Bank
from interviewer.bench.cold_start import one_start, run_cold_start_bench
from interviewer.bench.figures import BenchError, format_table
from interviewer.index.embedders import LocalMiniLM
from interviewer.index.store import BankIndex
from interviewer.reliability.app_process import AppProcess
from interviewer.settings import Settings


def test_a_cold_start_is_served_then_scored_then_stopped(tmp_path: Path, bank: Bank, embedder: LocalMiniLM) -> None:
    settings = Settings(data_dir=tmp_path)
    BankIndex(settings, embedder=embedder).build(bank)
    app = AppProcess(settings, tmp_path)
    sample = one_start(app, bank, more_turns=1)
    assert 0 < sample.served_s < sample.first_scored_s
    assert sample.peak_rss_mb > 100  # the app's own memory, with the embedding model loaded to score
    assert app.proc is None  # stopped and reaped
    assert "Serving on http://127.0.0.1:" in (tmp_path / "app.log").read_text()


def test_a_cold_start_needs_a_built_index(tmp_path: Path) -> None:
    with pytest.raises(BenchError, match="no built index"):
        run_cold_start_bench(Settings(), tmp_path / "empty", starts=1)


def test_the_table_checks_the_new_targets() -> None:
    table = format_table({"app_peak_rss_mb": 450.0, "llm_turn_overhead_p95_ms": 12.0, "cold_start_served_max_s": 9.5,
                          "cold_start_first_scored_p50_s": 2.5, "cold_start_first_scored_max_s": 30.0,
                          "scoring_batch_answers_per_s": 59.0, "runtime_heavy_packages": 1.0})  # fmt: skip
    rows = {line.split()[0]: line for line in table.splitlines()[1:]}
    assert rows["app_peak_rss_mb"].endswith("MISSED") and rows["llm_turn_overhead_p95_ms"].endswith("ok")
    assert rows["cold_start_served_max_s"].endswith("ok") and rows["cold_start_first_scored_p50_s"].endswith("ok")
    assert rows["scoring_batch_answers_per_s"].endswith("MISSED") and rows["runtime_heavy_packages"].endswith("MISSED")
    assert rows["cold_start_first_scored_max_s"].split() == ["cold_start_first_scored_max_s", "30"]  # no target
