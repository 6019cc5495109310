"""`interviewer eval` the way a user runs it: a results folder, a summary table, thresholds, side-by-side runs."""

import json
import shutil
from pathlib import Path

import pytest
import yaml
from PIL import Image

from interviewer.cli import main
from interviewer.settings import REPO_ROOT


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real run of two suites, shared by the tests below (the index is built in a temporary data dir)."""
    out = tmp_path_factory.mktemp("eval") / "run"
    mp = pytest.MonkeyPatch()
    mp.setenv("INTERVIEWER_DATA_DIR", str(out.parent / "data"))
    try:
        assert main(["eval", "scenario", "robustness", "--out", str(out), "--check"]) == 0
    finally:
        mp.undo()
    return out


def test_results_folder_has_json_report_transcripts_and_charts(run_dir: Path) -> None:
    results = json.loads((run_dir / "results.json").read_text())
    assert list(results["suites"]) == ["scenario", "robustness"] and results["misses"] == []
    scenario = results["suites"]["scenario"]["figures"]
    assert scenario["sessions"] == 36 and scenario["reaches_wrap_up_rate"] == 1.0
    assert results["meta"]["engine"] == "offline" and results["meta"]["candidate"] == "offline"
    report = (run_dir / "report.md").read_text()
    assert "| scenario | stage_progression_rate | 1 | >= 1 | ok |" in report
    charts = sorted(p.name for p in (run_dir / "charts").glob("*.png"))
    assert charts == ["behaviour.png", "personas-scenario.png", "quality.png"]
    for chart in charts:
        assert f"(charts/{chart})" in report
        with Image.open(run_dir / "charts" / chart) as img:
            assert img.format == "PNG" and img.width == 900
    lines = (run_dir / "transcripts.jsonl").read_text().splitlines()
    assert len(lines) == 36 and {json.loads(line)["suite"] for line in lines} == {"scenario"}
    first = json.loads(lines[0])
    assert first["turns"][0]["kind"] == "greeting" and first["truth"]


def test_summary_table_and_progress(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["eval", "robustness", "--out", str(tmp_path / "r")]) == 0
    out, err = capsys.readouterr()
    assert "robustness  crash_free_rate" in out and "results: " in out
    assert "eval: 100%" in err  # the progress bar


def test_check_fails_on_a_regression(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    evals = tmp_path / "evals"
    shutil.copytree(REPO_ROOT / "evals", evals)
    bounds = yaml.safe_load((evals / "thresholds.yaml").read_text())
    bounds["robustness"]["slowest_turn_ms"] = 1e9  # a floor no run can reach
    (evals / "thresholds.yaml").write_text(yaml.safe_dump(bounds))
    monkeypatch.setenv("INTERVIEWER_EVALS_DIR", str(evals))
    from interviewer.settings import get_settings

    get_settings.cache_clear()
    assert main(["eval", "robustness", "--check", "--out", str(tmp_path / "r")]) == 1
    assert "regression: robustness.slowest_turn_ms" in capsys.readouterr().err
    report = (tmp_path / "r" / "report.md").read_text()
    assert "REGRESSION" in report and "robustness.slowest_turn_ms" in report


def test_compare_puts_runs_side_by_side(run_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(run_dir, other)
    data = json.loads((other / "results.json").read_text())
    data["meta"] |= {"engine": "llm", "model": "some-model"}
    (other / "results.json").write_text(json.dumps(data))
    assert main(["eval", "--compare", str(run_dir), str(other)]) == 0
    out = capsys.readouterr().out
    assert "offline:- (run)" in out and "llm:some-model (other)" in out
    assert "scenario.stage_progression_rate" in out


def test_clear_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["eval", "dialogue", "--engine", "llm"]) == 2
    assert "INTERVIEWER_LLM__BASE_URL" in capsys.readouterr().err
    assert main(["eval", "--judge"]) == 2
    assert main(["eval", "nonsense"]) == 2
    assert "choose from retrieval, scoring, dialogue, scenario, robustness" in capsys.readouterr().err
    assert main(["eval", "--compare", str(tmp_path)]) == 2
    assert "no results.json" in capsys.readouterr().err
