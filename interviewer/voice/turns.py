"""Turn-taking for the hands-free interview: when has the candidate finished speaking?

Audio arrives in small chunks while the candidate talks. `VoiceActivity` reads it with Silero VAD (the ONNX model
inside faster-whisper, on onnxruntime; the `silero-vad` package itself would bring PyTorch) one 32 ms frame at a
time, carrying the model's state, so each chunk costs only its own frames. `Listener` cuts the speech into stretches
at short pauses and has each stretch transcribed as soon as a pause closes it: the words show while the candidate is
still talking, and when the turn ends only the last stretch is left to hear.

The end of a turn is a policy over the words so far and the silence since the last speech (`end_of_turn`), never
one fixed timeout:
- after a complete sentence, a short wait (`end_after_sentence_s`), longer while the answer is still under
  `short_answer_words` words (`end_after_short_s`): one sentence is more often a first thought than a whole answer;
- after a filler, a conjunction or a clause cut off ("um", "and", "so the"), a longer one (`end_after_open_s`);
- "give me a moment", "let me think" holds the turn for up to `hold_s`;
- no speech at all for `nudge_after_s` gets one gentle nudge; after `give_up_after_s` the turn ends empty and the
  interview's own non-answer handling takes over.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from interviewer.settings import TurnTakingSettings
from interviewer.voice.audio import RATE
from interviewer.voice.endpoint import short_reason

log = logging.getLogger(__name__)
FRAME = 512  # samples per VAD frame at 16 kHz: 32 ms
CONTEXT = 64  # samples of the previous frame the model sees with each one (as faster-whisper feeds it)
FRAME_S = FRAME / RATE

# The last words of an unfinished thought: a filler, a conjunction, an article or a subject left hanging. Whisper
# often closes a cut-off clause with a full stop ("I'd roll back, um."), so these are open even after one. A
# preposition or "that" is not among them: a sentence may well end on one ("it's not worth arguing about.", "that's
# what we agreed on."), and one that trails off comes with no stop, or as "about...".
OPEN_ENDINGS = frozenset(
    "um uh er erm hmm mm like and but or so because since although though then if when while which who the a an is "
    "are was were be i i'd i'll we we'd my our it's".split()
)
HOLDS = re.compile(
    r"\b(give me (a|one) (moment|second|sec|minute)|let me think|let me see|one (moment|second|sec)|"
    r"bear with me|hold on|just a (moment|second|sec)|i need (a|to) (moment|think))\b",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.!?][\"')\]]*$")

Decision = Literal["wait", "end", "nudge", "give_up"]


def last_words(text: str, n: int = 1) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())[-n:]


def is_open(text: str) -> bool:
    """True when the words so far stop mid-thought: no closing punctuation, or a filler or joining word last.

    Whisper often closes a cut-off clause with a full stop, so the last word is checked even after one, except a
    preposition or relative word, which a finished sentence may end on."""
    t = text.strip()
    if not t or t.endswith(("...", "…", "-", ",")):  # Whisper writes a trailing-off clause as "and..."
        return True
    tail = last_words(t)
    if tail and tail[0] in OPEN_ENDINGS:
        return True
    return not SENTENCE_END.search(t)


def holds(text: str) -> bool:
    """The candidate asked for time, in the last stretch they spoke ("Let me think about that for a second.")."""
    return bool(HOLDS.search(text[-120:]))


def end_of_turn(
    policy: TurnTakingSettings,
    text: str,
    silence_s: float,
    spoke: bool,
    holding: bool = False,
    nudged: bool = False,
) -> Decision:
    """What to do now, given the words heard, the silence since the last speech (or since listening began, when
    nothing was said yet), and whether the last thing said asked for time."""
    if not spoke:
        if silence_s >= policy.give_up_after_s:
            return "give_up"
        if silence_s >= policy.nudge_after_s and not nudged:
            return "nudge"
        return "wait"
    if holding:
        return "end" if silence_s >= policy.hold_s else "wait"
    if is_open(text):
        wait = policy.end_after_open_s
    elif len(last_words(text, policy.short_answer_words)) < policy.short_answer_words:
        wait = policy.end_after_short_s  # one sentence is rarely a whole interview answer: it may be a first thought
    else:
        wait = policy.end_after_sentence_s
    return "end" if silence_s >= wait else "wait"


class VoiceActivity:
    """Silero VAD over a stream: feed samples (float32, 16 kHz, any chunk size), get one speech probability per
    32 ms frame. The model's state and the context samples carry over from chunk to chunk."""

    def __init__(self) -> None:
        from faster_whisper.vad import get_vad_model

        self._session = get_vad_model().session
        self._pending = np.zeros(0, dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self.loudness = np.zeros(0, dtype=np.float32)  # RMS of each frame the last `feed` read (full scale 1.0)

    def feed(self, samples: np.ndarray) -> np.ndarray:
        self._pending = np.concatenate([self._pending, np.asarray(samples, dtype=np.float32)])
        n = len(self._pending) // FRAME
        if not n:
            self.loudness = np.zeros(0, dtype=np.float32)
            return np.zeros(0, dtype=np.float32)
        frames = self._pending[: n * FRAME].reshape(n, FRAME)
        self.loudness = np.sqrt(np.mean(np.square(frames), axis=1))
        self._pending = self._pending[n * FRAME :]
        contexts = np.vstack([self._context, frames[:-1, -CONTEXT:]]) if n > 1 else self._context[None, :]
        self._context = frames[-1, -CONTEXT:].copy()
        batch = np.concatenate([contexts, frames], axis=1)
        out, self._h, self._c = self._session.run(None, {"input": batch, "h": self._h, "c": self._c})
        return np.asarray(out, dtype=np.float32).reshape(-1)[:n]


@dataclass
class Event:
    """What the page shows or does: a status change, the words so far, a nudge, or the end of the turn."""

    kind: Literal["status", "words", "nudge", "end"]
    status: Literal["listening", "hearing", "thinking"] | None = None
    text: str = ""
    at_s: float = 0.0  # stream time when it happened
    audio: np.ndarray | None = field(default=None, repr=False)  # the whole turn's samples, with "end"


# (samples, text heard so far) -> the stretch's words and the recogniser's mean log-probability for them
Transcribe = Callable[[np.ndarray, str], tuple[str, float]]


class Listener:
    """One candidate turn from a microphone stream. `feed` takes each chunk as it arrives and returns what happened.

    Speech starts after `start_frames` speech frames in a row and a stretch closes after `pause_s` of silence, or
    after only `early_s` once it is `long_stretch_s` long; each closed stretch is heard (`transcribe`) on a thread of
    the listener's own, in order, while the stream goes on being read, so the words build up while the candidate
    talks and a long answer leaves only a short stretch to hear at its end. At `early_s` of silence the open stretch
    is already sent to be heard: if the candidate says nothing more before the pause closes it, those are its words,
    and they are often ready by the time the pause is over. The end of the turn waits for every stretch's words."""

    def __init__(
        self,
        policy: TurnTakingSettings,
        transcribe: Stretches | Transcribe,
        threshold: float = 0.5,
        prepare: Callable[[str], None] | None = None,
    ):
        """`prepare`: given the words heard so far each time a stretch is heard, on a thread of its own (only the
        newest words, when it gets to them): the service reads the answer ahead, so the turn's scoring finds it read,
        and hearing the next stretch never waits for it."""
        self.policy = policy
        self.transcribe = transcribe
        self.prepare = prepare
        self.threshold = threshold
        self.vad = VoiceActivity()
        self.samples: list[np.ndarray] = []
        self.frames = 0  # frames read so far
        self.run = 0  # speech frames in a row
        self.stretch_start: int | None = None  # first frame of the stretch being spoken
        self.last_speech = -1  # last speech frame
        self.spoken: list[tuple[int, int]] = []  # closed stretches, as frame ranges
        self.text = ""
        self.sureness: list[tuple[int, float]] = []  # (words, mean log-probability) per stretch heard
        self.holding = False  # the last stretch asked for time ("let me think")
        self.nudged = False
        self.done = False
        self._hearing: list[Future[tuple[str, float]]] = []  # closed stretches sent to be heard, oldest first
        # the open stretch, sent to be heard early: its frames, its words to come, and whether they are still wanted
        self._early: tuple[tuple[int, int], Future[tuple[str, float]], list[bool]] | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._reader: ThreadPoolExecutor | None = None  # reads the answer ahead (`prepare`), newest words only
        self._to_read: str | None = None
        self._lock = threading.Lock()

    @property
    def now_s(self) -> float:
        return self.frames * FRAME_S

    def _stretch_audio(self, start: int, end: int) -> np.ndarray:
        pad = int(0.2 / FRAME_S)  # a little before and after, so no word is clipped
        audio = np.concatenate(self.samples) if self.samples else np.zeros(0, dtype=np.float32)
        return audio[max(0, start - pad) * FRAME : (end + pad) * FRAME]

    def _hear(self, audio: np.ndarray, wanted: list[bool] | None = None) -> Future[tuple[str, float]]:
        """Send a stretch to be heard; the recogniser is told the words of every stretch kept before it, which are
        heard by then (one thread, in order). `wanted`: set to [False] when the stretch turns out to go on (heard
        early): its words are then read ahead by nobody."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="hearing")
        pool, keep = self._pool, wanted if wanted is not None else [True]

        def heard() -> tuple[str, float]:
            with self._lock:
                kept = [
                    f.result()[0].strip() for f in self._hearing if f.done() and not f.cancelled() and not f.exception()
                ]
                before = " ".join([self.text, *kept]).strip()
            words, sure = self.transcribe(audio, before)
            if words.strip() and keep[0]:
                self._read_ahead(f"{before} {words.strip()}".strip())
            return words, sure

        return pool.submit(heard)

    def _read_ahead(self, words: str) -> None:
        """Hand the answer so far to `prepare`, on a thread of its own, so hearing the next stretch never waits for
        it; only the newest words are read when that thread gets to them."""
        if self.prepare is None:
            return
        with self._lock:
            if self.done:
                return
            if self._reader is None:
                self._reader = ThreadPoolExecutor(1, thread_name_prefix="reading-ahead")
            self._to_read = words
            self._reader.submit(self._read_newest)

    def _read_newest(self) -> None:
        with self._lock:
            words, self._to_read = self._to_read, None
        if words is not None and self.prepare is not None:
            self.prepare(words)

    def _close_stretch(self, events: list[Event]) -> None:
        if self.stretch_start is None:
            return
        start, end = self.stretch_start, self.last_speech + 1
        self.stretch_start = None
        self.spoken.append((start, end))
        if self._early is not None and self._early[0] == (start, end):
            heard, self._early = self._early[1], None  # heard early: those are its words
        else:
            self._drop_early()
            heard = self._hear(self._stretch_audio(start, end))
        with self._lock:
            self._hearing.append(heard)

    def _collect(self, events: list[Event], wait: bool = False) -> None:
        """The words of the stretches heard so far, in order (with `wait`, of every closed stretch)."""
        while self._hearing and (wait or self._hearing[0].done()):
            try:
                words, sure = self._hearing[0].result()
            except (Exception, CancelledError) as e:  # a stretch that cannot be heard is lost, never the turn
                log.error("a stretch of speech could not be heard: %s", type(e).__name__)
                log.debug("hearing failure details", exc_info=True)
                words, sure = "", 0.0
            words = words.strip()
            with self._lock:
                self._hearing.pop(0)
                if words:
                    self.sureness.append((len(words.split()), sure))
                    self.text = f"{self.text} {words}".strip()
            if words:
                events.append(Event("words", text=self.text, at_s=self.now_s))
                self.holding = holds(words)

    def _drop_early(self) -> None:
        if self._early is not None:
            self._early[2][0] = False
            self._early[1].cancel()
            self._early = None

    def _stop(self) -> None:
        with self._lock:
            self.done = True
        self._drop_early()
        for pool in (self._pool, self._reader):
            if pool is not None:
                pool.shutdown(wait=False)

    def close(self) -> None:
        """The turn is abandoned (a closed tab): nothing more is heard or read ahead."""
        self._stop()

    def feed(self, chunk: np.ndarray) -> list[Event]:
        if self.done:
            return []
        events: list[Event] = []
        self.samples.append(np.asarray(chunk, dtype=np.float32))
        pause = max(1, round(self.policy.pause_s / FRAME_S))
        early = max(1, min(pause, round(self.policy.early_s / FRAME_S)))
        long = round(self.policy.long_stretch_s / FRAME_S)
        long_pause = max(1, min(pause, round(self.policy.long_pause_s / FRAME_S)))
        for p in self.vad.feed(chunk):
            speech = p >= self.threshold
            self.run = self.run + 1 if speech else 0
            if speech and self.run >= self.policy.start_frames:
                if self.stretch_start is None:
                    self.stretch_start = self.frames - self.run + 1
                    if not self.spoken:
                        events.append(Event("status", status="hearing", at_s=self.now_s))
                self.last_speech = self.frames
            self.frames += 1
            if self.stretch_start is not None:
                silent = self.frames - 1 - self.last_speech
                if silent >= pause or (silent >= long_pause and self.last_speech + 1 - self.stretch_start >= long):
                    self._close_stretch(events)
                elif silent == early and self._early is None:  # it may be over: start hearing it now
                    span, wanted = (self.stretch_start, self.last_speech + 1), [True]
                    self._early = (span, self._hear(self._stretch_audio(*span), wanted), wanted)
                elif silent == 0 and self._early is not None:
                    self._drop_early()  # more speech: the stretch goes on, and is heard again when it closes
            self._collect(events, wait=self._due())
            decision = self._decide()
            if decision == "nudge":
                self.nudged = True
                events.append(Event("nudge", at_s=self.now_s))
            elif decision in ("end", "give_up"):
                self._close_stretch(events)
                self._collect(events, wait=True)
                self._stop()
                events.append(Event("status", status="thinking", at_s=self.now_s))
                events.append(Event("end", text=self.text, at_s=self.now_s, audio=np.concatenate(self.samples)))
                break
        return events

    @property
    def failed(self) -> str | None:
        """Why the transcription endpoint failed during this turn (its stretches were then heard offline)."""
        return self.transcribe.failed if isinstance(self.transcribe, Stretches) else None

    @property
    def logprob(self) -> float:
        """How sure the recogniser was of the whole turn: its stretches' log-probabilities, weighted by words."""
        words = sum(n for n, _ in self.sureness)
        return sum(n * lp for n, lp in self.sureness) / words if words else 0.0

    def _due(self) -> bool:
        """The candidate has been silent for the shortest wait that can end a turn: the words are needed now."""
        if self.stretch_start is not None or not self.spoken:
            return False
        silence = (self.frames - 1 - self.last_speech) * FRAME_S
        return silence >= min(self.policy.end_after_sentence_s, self.policy.end_after_short_s)

    def _decide(self) -> Decision:
        if self.stretch_start is not None:
            return "wait"  # still talking, or a pause too short to close the stretch
        spoke = bool(self.spoken)
        silence = (self.frames - 1 - self.last_speech) * FRAME_S if spoke else self.now_s
        if self._hearing:
            return "wait"  # words still being heard: the policy needs them (`feed` waits for them when it does)
        return end_of_turn(self.policy, self.text, silence, spoke, self.holding, self.nudged)

    def finish(self) -> Event:
        """The candidate stopped the stream themselves: whatever was heard is the turn."""
        events: list[Event] = []
        self._close_stretch(events)
        self._collect(events, wait=True)
        self._stop()
        audio = np.concatenate(self.samples) if self.samples else None
        return Event("end", text=self.text, at_s=self.now_s, audio=audio)


class Stretches:
    """Hears each stretch as it closes, told the question's prompt (`recognition_prompt`) and the words the candidate
    said before it, as Whisper expects the text that came before. With an endpoint (`remote`, an OpenAI-compatible
    `/audio/transcriptions`), the endpoint hears it; it reports no confidence, so its words count as sure. An
    endpoint that fails is not asked again for the rest of the turn: the offline recogniser hears that stretch and
    the ones after, and `failed` names the failure for the page to show (a fallback is never silent)."""

    def __init__(self, offline: Any, prompt: str | None = None, remote: Any = None, window_s: float = 0.0) -> None:
        """`window_s`: the offline recogniser's encoder window, beyond the stretch (`TurnTakingSettings.window_s`)."""
        self.offline, self.prompt, self.remote, self.window_s = offline, prompt, remote, window_s
        self.failed: str | None = None

    @property
    def engine(self) -> str:
        return str(self.remote.name if self.remote is not None and self.failed is None else self.offline.name)

    def __call__(self, samples: np.ndarray, before: str) -> tuple[str, float]:
        told = " ".join(x for x in (self.prompt, before[-300:]) if x) or None
        if self.remote is not None and self.failed is None:
            try:
                return str(self.remote.samples_text(samples, told)), 0.0
            except Exception as e:  # any endpoint failure: the offline recogniser still hears the answer
                self.failed = short_reason(e)
                log.warning("transcription endpoint failed on a live turn, heard offline: %s", self.failed)
        text, sure = self.offline.samples_heard(samples, told, self.window_s)
        return str(text), float(sure)
