"""Turn-taking for the hands-free interview, on real espeak-ng speech streamed in 100 ms chunks through Silero VAD
and Whisper tiny.en: pauses mid-thought never end a turn, a finished answer does, "let me think" holds, silence gets
one nudge and then ends as a non-answer."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import numpy as np
import pytest

from interviewer.settings import TurnTakingSettings
from interviewer.voice.audio import RATE, load_wav
from interviewer.voice.stt import WhisperTranscriber
from interviewer.voice.turns import FRAME, FRAME_S, Event, Listener, Stretches, VoiceActivity, end_of_turn, is_open

from .conftest import espeak, needs_espeak

POLICY = TurnTakingSettings()
QUESTION = "The payment service is failing. How would you start?"


@pytest.mark.parametrize(
    ("text", "open_"),
    [
        ("I'd check the error rate and", True),
        ("I'd check the error rate and...", True),
        ("The first thing I do is...", True),
        ("So the", True),
        ("I'd roll back, um.", True),  # Whisper closes a trailing filler with a full stop
        ("I'd check the dashboards,", True),
        ("", True),
        ("I'd roll back the last deploy.", False),
        ("Would a rollback help?", False),
        ("It's not worth arguing about.", False),  # a sentence may end on a preposition
        ("It's not worth arguing about", True),
        ("It's not worth arguing about...", True),
        ("The first thing I'd do is.", True),  # Whisper closes a cut-off clause with a full stop
    ],
)
def test_open_clauses(text: str, open_: bool) -> None:
    assert is_open(text) is open_


def test_the_policy_waits_longer_for_an_unfinished_thought() -> None:
    long = "I'd look at the error rate and the latency on the dashboards first, then the logs of the failing calls."
    assert len(long.split()) >= POLICY.short_answer_words
    assert end_of_turn(POLICY, long, POLICY.end_after_sentence_s, spoke=True) == "end"
    assert end_of_turn(POLICY, long, POLICY.end_after_sentence_s - 0.1, spoke=True) == "wait"
    assert end_of_turn(POLICY, long[:-1] + " and", 1.5, spoke=True) == "wait"
    assert end_of_turn(POLICY, long[:-1] + " and", POLICY.end_after_open_s, spoke=True) == "end"
    short = "I'd roll back first."  # a first thought, not yet a whole answer
    assert end_of_turn(POLICY, short, 1.0, spoke=True) == "wait"
    assert end_of_turn(POLICY, short, POLICY.end_after_short_s, spoke=True) == "end"
    assert end_of_turn(POLICY, "Let me think.", 30.0, spoke=True, holding=True) == "wait"
    assert end_of_turn(POLICY, "Let me think.", POLICY.hold_s, spoke=True, holding=True) == "end"


def test_silence_before_any_speech_is_nudged_once_then_given_up() -> None:
    assert end_of_turn(POLICY, "", POLICY.nudge_after_s - 0.1, spoke=False) == "wait"
    assert end_of_turn(POLICY, "", POLICY.nudge_after_s, spoke=False) == "nudge"
    assert end_of_turn(POLICY, "", POLICY.nudge_after_s + 1, spoke=False, nudged=True) == "wait"
    assert end_of_turn(POLICY, "", POLICY.give_up_after_s, spoke=False, nudged=True) == "give_up"


@needs_espeak
def test_streamed_vad_matches_the_whole_recording(tmp_path: Path) -> None:
    """Frame by frame, in uneven chunks, the model's state carries over: the same probabilities as one call."""
    samples = np.concatenate([_samples(espeak("I would roll back the last deploy.", tmp_path / "a.wav")), _silence(1)])
    whole = VoiceActivity().feed(samples)
    vad, parts, i = VoiceActivity(), [], 0
    for size in [700, 1600, 333, 5000] * 100:
        parts.append(vad.feed(samples[i : i + size]))
        i += size
        if i >= len(samples):
            break
    streamed = np.concatenate(parts)
    assert len(whole) == len(streamed) == len(samples) // FRAME
    assert np.allclose(whole, streamed, atol=1e-4)
    assert whole.max() > 0.9 and whole[-10:].max() < 0.5  # speech found, and the second of silence is not speech


