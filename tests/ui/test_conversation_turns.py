"""Conversation mode's server side with the real service, models and SQLite: microphone chunks in, each answer sent
when the turn-taking policy says it is over, the reply read aloud, and a barge-in only for clearly strong speech."""

from __future__ import annotations

import subprocess
import time
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from interviewer.bank.loader import Bank
from interviewer.index.store import BankIndex
from interviewer.interview.models import Plan
from interviewer.service import Service
from interviewer.settings import get_settings
from interviewer.testing.fake_openai import FakeOpenAI
from interviewer.ui.conversation import FIX_IT, NUDGE, SAY_AGAIN, Conversation, mono_16k

pytestmark = pytest.mark.skipif(subprocess.run(["which", "espeak-ng"], capture_output=True).returncode != 0,
                                reason="espeak-ng is not installed")  # fmt: skip

ANSWER = (
    "I would check the dashboards for the error rate and latency, look at what was deployed last, "
    "and roll it back if the errors started with it."
)
RATE = 22050
IN_STEP = 60.0  # each chunk's request waits until its chunk is read, so the outputs line up with the audio


def speech(text: str, tmp_path: Path) -> np.ndarray:
    out = tmp_path / f"{abs(hash(text))}.wav"
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(out), text], check=True, capture_output=True)
    with wave.open(str(out)) as w:
        assert w.getframerate() == RATE
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype="<i2")


def stream(conv: Conversation, sid: str, audio: np.ndarray, speak: bool = True) -> list[tuple]:
    """Half-second chunks (the page sends tenths, `CHUNK_S`; larger ones keep the test short): (rate, int16 samples)."""
    step = RATE // 2
    return [conv.listen((RATE, audio[i : i + step]), sid, speak) for i in range(0, len(audio), step)]


def given(outputs: list[tuple], index: int) -> list[Any]:
    """The values an output got, skips left out."""
    return [o[index] for o in outputs if o[index] != {"__type__": "update"}]


@pytest.fixture
def service(bank: Bank, built_index: BankIndex) -> Service:
    return Service(get_settings(), bank=bank, index=built_index)


def test_an_answer_is_sent_when_it_is_over_and_the_reply_read_aloud(service: Service, tmp_path: Path) -> None:
    session = service.start(Plan(tracks=["python-developer"], level="intermediate", questions=0, mode="practice",
                                 scenario="production-bug"))  # fmt: skip
    conv = Conversation(service, wait_s=IN_STEP)
    first, then = ANSWER.split(", look")
    said = [silence(0.5), speech(first + ".", tmp_path), silence(1.0), speech("I'd look" + then, tmp_path), silence(3)]
    out = stream(conv, session.id, np.concatenate(said))
    statuses = given(out, 5)
    assert any(s.startswith("Hearing you: \u201c") for s in statuses)  # words while the turn was still open
    (said,) = given(out, 4)
    assert said.strip() and said.endswith("?")  # the interviewer's reply, for the page to read aloud
    stored = service.load(session.id)
    assert stored is not None
    answers = [t for t in stored.turns if t.role == "candidate"]
    assert len(answers) == 1 and "roll" in answers[0].text.lower()
    scored = answers[0].score
    assert scored is not None and (scored.delivery.talk_seconds or 0) > 3  # delivery from the audio itself
    assert given(out, 7) == []  # nobody barged in

    # While the reply is being read, quiet speech (the page's own voice after echo cancellation) is not listened to
    quiet = (speech(ANSWER, tmp_path) * 0.02).astype("<i2")
    out = stream(conv, session.id, quiet[: RATE * 2])
    assert given(out, 5) == ["Speaking\u2026"] * len(out) and given(out, 7) == []
    # ... but the candidate talking over it stops the voice and is heard
    out = stream(conv, session.id, np.concatenate([speech("Sorry, one more thing: I would also tell support.",
                                                          tmp_path), silence(3.0)]))  # fmt: skip
    assert len(given(out, 7)) == 1  # one stop signal
    assert len(given(out, 4)) == 1  # and that turn, too, was answered
    stored = service.load(session.id)
    assert stored is not None and len([t for t in stored.turns if t.role == "candidate"]) == 2


