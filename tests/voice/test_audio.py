"""load_wav on real files: espeak speech, tones, silence, long or oversized recordings, and files that are not audio."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from interviewer.settings import VoiceSettings
from interviewer.voice import AudioError, load_wav
from interviewer.voice.audio import RATE, clock
from tests.voice.conftest import read_samples, tone, write_wav


def test_espeak_speech_is_resampled_to_16k_mono(spoken: Path) -> None:
    samples, rate = read_samples(spoken)
    audio = load_wav(spoken)
    assert rate == 22050
    assert audio.seconds == pytest.approx(len(samples) / rate, abs=0.1)
    assert len(audio.pcm16k) == pytest.approx(2 * audio.seconds * RATE, abs=4)
    assert audio.rms == pytest.approx(np.sqrt(np.mean(samples**2)), rel=0.1)


def test_stereo_44k_is_downmixed(tmp_path: Path) -> None:
    left, right = tone(2.5, 44_100, amplitude=8000), tone(2.5, 44_100, amplitude=4000)
    audio = load_wav(write_wav(tmp_path / "stereo.wav", np.stack([left, right], axis=1), 44_100))
    assert audio.seconds == pytest.approx(2.5, abs=0.01)
    assert len(audio.pcm16k) == 2 * 40_000
    assert audio.rms == pytest.approx(6000 / np.sqrt(2), rel=0.02)  # the mean of the channels, a 6000-peak sine


@pytest.mark.parametrize(("width", "rate"), [(1, 8000), (2, 16_000), (3, 48_000), (4, 32_000)])
def test_every_pcm_width_reads_at_the_same_level(tmp_path: Path, width: int, rate: int) -> None:
    audio = load_wav(write_wav(tmp_path / f"w{width}.wav", tone(1.0, rate, amplitude=10_000), rate, width=width))
    assert audio.seconds == pytest.approx(1.0, abs=0.01)
    assert audio.rms == pytest.approx(10_000 / np.sqrt(2), rel=0.03)


def test_silence_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match=r"No speech was heard in this recording\. Check your microphone"):
        load_wav(write_wav(tmp_path / "silence.wav", np.zeros(3 * RATE), RATE))


def test_short_answer_in_long_quiet_recording_is_not_silence(tmp_path: Path) -> None:
    samples = np.concatenate([np.zeros(20 * RATE), tone(0.5, RATE, amplitude=3000)])
    assert load_wav(write_wav(tmp_path / "late.wav", samples, RATE)).seconds == pytest.approx(20.5)


def test_eleven_minutes_is_over_the_default_limit(tmp_path: Path) -> None:
    samples = np.concatenate([tone(1.0, 8000), np.zeros(659 * 8000)])  # 8 kHz 8-bit keeps the file at 5 MB
    path = write_wav(tmp_path / "long.wav", samples, 8000, width=1)
    with pytest.raises(AudioError) as info:
        load_wav(path)
    assert str(info.value) == "This recording is 11:00 long; answers are limited to 5:00. Record a shorter answer."


def test_duration_limit_comes_from_settings(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "ten.wav", tone(10.0, RATE), RATE)
    with pytest.raises(AudioError, match="0:10 long; answers are limited to 0:05"):
        load_wav(path, VoiceSettings(max_audio_s=5))
    assert load_wav(path, VoiceSettings(max_audio_s=11)).seconds == pytest.approx(10.0)


def test_size_is_checked_before_the_file_is_read(tmp_path: Path) -> None:
    junk = tmp_path / "big.wav"
    junk.write_bytes(np.random.default_rng(0).bytes(200_000))  # not a WAV: only the size check can name it
    with pytest.raises(AudioError, match=r"This file is 0\.2 MB; recordings are limited to 0\.1 MB"):
        load_wav(junk, VoiceSettings(max_audio_mb=0.1))


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.wav").write_bytes(b"")
    with pytest.raises(AudioError, match=r"empty \(0 bytes\)\. Record your answer again"):
        load_wav(tmp_path / "empty.wav")


def test_wav_with_no_frames(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="no sound in it"):
        load_wav(write_wav(tmp_path / "none.wav", np.zeros(0), RATE))


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "a PDF document"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(500), "an MP3 file"),
        (bytes(range(256)) * 4, "not an audio recording"),
        (b"RIFF\x24\x00\x00\x00AVI LIST", "not an audio recording"),
    ],
)
def test_not_a_wav(tmp_path: Path, content: bytes, named: str) -> None:
    (tmp_path / "answer.wav").write_bytes(content)
    with pytest.raises(AudioError) as info:
        load_wav(tmp_path / "answer.wav")
    assert (
        str(info.value)
        == f"This file is {named}, not a WAV recording. Upload a .wav file or record with the microphone."
    )


def test_float_wav_asks_for_pcm(tmp_path: Path) -> None:
    data = np.zeros(1600, dtype="<f4").tobytes()
    fmt = struct.pack("<HHIIHH", 3, 1, RATE, RATE * 4, 4, 32)  # format 3: IEEE float
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    (tmp_path / "float.wav").write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    with pytest.raises(AudioError, match="Save it as 16-bit PCM WAV"):
        load_wav(tmp_path / "float.wav")


def test_truncated_wav(tmp_path: Path) -> None:
    whole = write_wav(tmp_path / "whole.wav", tone(1.0, RATE), RATE).read_bytes()
    (tmp_path / "cut.wav").write_bytes(whole[:30])
    with pytest.raises(AudioError, match="cut short or damaged"):
        load_wav(tmp_path / "cut.wav")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="could not be found"):
        load_wav(tmp_path / "nope.wav")


def test_clock() -> None:
    assert [clock(s) for s in (0, 59.9, 300, 660)] == ["0:00", "0:59", "5:00", "11:00"]
