"""Delivery from the recording itself: how long the candidate talked and where they paused.

Voice activity detection is Silero VAD, the ONNX model that ships inside faster-whisper (`faster_whisper.vad`), run
on onnxruntime: about 2 ms per second of audio. Pauses are the silences between the first and the last speech, so
the moments before starting and after finishing do not count.
"""

from __future__ import annotations

import itertools

import numpy as np

from interviewer.scoring.models import Speech
from interviewer.voice.audio import RATE, Audio

LONG_PAUSE_S = 2.0  # a silence this long mid-answer is a pause a listener notices, not a breath between sentences


def speech_timing(audio: Audio, words: int | None = None) -> Speech:
    """`words`: how many were heard, for the speaking rate over the time spent talking."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    samples = np.frombuffer(audio.pcm16k, dtype="<i2").astype(np.float32) / 32768.0
    found = get_speech_timestamps(samples, VadOptions(speech_pad_ms=0, min_silence_duration_ms=300), RATE)
    spans = [(s["start"] / RATE, s["end"] / RATE) for s in found]
    gaps = [b[0] - a[1] for a, b in itertools.pairwise(spans)]
    talk = sum(e - s for s, e in spans)
    return Speech(
        seconds=round(audio.seconds, 2),
        talk_seconds=round(talk, 2),
        words_per_minute=round(60 * words / talk, 1) if words and talk > 0 else None,
        long_pauses=sum(g >= LONG_PAUSE_S for g in gaps),
        longest_pause_s=round(max(gaps, default=0.0), 2),
    )
