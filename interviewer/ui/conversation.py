"""Conversation mode: the microphone streams, the interviewer listens, and each answer is sent when it is over.

The page streams the microphone in short chunks once the candidate presses record (one click for the whole
interview). Each chunk goes to the session's `Listener` (interviewer/voice/turns.py): the words show as they are
heard, and when the turn is over by the turn-taking policy the answer takes the same path as a typed one (scoring,
feedback, report, persistence), with the delivery figures from the audio. While the interviewer's reply is being
read aloud, the microphone's audio is not listened to, so the page's own voice is not taken for the candidate.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np

from interviewer.service import Service
from interviewer.ui import views
from interviewer.ui.handlers import NO_SESSION, SESSION_ID, _skip, after_turn
from interviewer.voice.audio import RATE, Audio, resample
from interviewer.voice.turns import Event, Listener, VoiceActivity

log = logging.getLogger(__name__)

WORDS_PER_SECOND = 2.6  # how fast the page reads a reply aloud: until then, only a barge-in is listened for
NUDGE = "Take your time. If you need a moment, say \u201clet me think\u201d, and I'll wait."
LISTENING = "Listening\u2026"
IDLE_S = 600.0  # a listener with no chunk for this long is dropped
# The page streams the microphone in tenths of a second: Gradio's audio component sets its own `stream_every` to
# 0.1 whatever the app asks. Each chunk's request waits at most WAIT_S for the chunk to be read, well under that:
# Gradio drops a chunk that arrives while the handler is still busy with the one before. Measured in the browser
# test on two busy cores (the warning in `_count`): a request that waited up to 0.45 s lost 4.7 s of a 10 s answer,
# and the words came out garbled ("at remote batteries" for "and roll back the release"); at 0.03 s, with Whisper
# leaving a core to the web server (`voice/stt.py`), a second or less in most turns.
CHUNK_S = 0.1
WAIT_S = 0.03
THREAD_IDLE_S = 2.0  # a listener's thread with no chunk for this long ends (the next chunk starts another)
SAY_AGAIN = "Sorry, I didn't catch that clearly. Could you say it again?"
FIX_IT = "I'm not sure I heard that right: check the text in the answer box, fix it, and press Send."
HEARD_OFFLINE = (
    "The transcription endpoint failed ({}), so the offline recogniser heard this answer: check the transcript in the "
    "chat."
)
NOTHING_HEARD = "I didn't hear anything, so I'm still listening. Speak when you're ready, or type your answer."


class Feeder:
    """Feeds a listener its chunks in order, on a thread of its own. Gradio keeps only the newest chunk of a stream
    that arrives while the handler is still busy with an earlier one (`/stream/{event_id}` overwrites the event's
    data), so a handler that waited for Whisper to hear a stretch, on a busy machine, lost the speech that came
    meanwhile, and a turn could end in the middle of an answer. Here the handler queues its chunk and waits at most
    `wait_s` (well under the page's cadence, `CHUNK_S`) for it to be read, or for new words to show; what is not ready
    then comes back with a later chunk. No chunk is dropped. The thread ends when the turn does, or after
    `THREAD_IDLE_S` without a chunk (a new one starts with the next)."""

    def __init__(self, listener: Listener, wait_s: float):
        self.listener, self.wait_s = listener, wait_s
        self._chunks: deque[np.ndarray] = deque()
        self._events: list[Event] = []
        self._queued = self._read = 0
        self._running = False
        self._ready = threading.Condition()

    def _run(self) -> None:
        while True:
            with self._ready:
                if not self._chunks and not self.listener.done:
                    self._ready.wait(THREAD_IDLE_S)
                if not self._chunks or self.listener.done:
                    self._running = False
                    self._ready.notify_all()
                    return
                chunk = self._chunks.popleft()
            try:
                events = self.listener.feed(chunk)
            except Exception as e:  # a chunk that cannot be read is skipped, never the whole turn
                log.error("a microphone chunk could not be read: %s", type(e).__name__)
                log.debug("chunk failure details", exc_info=True)
                events = []
            with self._ready:
                self._events += events
                self._read += 1
                self._ready.notify_all()

    def feed(self, chunk: np.ndarray) -> list[Event]:
        """Queue the chunk; every event since the last call, once this chunk is read or `wait_s` has passed."""
        with self._ready:
            if not self.listener.done:
                self._chunks.append(chunk)
                self._queued += 1
                if not self._running:
                    self._running = True
                    threading.Thread(target=self._run, name="listener").start()  # not a daemon: exits cleanly
                self._ready.notify_all()
            mine = self._queued

            def ready() -> bool:  # this chunk is read, or new words are heard: shown at once, not a chunk later
                return self._read >= mine or not self._running or any(e.kind == "words" for e in self._events)

            self._ready.wait_for(ready, timeout=self.wait_s)
            events, self._events = self._events, []
        return events

    @property
    def finished(self) -> bool:
        """The listener has ended and every event it made has been handed out."""
        with self._ready:
            return self.listener.done and not self._running and not self._events

    def close(self) -> None:
        with self._ready:
            self._chunks.clear()
            self._ready.notify_all()


@dataclass
class Live:
    listener: Listener
    speaking_until: float = 0.0  # monotonic time until which the interviewer is (probably) still speaking
    barge: VoiceActivity | None = None  # reads the microphone while the interviewer speaks, for a barge-in
    loud: int = 0  # frames in a row of clearly strong speech while the interviewer speaks
    seen: float = 0.0  # monotonic time of the latest chunk
    user: str | None = None  # the account whose session this is (None without accounts)
    feeder: Feeder | None = None  # reads the chunks in order on its own thread (made on the first chunk)
    first: float = 0.0  # monotonic time of the turn's first chunk
    received_s: float = 0.0  # seconds of audio received since then
    lost_s: float = 0.0  # the shortfall already reported


def mono_16k(chunk: Any) -> np.ndarray:
    """Gradio's (rate, int16 samples[, channels]) as float32 mono at 16 kHz."""
    rate, data = chunk
    x = np.asarray(data, dtype=np.float32)
    if x.ndim == 2:
        x = x.mean(axis=1)
    if np.issubdtype(np.asarray(data).dtype, np.integer):
        x = x / 32768.0
    return resample(x.astype(np.float32), int(rate))


class Conversation:
    """One `Live` turn per session, kept here (a listener holds a model's state and audio: not a page value)."""

    def __init__(self, service: Service, wait_s: float = WAIT_S):
        """`wait_s`: how long a chunk's request waits for the chunk to be read (the rest comes with a later one)."""
        self.service, self.wait_s = service, wait_s
        self._live: dict[str, Live] = {}
        self._lock = threading.Lock()

    def _turn(self, session_id: str, user: str | None) -> Live | None:
        """The session's live turn; None when the session is not this account's (checked once per turn, not per
        tenth of a second of audio)."""
        now = time.monotonic()
        with self._lock:
            for sid in [s for s, v in self._live.items() if now - v.seen > IDLE_S]:
                gone = self._live.pop(sid)  # a closed tab's microphone: its audio is not kept
                if gone.feeder is not None:
                    gone.feeder.close()
                gone.listener.close()
            live = self._live.get(session_id)
            if live is not None and live.user != user:
                return None
            ended = live is not None and live.listener.done and (live.feeder is None or live.feeder.finished)
            if live is None or ended:
                if self.service.load(session_id, user) is None:
                    return None
                live = self._live[session_id] = Live(self.service.listener(session_id, user), user=user)
            live.seen = now
            return live

    def listen(self, chunk: Any, session_id: str, speak: bool, request: Any = None) -> tuple:
        """Outputs: chat, status, feedback, notice, live_said (read aloud by the page), live_status, the answer box
        (a transcript to fix), live_stop (a new value stops the page's voice: the candidate barged in)."""
        nothing = (_skip(),) * 8
        if chunk is None:
            return nothing
        if not SESSION_ID.fullmatch(session_id or ""):
            return (_skip(), _skip(), _skip(), NO_SESSION, _skip(), _skip(), _skip(), _skip())
        try:
            samples = mono_16k(chunk)
        except (TypeError, ValueError):
            return nothing
        user = self.service.user_of(request)
        live = self._turn(session_id, user)
        if live is None:
            return (_skip(), _skip(), _skip(), NO_SESSION, _skip(), _skip(), _skip(), _skip())
        _count(live, samples, session_id)
        stop: Any = _skip()
        if time.monotonic() < live.speaking_until:
            if not self._barges_in(live, samples):
                return (*nothing[:5], "Speaking\u2026", _skip(), _skip())
            live.speaking_until = 0.0  # the candidate talks over the interviewer: it stops and listens
            stop = f"{time.monotonic():.3f}"
        status: Any = "Hearing you\u2026" if stop != _skip() else _skip()
        if live.feeder is None:
            live.feeder = Feeder(live.listener, self.wait_s)
        for event in live.feeder.feed(samples):
            if event.kind == "status" and event.status == "hearing":
                status = "Hearing you\u2026"
            elif event.kind == "words":
                status = f"Hearing you: \u201c{views.as_text(event.text)[-240:]}\u201d"
            elif event.kind == "nudge":
                return (*nothing[:4], NUDGE if speak else _skip(), NUDGE, _skip(), stop)
            elif event.kind == "end":
                heard = live.listener
                return (*self._answer(session_id, event.text, event.audio, speak, heard.logprob, user, heard.failed),
                        stop)  # fmt: skip
        return (*nothing[:5], status, _skip(), stop)

    def _barges_in(self, live: Live, samples: np.ndarray) -> bool:
        """Clearly strong speech for long enough while the interviewer talks: Silero sure it is speech and the
        frame loud, so the interviewer's own voice, quieter after the browser's echo cancellation, is not enough."""
        policy = self.service.settings.voice.turns
        if live.barge is None:
            live.barge = VoiceActivity()
        probs = live.barge.feed(samples)
        for p, rms in zip(probs, live.barge.loudness, strict=True):
            strong = p >= policy.barge_in_threshold and rms >= policy.barge_in_rms
            live.loud = live.loud + 1 if strong else 0
            if live.loud >= policy.barge_in_frames:
                return True
        return False

    def _answer(
        self, session_id: str, text: str, audio: np.ndarray | None, speak: bool, logprob: float, user: str | None,
        failed: str | None = None,
    ) -> tuple:  # fmt: skip
        """`failed`: the transcription endpoint failed during the turn, and the offline recogniser heard it."""
        if not text.strip():
            return (_skip(), _skip(), _skip(), _skip(), _skip(), NOTHING_HEARD, _skip())
        policy = self.service.settings.voice.turns
        if logprob < policy.unsure_logprob:  # not graded as if it were certain
            log.info("spoken turn in session %s heard unsure (%.2f)", session_id, logprob)
            with self._lock:
                ask = policy.unsure_action == "ask" and speak
                speaking = time.monotonic() + len(SAY_AGAIN.split()) / WORDS_PER_SECOND if ask else 0.0
                self._live[session_id] = Live(self.service.listener(session_id, user), speaking, seen=time.monotonic(),
                                              user=user)  # fmt: skip
            if policy.unsure_action == "fix":
                return (_skip(), _skip(), _skip(), FIX_IT, _skip(), FIX_IT, text)
            return (_skip(), _skip(), _skip(), _skip(), SAY_AGAIN if speak else _skip(), SAY_AGAIN, _skip())
        speech = _speech(audio, text)
        try:
            session, result = self.service.reply(session_id, text, speech.seconds if speech else None, speech, user)
        except Exception as e:  # the message could quote the answer: only its type is logged above DEBUG
            log.error("spoken turn failed in session %s: %s", session_id, type(e).__name__)
            log.debug("turn failure details", exc_info=True)
            return (_skip(), _skip(), _skip(), f"Something went wrong with that answer. You said: {text}", _skip(),
                    "Please say it again.", _skip())  # fmt: skip
        feedback, said = after_turn(session, result)
        heard = HEARD_OFFLINE.format(failed) if failed else None
        notes = [n for n in (heard, result.notice, views.engine_notice(result.engine)) if n]
        speaking = time.monotonic() + len(said.split()) / WORDS_PER_SECOND if speak and said else 0.0
        with self._lock:  # the next answer gets a fresh listener, told the next question
            self._live[session_id] = Live(self.service.listener(session_id, user), speaking, seen=time.monotonic(),
                                          user=user)  # fmt: skip
        status = "Speaking\u2026" if speak and said else LISTENING
        if session.state.phase == "done":
            status = "The interview is over: see the Report tab."
        return (views.chat_messages(session), views.status_line(session), feedback, " ".join(notes),
                said if speak else _skip(), status, _skip())  # fmt: skip


LOST_S = 1.0  # less audio than wall time by this much: chunks went missing between the page and the handler


def _count(live: Live, samples: np.ndarray, session_id: str) -> None:
    """Audio received against time passed: a stream that falls behind by a second or more lost chunks."""
    now = time.monotonic()
    if not live.first:
        live.first = now - len(samples) / RATE
    live.received_s += len(samples) / RATE
    short = (now - live.first) - live.received_s
    if short >= live.lost_s + LOST_S:
        live.lost_s = short
        log.warning(
            "session %s: %.1f s of microphone audio did not arrive in %.1f s", session_id, short, now - live.first
        )


def _speech(audio: np.ndarray | None, text: str) -> Any:
    """Talk time, pauses and speaking rate from the turn's own audio (none for an empty stream)."""
    from interviewer.voice.timing import speech_timing

    if audio is None or len(audio) == 0:
        return None
    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")
    try:
        return speech_timing(Audio(pcm.tobytes(), len(pcm) / RATE, float(np.sqrt(np.mean(audio**2)) * 32768)),
                             words=len(text.split()))  # fmt: skip
    except Exception as e:  # delivery figures are a bonus: never lose the answer over them
        log.warning("no delivery figures for a spoken turn: %s", type(e).__name__)
        return None
