"""Voice to voice, as `interviewer bench` measures it: real espeak-ng answers through conversation mode's path."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from interviewer.bench.voice import run_voice_bench, speech_end_s
from interviewer.settings import get_settings


def test_speech_end_is_where_the_voice_stops() -> None:
    rate = 16000
    voice = np.concatenate([np.zeros(rate // 2), 3000 * np.sin(np.arange(rate) / 5), np.zeros(rate)])
    assert speech_end_s(voice.astype("<i2"), rate) == pytest.approx(1.5, abs=0.02)
    assert speech_end_s(np.zeros(rate, "<i2"), rate) == 0.0


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")
def test_two_spoken_answers_are_timed(tmp_path: Path) -> None:
    figures = run_voice_bench(get_settings(), tmp_path, answers=2)
    assert figures["voice_to_voice_turns"] == 2
    # at least the policy's shortest wait after the last word, and not a stalled stream (no speed is asserted)
    low = get_settings().voice.turns.end_after_sentence_s * 1000
    assert low <= figures["voice_to_voice_p50_ms"] <= figures["voice_to_voice_p95_ms"] < 60_000


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")
def test_a_spoken_turn_with_an_llm_is_timed(tmp_path: Path) -> None:
    """The same path with the judge and the policy on the local test server (it raises if the model is not asked)."""
    figures = run_voice_bench(get_settings(), tmp_path, answers=1, llm_delay_s=0.5)
    assert figures["voice_to_voice_llm_turns"] == 1
    assert 500 <= figures["voice_to_voice_llm_p50_ms"] < 60_000  # the model's own latency at least
