"""A regular (non-editable) install works: the bank, the prompts and the models ship inside the wheel."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from interviewer.settings import REPO_ROOT


def test_the_wheel_alone_checks_the_bank_and_scores_an_answer(tmp_path: Path) -> None:
    wheels, target, elsewhere = tmp_path / "wheels", tmp_path / "site", tmp_path / "cwd"
    elsewhere.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    # no build isolation and no dependencies: nothing is downloaded, the venv's setuptools builds the wheel
    source = tmp_path / "source"  # a copy: building writes build/ and egg-info beside the sources
    shutil.copytree(REPO_ROOT / "interviewer", source / "interviewer", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO_ROOT / name, source / name)
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(source)], check=True)
    (wheel,) = wheels.glob("interviewer-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEWER_")}
    # the wheel's package comes first on the path (the editable install's finder is only consulted after it)
    env |= {"PYTHONPATH": str(target), "INTERVIEWER_DATA_DIR": str(tmp_path / "data")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "interviewer", *args], cwd=elsewhere, env=env, capture_output=True, text=True
        )

    where = subprocess.run(
        [sys.executable, "-c", "import interviewer, interviewer.settings as s; print(interviewer.__file__);"
         "print(s.get_settings().knowledge_dir)"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    ).stdout.split("\n")  # fmt: skip
    assert where[0].startswith(str(target)) and where[1].startswith(str(target)), where
    check = run("bank", "check")
    assert check.returncode == 0, check.stderr
    scored = run(
        "score", "--question-id", "pyd-gil-concurrency", "--json", "--answer",
        "Only one thread runs Python bytecode at a time because of the GIL, so for CPU-bound work I use "
        "multiprocessing, and threads or asyncio for I/O-bound work.",
    )  # fmt: skip
    assert scored.returncode == 0, scored.stderr
    result = json.loads(scored.stdout)
    assert result["score"] is not None and result["score"] > 0
