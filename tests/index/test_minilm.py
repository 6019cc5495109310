"""The embedding model on ONNX Runtime: the same vectors as the PyTorch model, and no PyTorch at run time."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from interviewer.index.minilm import AGREE, DIMENSION, MiniLM, agreement

SENTENCES = [
    "The GIL lets only one thread execute Python bytecode at a time.",
    "I'd load it in batches with COPY, not row-by-row inserts.",
    "ok",
    "",
    "Um, so basically, I'd, like, profile it first? " * 40,  # longer than the 256 tokens the model reads
    "Ünïcödé, emoji 🚀 and 中文 survive the tokenizer.",
]


def test_vectors_match_the_pytorch_model() -> None:
    assert agreement(SENTENCES) >= AGREE


def test_vectors_are_unit_length_and_order_does_not_matter() -> None:
    model = MiniLM()
    one = model.encode(SENTENCES, batch_size=2)
    assert one.shape == (len(SENTENCES), DIMENSION)
    assert np.allclose(np.linalg.norm(one, axis=1), 1.0, atol=1e-4)
    back = model.encode(SENTENCES[::-1], batch_size=4)[::-1]
    assert np.allclose(one, back, atol=1e-4)  # batching by length never mixes up rows


def test_scoring_and_search_never_import_torch(tmp_path: Path) -> None:
    """A scored answer and a search, in a fresh process: PyTorch may sit in this venv (the train extra), but the
    app never loads it."""
    code = (
        "import sys\n"
        "from interviewer.service import Service\n"
        "from interviewer.settings import get_settings\n"
        "from interviewer.scoring.rubric import rubric_for\n"
        "from interviewer.scoring.scorer import OfflineScorer\n"
        "from interviewer.ui.interview_page import build_app\n"
        "service = Service(get_settings())\n"
        "build_app(service)\n"
        "assert service.index.search('the GIL and threads', k=1)[0].id == 'pyd-gil-concurrency'\n"
        "r = OfflineScorer().score(rubric_for(service.bank, 'pyd-gil-concurrency'), 'Threads share one GIL, so for "
        "CPU work I use multiprocessing.')\n"
        "assert r.score is not None\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))\n"
    )
    env = os.environ | {"INTERVIEWER_DATA_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout


def test_the_check_command_compares_the_bank_texts(capsys: pytest.CaptureFixture[str]) -> None:
    from interviewer.cli import main

    assert main(["embedder", "check"]) == 0
    out = capsys.readouterr().out
    assert "lowest cosine to the PyTorch model 0.99" in out and f"at least {AGREE}" in out