def test_silence_gets_one_nudge_and_no_turn(service: Service) -> None:
    session = service.start(Plan(tracks=["python-developer"], level="intermediate", questions=1, mode="practice"))
    conv = Conversation(service, wait_s=IN_STEP)
    out = stream(conv, session.id, silence(service.settings.voice.turns.nudge_after_s + 2), speak=False)
    assert given(out, 5).count(NUDGE) == 1
    stored = service.load(session.id)
    assert stored is not None and not [t for t in stored.turns if t.role == "candidate"]


def test_chunks_from_the_browser_become_16k_mono() -> None:
    stereo = np.stack([np.full(48000, 16384, "<i2"), np.zeros(48000, "<i2")], axis=1)
    mono = mono_16k((48000, stereo))
    assert len(mono) == 16000 and abs(float(mono[8000]) - 0.25) < 0.01
    assert len(mono_16k((16000, np.zeros(320, "<i2")))) == 320


def test_without_a_session_it_says_so(service: Service) -> None:
    out = Conversation(service, wait_s=IN_STEP).listen((RATE, silence(0.5)), "", True)
    assert "Start an interview first" in out[3]


@pytest.mark.parametrize("action", ["ask", "fix"])
def test_a_turn_heard_unsure_is_not_scored(bank: Bank, built_index: BankIndex, tmp_path: Path, action: str) -> None:
    """Speech played backwards: Whisper hears something ("Thank you so much for watching..."), but is unsure of it
    (mean log-probability about -1, against -0.2 to -0.8 for our spoken answers), so nothing is graded."""
    settings = get_settings().model_copy(deep=True)
    settings.voice.turns.unsure_action = action  # type: ignore[assignment]
    service = Service(settings, bank=bank, index=built_index)
    session = service.start(Plan(tracks=["python-developer"], level="intermediate", questions=1, mode="practice"))
    backwards = speech("I would check the dashboards for the error rate and roll back the last release.", tmp_path)
    conv = Conversation(service, wait_s=IN_STEP)
    # silence enough to end the turn whatever Whisper makes of it: an open-ended transcript waits longest
    after = settings.voice.turns.end_after_open_s + 1.0
    out = stream(conv, session.id, np.concatenate([silence(0.5), backwards[::-1], silence(after)]))
    stored = service.load(session.id)
    assert stored is not None and not [t for t in stored.turns if t.role == "candidate"]
    assert given(out, 0) == []  # the chat never changed
    if action == "ask":
        assert given(out, 4) == [SAY_AGAIN] and SAY_AGAIN in given(out, 5)
    else:
        (box,) = given(out, 6)
        assert box.strip() and FIX_IT in given(out, 3) and given(out, 4) == []


SAID = "I would roll back the last deploy and watch the error rate."


