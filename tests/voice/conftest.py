"""Real audio for the voice tests: espeak-ng speaks, numpy writes silence, noise and tones."""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

ESPEAK = shutil.which("espeak-ng") or "/usr/bin/espeak-ng"
needs_espeak = pytest.mark.skipif(not Path(ESPEAK).exists(), reason="espeak-ng is not installed")

SENTENCE = "I would check the recent deployments and roll back the release, then read the logs"
# A word every recogniser tried so far hears in espeak-ng's default voice (Whisper tiny.en hears the sentence with
# 3 word errors in 15: "I will check the recent deployment and roll back the release and then read the logs").
EXPECTED_WORD = "release"


def write_wav(path: Path, samples: np.ndarray, rate: int, width: int = 2) -> Path:
    """`samples` are floats on the int16 scale, shape (n,) or (n, channels); written as integer PCM of `width`."""
    frames = samples if samples.ndim == 2 else samples[:, None]
    scaled = np.clip(np.round(frames), -32768, 32767)
    if width == 1:
        data = (scaled / 256 + 128).clip(0, 255).astype(np.uint8).tobytes()
    elif width == 2:
        data = scaled.astype("<i2").tobytes()
    elif width == 3:
        data = (scaled.astype("<i4") * 65536).view(np.uint8).reshape(-1, 4)[:, 1:].tobytes()
    else:
        data = (scaled.astype("<i4") * 65536).tobytes()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(frames.shape[1])
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(data)
    return path


def tone(seconds: float, rate: int, amplitude: float = 8000.0, hz: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return amplitude * np.sin(2 * np.pi * hz * t)


def espeak(text: str, path: Path) -> Path:
    subprocess.run([ESPEAK, "-w", str(path), "--", text], check=True, capture_output=True)
    return path


def read_samples(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64), w.getframerate()


@pytest.fixture(scope="session")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sentence as espeak-ng speaks it: 22050 Hz mono 16-bit, about 4.6 s."""
    if not Path(ESPEAK).exists():
        pytest.skip("espeak-ng is not installed")
    return espeak(SENTENCE, tmp_path_factory.mktemp("voice") / "sentence.wav")
