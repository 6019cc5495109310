"""Delivery from the recording itself: talk time and mid-answer pauses, by voice activity detection."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from interviewer.settings import Settings
from interviewer.voice import get_transcriber, load_wav
from interviewer.voice.timing import LONG_PAUSE_S, speech_timing
from tests.voice.conftest import espeak, needs_espeak, read_samples, write_wav


def _with_gap(tmp_path: Path, gap_s: float) -> Path:
    first, rate = read_samples(espeak("I would profile the endpoint first.", tmp_path / "a.wav"))
    second, _ = read_samples(espeak("Then I would add an index and measure again.", tmp_path / "b.wav"))
    lead = np.zeros(int(0.8 * rate))  # silence before starting is not a pause
    joined = np.concatenate([lead, first, np.zeros(int(gap_s * rate)), second])
    return write_wav(tmp_path / f"gap-{gap_s}.wav", joined, rate)


@needs_espeak
def test_a_long_silence_mid_answer_is_a_long_pause_and_not_talk(tmp_path: Path) -> None:
    timing = speech_timing(load_wav(_with_gap(tmp_path, 3.0)))
    assert timing.long_pauses == 1 and timing.longest_pause_s == pytest.approx(3.0, abs=0.6)
    assert timing.talk_seconds < timing.seconds - 3.0 - 0.5


@needs_espeak
def test_a_breath_between_sentences_is_not_a_long_pause(tmp_path: Path) -> None:
    timing = speech_timing(load_wav(_with_gap(tmp_path, 0.6)))
    assert timing.long_pauses == 0 and timing.longest_pause_s < LONG_PAUSE_S


@needs_espeak
def test_a_transcript_carries_the_recordings_timing(tmp_path: Path) -> None:
    heard = get_transcriber(Settings(data_dir=tmp_path)).transcribe(_with_gap(tmp_path, 2.5))
    assert heard.speech is not None and heard.speech.long_pauses == 1
    assert heard.speech.seconds == pytest.approx(heard.seconds, abs=0.01)
    rate = heard.speech.words_per_minute
    assert rate is not None and rate == pytest.approx(60 * len(heard.text.split()) / heard.speech.talk_seconds, abs=1.0)
    assert 100 < rate < 260  # espeak-ng speaks at 175 words per minute by default
