"""Voice to voice, offline: from the end of the candidate's speech to the interviewer's reply ready to be spoken.

Spoken answers (espeak-ng reading labelled answers, each to its own question) go through conversation mode's own
path (`interviewer/ui/conversation.py`: Silero VAD, stretches heard by Whisper as they close, the turn-taking
policy, the whole turn heard again, the turn scored and committed) in the chunks the page sends (`CHUNK_S`).
The stream is replayed on the real clock: a chunk is sent once it has been spoken, or once the previous call is
done if that took longer. Conversation mode reads the chunks on a thread of its own (`Feeder`), so the clock must be
real: a simulated one let the calls run ahead of the thread and counted its backlog as waiting. The browser's
own voice starts speaking as soon as the reply reaches the page, so the figure is the time the candidate waits.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

from interviewer.bank.loader import load_bank
from interviewer.bench.figures import BenchError, percentile
from interviewer.bench.scratch import scratch_dir
from interviewer.settings import LLMSettings, Settings

ANSWERS = 10


def spoken(text: str, folder: Path) -> tuple[np.ndarray, int]:
    out = folder / "said.wav"
    subprocess.run(["espeak-ng", "-s", "160", "-w", str(out), text], check=True, capture_output=True)
    with wave.open(str(out)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2"), w.getframerate()


def speech_end_s(samples: np.ndarray, rate: int) -> float:
    """Where the voice stops: the last 10 ms window above a low level (espeak-ng leaves some silence after)."""
    window = rate // 100
    frames = samples[: len(samples) - len(samples) % window].astype(np.float32).reshape(-1, window)
    loud = np.flatnonzero(np.sqrt(np.mean(frames**2, axis=1)) > 300.0)
    return float((loud[-1] + 1) * window / rate) if len(loud) else 0.0


def run_voice_bench(
    settings: Settings, data_dir: Path | None = None, answers: int = ANSWERS, llm_delay_s: float | None = None
) -> dict[str, float]:
    """With `llm_delay_s`, the turn is judged and decided by an LLM: the local test server (`FakeOpenAI`) answering
    the judge's and the policy's requests after that fixed latency; the figures are then `voice_to_voice_llm_*`."""
    if not shutil.which("espeak-ng"):
        return {}  # nothing to speak with: the figures are left out rather than guessed
    if llm_delay_s is None:
        return _run(settings, data_dir, answers, LLMSettings(), "voice_to_voice")
    from interviewer.testing.fake_openai import FakeOpenAI
    from interviewer.testing.model_replies import interviewer_replies

    with FakeOpenAI(latency_s=llm_delay_s, responder=interviewer_replies) as server:
        llm = LLMSettings(base_url=server.base_url, model="bench-fixed-latency", timeout_s=30)
        figures = _run(settings, data_dir, answers, llm, "voice_to_voice_llm")
        if figures and len(server.chat_requests()) < figures["voice_to_voice_llm_turns"]:
            raise BenchError("the LLM was not asked on every spoken turn: nothing would be measured")
        return figures


def _run(settings: Settings, data_dir: Path | None, answers: int, llm: LLMSettings, name: str) -> dict[str, float]:
    from interviewer.evals.scoring import load_labelled
    from interviewer.interview.models import Plan
    from interviewer.service import Service
    from interviewer.ui.conversation import CHUNK_S, Conversation  # the chunks the page streams

    bank = load_bank(settings.knowledge_dir)
    questions = {q.id for q in bank.questions}
    items = [i for i in load_labelled(settings.evals_dir / "scoring") if i.question_id in questions]
    items = [i for i in items if i.gold.score is not None and 20 <= len(i.answer.split()) <= 60][:answers]
    waits = []
    with scratch_dir(data_dir) as tmp, tempfile.TemporaryDirectory(prefix="interviewer-voice-") as voices:
        # the speech is heard offline in both runs: the LLM run measures the judge's and the policy's round trip
        voice = settings.voice.model_copy(update={"stt": "offline"})
        scratch = settings.model_copy(update={"data_dir": tmp, "llm": llm, "voice": voice})
        service = Service(scratch, bank=bank)
        service.warm_up()
        conv = Conversation(service)
        for n, item in enumerate([items[0], *items]):  # the first, twice: loads the recogniser and the reader
            samples, rate = spoken(item.answer, Path(voices))
            ended = CHUNK_S + speech_end_s(samples, rate)
            audio = np.concatenate([np.zeros(int(CHUNK_S * rate), "<i2"), samples, np.zeros(4 * rate, "<i2")])
            q = bank.question(item.question_id)
            session = service.start(Plan(tracks=[q.track], level=q.level, questions=1, mode="practice", first=q.id))
            step, ready = int(CHUNK_S * rate), None
            start = time.perf_counter()
            for k, i in enumerate(range(0, len(audio), step)):
                due = start + (k + 1) * CHUNK_S  # the chunk's last sample has been spoken
                time.sleep(max(0.0, due - time.perf_counter()))  # not before; later if the previous call ran long
                out = conv.listen((rate, audio[i : i + step]), session.id, False)
                if out[0] != {"__type__": "update"}:  # the chat changed: the reply is in
                    ready = time.perf_counter() - start
                    break
            if ready is not None and n > 0:
                waits.append((ready - ended) * 1000)
    if not waits:
        return {}
    return {
        f"{name}_p50_ms": round(statistics.median(waits), 1),
        f"{name}_p95_ms": round(percentile(waits, 0.95), 1),
        f"{name}_turns": float(len(waits)),
    }