@pytest.mark.parametrize("endpoint_works", [True, False])
def test_live_turns_are_heard_by_the_configured_endpoint(
    bank: Bank, built_index: BankIndex, tmp_path: Path, endpoint_works: bool
) -> None:
    """With a transcription endpoint configured, a live turn's stretches go to it, as a recorded answer does; when
    it fails, the offline recogniser hears the turn and the page says so."""
    with FakeOpenAI() as server:
        settings = get_settings().model_copy(deep=True)
        settings.voice.stt_base_url = server.base_url
        service = Service(settings, bank=bank, index=built_index)
        assert service.stt_engine == "openai:whisper-1"
        session = service.start(Plan(tracks=["python-developer"], level="intermediate", questions=0,
                                     mode="practice", scenario="production-bug"))  # fmt: skip
        server.enqueue_transcript(*([SAID] if endpoint_works else [500, 500]))  # the client retries a 500 once
        said = np.concatenate([silence(0.5), speech(SAID, tmp_path), silence(3)])
        out = stream(Conversation(service, wait_s=IN_STEP), session.id, said)
        asked = server.audio_requests("transcriptions")
        assert len(asked) == (1 if endpoint_works else 2)  # one stretch; after the failure, never asked again
        assert all(a["body"]["file.filename"] == "stretch.wav" for a in asked)
        stored = service.load(session.id)
        assert stored is not None
        (answer,) = [t for t in stored.turns if t.role == "candidate"]
        notices = " ".join(given(out, 3))
        if endpoint_works:
            assert answer.text == SAID and "endpoint failed" not in notices
        else:
            assert "roll" in answer.text.lower() and answer.text != SAID  # Whisper's own words
            assert "The transcription endpoint failed (InternalServerError" in notices


def test_no_chunk_is_lost_when_requests_return_before_their_chunk_is_read(service: Service, tmp_path: Path) -> None:
    """Gradio keeps only the newest chunk that arrives while the handler is busy, so the handler must not wait for
    Whisper: here every request returns at once (wait_s=0), far faster than the chunks can be read, and the whole
    answer is still heard, in order, and sent once; the events come back with later requests."""
    session = service.start(Plan(tracks=["python-developer"], level="intermediate", questions=0, mode="practice",
                                 scenario="production-bug"))  # fmt: skip
    conv = Conversation(service, wait_s=0.0)
    out = stream(conv, session.id, np.concatenate([silence(0.5), speech(ANSWER, tmp_path), silence(3)]))
    for _ in range(600):  # keep the microphone open (silence) until the turn has come back
        if given(out, 4):
            break
        out.append(conv.listen((RATE, silence(0.5)), session.id, True))
        time.sleep(0.05)
    (said,) = given(out, 4)
    assert said.strip()
    stored = service.load(session.id)
    assert stored is not None
    (answer,) = [t for t in stored.turns if t.role == "candidate"]
    words = answer.text.lower()
    assert "dashboard" in words and "roll" in words and words.index("dashboard") < words.index("roll"), answer.text


def test_audio_that_never_arrived_is_reported(service: Service, caplog: pytest.LogCaptureFixture) -> None:
    """Less audio than time passed means chunks went missing between the page and the handler (Gradio drops a chunk
    that arrives while the handler is busy): the log says how much, once it is a second or more."""
    session = service.start(Plan(tracks=["python-developer"], level="intermediate", questions=0, mode="practice",
                                 scenario="production-bug"))  # fmt: skip
    conv = Conversation(service, wait_s=0.0)
    tenth = silence(0.1)
    with caplog.at_level("WARNING", logger="interviewer.ui.conversation"):
        conv.listen((RATE, tenth), session.id, False)
        conv.listen((RATE, tenth), session.id, False)
        assert not [r for r in caplog.records if "did not arrive" in r.getMessage()]
        time.sleep(1.3)  # twelve chunks' worth of time, one chunk of audio
        conv.listen((RATE, tenth), session.id, False)
    (lost,) = [r.getMessage() for r in caplog.records if "did not arrive" in r.getMessage()]
    assert session.id in lost and "1." in lost


def test_the_chunk_size_is_what_the_page_sends() -> None:
    """Gradio's streaming microphone sends a tenth of a second per request whatever `stream_every` says (its audio
    component sets 0.1 itself): the bench replays that, and the request's wait stays well under it."""
    import gradio

    from interviewer.ui.conversation import CHUNK_S, WAIT_S

    assets = Path(gradio.__file__).parent / "templates" / "frontend" / "assets"
    forced = [f for f in assets.glob("audio-*.js") if "props.stream_every=.1" in f.read_text(encoding="utf-8")]
    assert forced and CHUNK_S == 0.1
    assert WAIT_S <= CHUNK_S / 3