def _samples(path: Path) -> np.ndarray:
    return np.frombuffer(load_wav(path).pcm16k, dtype="<i2").astype(np.float32) / 32768.0


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.float32)


@pytest.fixture(scope="module")
def whisper() -> WhisperTranscriber:
    w = WhisperTranscriber()
    w.load()
    return w


def _stream(parts: list[np.ndarray], whisper: WhisperTranscriber) -> tuple[list[Event], float]:
    """Feed the parts in 100 ms chunks; returns the events and when the last speech part ended."""
    audio = np.concatenate(parts)
    listener = Listener(POLICY, Stretches(whisper, QUESTION, window_s=POLICY.window_s))
    events = []
    for i in range(0, len(audio), RATE // 10):
        events += listener.feed(audio[i : i + RATE // 10])
    return events, sum(len(p) for p in parts[:-1]) / RATE


@needs_espeak
@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("I would start by checking the error rate and", "then I would look at the logs for the failing requests."),
        ("The first thing I would do is, um", "roll back the last deploy, and then watch the error rate."),
    ],
)
def test_a_pause_mid_thought_does_not_end_the_turn(
    tmp_path: Path, whisper: WhisperTranscriber, first: str, second: str
) -> None:
    parts = [_samples(espeak(first, tmp_path / "1.wav")), _silence(1.5), _samples(espeak(second, tmp_path / "2.wav"))]
    events, spoken_until = _stream([*parts, _silence(5.0)], whisper)
    ends = [e for e in events if e.kind == "end"]
    assert len(ends) == 1 and ends[0].at_s > spoken_until - 0.5, [(e.kind, e.at_s, e.text) for e in events]
    assert ends[0].at_s <= spoken_until + POLICY.end_after_open_s  # and it does end once they stop
    words = [e for e in events if e.kind == "words"]
    assert len(words) >= 2 and words[0].at_s < spoken_until - 1.5  # the first words show while they still talk
    assert "log" in ends[0].text.lower() or "roll" in ends[0].text.lower()
    assert ends[0].audio is not None and len(ends[0].audio) >= sum(len(p) for p in parts)
    kinds = [e.status for e in events if e.kind == "status"]
    assert kinds == ["hearing", "thinking"]


@needs_espeak
def test_let_me_think_holds_the_turn(tmp_path: Path, whisper: WhisperTranscriber) -> None:
    parts = [
        _samples(espeak("Let me think about that for a moment.", tmp_path / "1.wav")),
        _silence(6.0),
        _samples(espeak("I would put payments on a queue, with retries and an idempotency key.", tmp_path / "2.wav")),
    ]
    events, spoken_until = _stream([*parts, _silence(4.0)], whisper)
    ends = [e for e in events if e.kind == "end"]
    assert len(ends) == 1 and ends[0].at_s > spoken_until - 0.5, [(e.kind, e.at_s, e.text) for e in events]
    assert "queue" in ends[0].text.lower()


def test_silence_gets_a_nudge_then_ends_empty(whisper: WhisperTranscriber) -> None:
    events, _ = _stream([_silence(POLICY.give_up_after_s + 1), _silence(0.1)], whisper)
    assert [(e.kind, round(e.at_s)) for e in events if e.kind in ("nudge", "end")] == [
        ("nudge", round(POLICY.nudge_after_s)),
        ("end", round(POLICY.give_up_after_s)),
    ]
    assert events[-1].text == ""


@needs_espeak
def test_a_finished_answer_ends_soon_after_it_stops(tmp_path: Path, whisper: WhisperTranscriber) -> None:
    said = (
        "I would check the dashboards for the error rate and latency, look at what was deployed last, "
        "and roll it back if the errors started with it."
    )
    events, spoken_until = _stream([_samples(espeak(said, tmp_path / "1.wav")), _silence(4.0)], whisper)
    (end,) = [e for e in events if e.kind == "end"]
    assert spoken_until - 0.5 < end.at_s <= spoken_until + POLICY.end_after_sentence_s + 0.1


LONG_ANSWER = (
    "First I would look at the dashboards for the error rate and the latency of the payment calls. "
    "Then I would check what was deployed in the last hour, and roll it back if the errors started with it. "
    "While that runs, I would read the logs of the failing requests to see which dependency is timing out. "
    "Finally I would tell support and the product owner what we know, and when they will hear from us next."
)


@needs_espeak
def test_a_long_answer_is_heard_while_it_is_spoken_and_read_ahead(tmp_path: Path, whisper: WhisperTranscriber) -> None:
    """Stretches are heard on the listener's own thread while the stream goes on; a long one closes at a shorter
    pause, so the end of the turn waits for a short last stretch only; and as words are heard, the answer so far is
    handed to `prepare` (the service reads it ahead, so the turn finds it read)."""
    audio = np.concatenate([_samples(espeak(LONG_ANSWER, tmp_path / "1.wav")), _silence(4.0)])
    spoken_until = (len(audio) - 4.0 * RATE) / RATE
    prepared: list[str] = []
    listener = Listener(POLICY, Stretches(whisper, QUESTION, window_s=POLICY.window_s), prepare=prepared.append)
    events: list[Event] = []
    for i in range(0, len(audio), RATE // 10):
        events += listener.feed(audio[i : i + RATE // 10])
    (end,) = [e for e in events if e.kind == "end"]
    assert spoken_until - 0.5 < end.at_s <= spoken_until + POLICY.end_after_sentence_s + 0.3
    assert len(listener.spoken) >= 3  # espeak-ng leaves no 0.5 s pause in it: the long stretches closed earlier
    assert listener.spoken[0][1] * FRAME_S < spoken_until - 5  # and went to be heard while the answer went on
    assert len([e for e in events if e.kind == "words"]) >= 3
    assert "roll" in end.text.lower() and "support" in end.text.lower()
    deadline = time.monotonic() + 30  # the last read-ahead is queued behind the last stretch's words
    while end.text not in prepared and time.monotonic() < deadline:
        time.sleep(0.05)
    assert prepared and prepared[-1] == end.text  # the newest words only: fed this fast, earlier ones are skipped
    assert all(later.startswith(earlier) for earlier, later in itertools.pairwise(prepared))  # kept


@needs_espeak
def test_a_stretch_heard_early_is_not_heard_again(tmp_path: Path, whisper: WhisperTranscriber) -> None:
    """At a short pause the open stretch is already sent to be heard; when nothing more is said, those words are
    kept, and the stretch is heard once."""
    stretches = Stretches(whisper, QUESTION, window_s=POLICY.window_s)
    heard: list[int] = []

    def counted(samples: np.ndarray, before: str) -> tuple[str, float]:
        heard.append(len(samples))
        return stretches(samples, before)

    audio = np.concatenate([_samples(espeak("I would roll back the last deploy", tmp_path / "1.wav")), _silence(4)])
    listener = Listener(POLICY, counted)
    events: list[Event] = []
    for i in range(0, len(audio), RATE // 10):
        events += listener.feed(audio[i : i + RATE // 10])
    (end,) = [e for e in events if e.kind == "end"]
    assert "roll" in end.text.lower() and len(listener.spoken) == 1
    assert len(heard) == 1


@needs_espeak
def test_a_closed_listener_hears_nothing_more(tmp_path: Path, whisper: WhisperTranscriber) -> None:
    """A turn abandoned mid-answer (the tab closed): its threads stop taking work, and more audio is ignored."""
    read: list[str] = []
    listener = Listener(POLICY, Stretches(whisper, QUESTION, window_s=POLICY.window_s), prepare=read.append)
    audio = np.concatenate([_samples(espeak("I would roll back the last deploy.", tmp_path / "1.wav")), _silence(0.6)])
    for i in range(0, len(audio), RATE // 10):
        listener.feed(audio[i : i + RATE // 10])
    listener.close()
    assert listener.done and listener.feed(audio) == []
    listener._read_ahead("more words")  # nothing is read for a closed turn
    time.sleep(0.2)
    assert "more words" not in read
